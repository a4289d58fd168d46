"""The KRS picture: counts of family survey rounds per desa and round, and their totals.

Aggregates only (no names): the database counts the rounds of each (desa, round) with one
grouped query (``Count`` with a filter per label), the families with a stunted child with a
second, the members with a third; kecamatan and kabupaten totals are sums of desa rows.
Nothing loops over families in Python.

``krs_counts`` is also what the analytics summaries are built from (``analytics.cube``), so
the picture and the analytics figures count the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from kampungkb.core.rounding import proportion
from kampungkb.core.scoping import covered_kode, within_q
from kampungkb.families.krs import FACTORS
from kampungkb.families.models import FamilyMember, FamilySurvey
from kampungkb.growth.models import Measurement
from kampungkb.wilayah.models import Level, Wilayah

# The counts of one (area, round), in the order the sheets and summaries list them.
SURVEY_COUNTS = (
    "families",
    "sasaran",
    "krs",
    *(f"f_{name}" for name in FACTORS),
    "stunted",
    "pus",
    "pus_kb_modern",
)
MEMBER_COUNTS = ("members", "jkn_known", "jkn_yes", "akta_known", "akta_yes")
COUNTS = SURVEY_COUNTS + MEMBER_COUNTS


def _children_latest_stunted():
    """The growth children whose latest measurement with a known length/height status says
    stunted (uncorrelated: the database works the set out once)."""
    later = Measurement.objects.filter(child_id=OuterRef("child_id"), stunted__isnull=False).filter(
        Q(tanggal__gt=OuterRef("tanggal")) | Q(tanggal=OuterRef("tanggal"), pk__gt=OuterRef("pk"))
    )
    return (
        Measurement.objects.filter(stunted=True)
        .exclude(Exists(later))
        .order_by()
        .values("child_id")
    )


def krs_counts(surveys=None) -> dict[tuple[str, int], dict[str, int]]:
    """{(desa code, round): {count name: value}} of the survey rounds ``surveys`` (a
    FamilySurvey queryset; default every round). Three grouped queries, whatever the size.

    A factor is counted among the target families (so among the KRS ones: a KRS family is a
    target family with a factor); a family with a stunted child is one with a member linked
    to a growth child whose latest measurement is stunted, whatever its label."""
    surveys = FamilySurvey.objects.all() if surveys is None else surveys
    factor_counts = {
        f"f_{name}": Count("pk", filter=Q(is_sasaran=True, **{column: True}))
        for name, column in FamilySurvey.FACTOR_FIELDS.items()
    }
    rows = (
        surveys.order_by()
        .values("keluarga__desa_id", "tahun")
        .annotate(
            families=Count("pk"),
            sasaran=Count("pk", filter=Q(is_sasaran=True)),
            krs=Count("pk", filter=Q(is_krs=True)),
            **factor_counts,
            pus=Count("pk", filter=Q(sasaran_pus=True)),
            pus_kb_modern=Count("pk", filter=Q(pus_kb_modern=True)),
        )
    )
    out: dict[tuple[str, int], dict[str, int]] = {}
    for r in rows:
        key = (r["keluarga__desa_id"], r["tahun"])
        out[key] = {name: r[name] for name in SURVEY_COUNTS if name != "stunted"}
        out[key] |= {"stunted": 0} | dict.fromkeys(MEMBER_COUNTS, 0)
    stunted = (
        FamilyMember.objects.filter(
            survey__in=surveys.order_by().values("pk"), child_id__in=_children_latest_stunted()
        )
        .order_by()
        .values("survey__keluarga__desa_id", "survey__tahun")
        .annotate(stunted=Count("survey_id", distinct=True))
    )
    for r in stunted:
        key = (r["survey__keluarga__desa_id"], r["survey__tahun"])
        if key in out:
            out[key]["stunted"] = r["stunted"]
    members = (
        FamilyMember.objects.filter(survey__in=surveys.order_by().values("pk"))
        .order_by()
        .values("survey__keluarga__desa_id", "survey__tahun")
        .annotate(
            members=Count("pk"),
            jkn_known=Count("pk", filter=Q(jkn__isnull=False)),
            jkn_yes=Count("pk", filter=Q(jkn=True)),
            akta_known=Count("pk", filter=Q(akta_lahir__isnull=False)),
            akta_yes=Count("pk", filter=Q(akta_lahir=True)),
        )
    )
    for r in members:
        key = (r["survey__keluarga__desa_id"], r["survey__tahun"])
        if key in out:
            out[key].update({name: r[name] for name in MEMBER_COUNTS})
    return out


@dataclass
class KrsRow:
    """The KRS figures of one area (a desa, or the total of a kecamatan or kabupaten)."""

    wilayah: Wilayah
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def __getattr__(self, name):
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    def add(self, counts: dict[str, int]) -> None:
        for name in COUNTS:
            self.counts[name] += counts.get(name, 0)

    @property
    def krs_share(self) -> Fraction | None:
        """KRS families among the target (sasaran) families."""
        return proportion(self.counts["krs"], self.counts["sasaran"])

    @property
    def mcpr(self) -> Fraction | None:
        """mCPR: PUS using a modern method among the PUS."""
        return proportion(self.counts["pus_kb_modern"], self.counts["pus"])

    @property
    def jkn_share(self) -> Fraction | None:
        """Members with JKN among the members whose answer is recorded."""
        return proportion(self.counts["jkn_yes"], self.counts["jkn_known"])

    @property
    def akta_share(self) -> Fraction | None:
        """Members with a birth certificate among those whose answer is recorded."""
        return proportion(self.counts["akta_yes"], self.counts["akta_known"])

    @property
    def factors(self) -> list[tuple[str, int]]:
        return [(name, self.counts[f"f_{name}"]) for name in FACTORS]


@dataclass
class KrsPicture:
    area: Wilayah
    tahun: int | None
    rounds: list[int]
    desa: list[KrsRow]  # the desa of the area, by code
    totals: list[KrsRow]  # each kecamatan of the area, then the kabupaten (or the area)

    @property
    def total(self) -> KrsRow | None:
        return self.totals[-1] if self.totals else None


def area_get(*, user, kode: str) -> Wilayah:
    """The kabupaten, kecamatan or desa ``kode`` if the user covers it, else 404."""
    return get_object_or_404(
        Wilayah.objects.for_user(user)
        .filter(level__in=[Level.KABUPATEN, Level.KECAMATAN, Level.DESA])
        .select_related("parent", "parent__parent"),
        kode=kode,
    )


def area_default(*, user) -> Wilayah | None:
    """Where the picture starts: the user's own area (the first kabupaten for everyone's)."""
    area = covered_kode(user)
    if area is None:
        return None
    qs = Wilayah.objects.filter(level__in=[Level.KABUPATEN, Level.KECAMATAN, Level.DESA])
    if area == "":
        return qs.filter(level=Level.KABUPATEN).order_by("kode").first()
    return qs.filter(within_q("kode", area)).order_by("kode").first()


def survey_rounds(*, user, area: Wilayah) -> list[int]:
    """The rounds (years) with surveyed families in ``area``, newest first."""
    return list(
        FamilySurvey.objects.for_user(user)
        .filter(within_q("keluarga__desa__kode", area.kode))
        .order_by("-tahun")
        .values_list("tahun", flat=True)
        .distinct()
    )


def round_parse(value, rounds: list[int]) -> int | None:
    """The round asked for (``?tahun=``) when it is one of ``rounds``, else the newest."""
    try:
        tahun = int(value)
    except (TypeError, ValueError):
        tahun = None
    if tahun in rounds:
        return tahun
    return rounds[0] if rounds else None


def krs_picture(*, user, area: Wilayah, tahun_text=None) -> KrsPicture:
    """The KRS picture of ``area`` in a round: a row per desa the user covers, a total per
    kecamatan and for the area. ``tahun_text``: the round asked for (default the newest)."""
    rounds = survey_rounds(user=user, area=area)
    tahun = round_parse(tahun_text, rounds)
    desa = list(
        Wilayah.objects.for_user(user)
        .filter(within_q("kode", area.kode), level=Level.DESA)
        .select_related("parent")
        .order_by("kode")
    )
    counts = {}
    if tahun is not None:
        surveys = FamilySurvey.objects.for_user(user).filter(
            within_q("keluarga__desa__kode", area.kode), tahun=tahun
        )
        counts = krs_counts(surveys)
    rows = []
    kecamatan: dict[str, KrsRow] = {}
    total = KrsRow(area)
    for w in desa:
        row = KrsRow(w)
        row.add(counts.get((w.kode, tahun), {}))
        rows.append(row)
        if area.level == Level.KABUPATEN:
            kecamatan.setdefault(w.parent_id, KrsRow(w.parent)).add(row.counts)
        if area.level != Level.DESA:
            total.add(row.counts)
    if area.level == Level.DESA:
        total = rows[0] if rows else KrsRow(area)
    totals = [kecamatan[k] for k in sorted(kecamatan)] + [total]
    return KrsPicture(area=area, tahun=tahun, rounds=rounds, desa=rows, totals=totals)
