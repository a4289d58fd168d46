"""Reads of families, their survey rounds and members, always scoped by the acting user.

Families are personal records: roles without personal-data access (Mitra OPD, Viewer) get
empty querysets here, and the aggregates come from the KRS picture instead.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404

from kampungkb.core.permissions import can_view_personal_data
from kampungkb.core.scoping import scope_q, within_q
from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga, Relation
from kampungkb.growth.models import Child, Measurement

PAGE_SIZE = 50
SASARAN_FIELDS = ("sasaran_pus", "sasaran_hamil", "sasaran_baduta", "sasaran_balita")
#: Sort keys of the list and their ordering.
SORTS = {
    "desa": ("keluarga__desa__nama", "keluarga__rw", "keluarga__rt", "keluarga__no_kk"),
    "kk": ("keluarga__no_kk",),
    "krs": ("-is_krs", "keluarga__desa__nama", "keluarga__no_kk"),
    "tanggal": ("-tanggal_pendataan", "keluarga__no_kk"),
}


def _keluarga(user):
    qs = Keluarga.objects.for_user(user)
    return qs if can_view_personal_data(user) else qs.none()


def _surveys(user):
    qs = FamilySurvey.objects.for_user(user)
    return qs if can_view_personal_data(user) else qs.none()


def latest_stunted():
    """Per child (``OuterRef("child_id")``): whether its latest measurement with a length or
    height that the WHO plausibility check kept shows stunting (null: never measured so)."""
    return Subquery(
        Measurement.objects.filter(child_id=OuterRef("child_id"), stunted__isnull=False)
        .exclude(flen=True)
        .order_by("-tanggal")
        .values("stunted")[:1]
    )


def has_stunted_child(user):
    """Per round (``OuterRef("pk")``): a member whose growth record is stunted now, among the
    growth records ``user`` covers (a member may be linked to a child of a desa outside the
    user's area, whose growth the user may not see: ``children_visible``)."""
    return Exists(
        FamilyMember.objects.filter(
            scope_q(user, "child__desa__kode"), survey_id=OuterRef("pk"), child__isnull=False
        )
        .annotate(now_stunted=latest_stunted())
        .filter(now_stunted=True)
    )


@dataclass(frozen=True)
class FamilyFilters:
    desa: str = ""
    rt: str = ""
    rw: str = ""
    krs: str = ""  # "ya" / "tidak" / ""
    factor: str = ""  # a field of FamilySurvey.FACTOR_FIELDS
    sasaran: str = ""  # one of SASARAN_FIELDS
    stunted: bool = False
    tahun: int | None = None
    sort: str = "desa"


def family_rounds(*, user, filters: FamilyFilters):
    """The round shown for each family in the user's area that passes ``filters``: the
    family's latest round, or its round of the year ``filters.tahun``. Annotated with
    ``has_stunted`` (a priority family)."""
    qs = _surveys(user)
    if filters.tahun:
        qs = qs.filter(tahun=filters.tahun)
    else:
        later = FamilySurvey.objects.filter(
            keluarga_id=OuterRef("keluarga_id"), tahun__gt=OuterRef("tahun")
        )
        qs = qs.filter(~Exists(later))
    if filters.desa:
        qs = qs.filter(within_q("keluarga__desa__kode", filters.desa))
    if filters.rt:
        qs = qs.filter(keluarga__rt=filters.rt)
    if filters.rw:
        qs = qs.filter(keluarga__rw=filters.rw)
    if filters.krs in ("ya", "tidak"):
        qs = qs.filter(is_krs=filters.krs == "ya")
    if filters.factor in FamilySurvey.FACTOR_FIELDS.values():
        qs = qs.filter(**{filters.factor: True})
    if filters.sasaran in SASARAN_FIELDS:
        qs = qs.filter(**{filters.sasaran: True})
    qs = qs.annotate(has_stunted=has_stunted_child(user))
    if filters.stunted:
        qs = qs.filter(has_stunted=True)
    order = SORTS.get(filters.sort, SORTS["desa"])
    return qs.select_related("keluarga", "keluarga__desa", "rule_set").order_by(*order)


def with_heads(rounds):
    """``rounds`` with the head's name and the member count (for the rows shown: the counts
    on top are taken without them)."""
    members = FamilyMember.objects.filter(survey_id=OuterRef("pk"))
    return rounds.annotate(
        head_name=Subquery(
            members.filter(hubungan=Relation.HEAD).order_by("urutan").values("nama")[:1]
        ),
        n_members=Subquery(
            members.order_by().values("survey_id").annotate(n=Count("pk")).values("n")[:1]
        ),
    )


def family_rounds_counts(rounds) -> dict[str, int]:
    """Counts of the families listed: all, targets, KRS, priority (a stunted child)."""
    return rounds.order_by().aggregate(
        families=Count("pk"),
        sasaran=Count("pk", filter=Q(is_sasaran=True)),
        krs=Count("pk", filter=Q(is_krs=True)),
        priority=Count("pk", filter=Q(has_stunted=True)),
    )


def survey_years(*, user) -> list[int]:
    return list(_surveys(user).order_by("-tahun").values_list("tahun", flat=True).distinct())


def family_get(*, user, pk: int) -> Keluarga:
    return get_object_or_404(_keluarga(user).select_related("desa", "desa__parent"), pk=pk)


def family_history(*, keluarga: Keluarga) -> list[FamilySurvey]:
    """The family's rounds, newest first, with their members (and the members' growth
    records) and the rule set that labelled each."""
    members = FamilyMember.objects.select_related("child").order_by("urutan", "pk")
    return list(
        keluarga.surveys.select_related("rule_set")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("-tahun")
    )


def children_visible(*, user, child_ids: list[int]) -> set[int]:
    """Which of the growth records ``child_ids`` the user may open: a family member may be
    linked to a child registered in a desa the user does not cover."""
    return set(Child.objects.for_user(user).filter(pk__in=child_ids).values_list("pk", flat=True))


def children_latest_measurements(*, user, child_ids: list[int]) -> dict[int, Measurement]:
    """The latest measurement of each child (by date) the user covers, by child id."""
    latest = Measurement.objects.filter(
        child_id=OuterRef("child_id"), tanggal__gt=OuterRef("tanggal")
    )
    rows = Measurement.objects.for_user(user).filter(~Exists(latest), child_id__in=child_ids)
    return {m.child_id: m for m in rows}


def children_latest_stunted(*, user, child_ids: list[int]) -> dict[int, bool]:
    """Whether the latest length/height (kept by the plausibility check) of each child the
    user covers shows stunting; children never measured so are left out."""
    rows = (
        Measurement.objects.for_user(user)
        .filter(child_id__in=child_ids, stunted__isnull=False)
        .exclude(flen=True)
        .order_by("child_id", "-tanggal")
        .values_list("child_id", "stunted")
    )
    out: dict[int, bool] = {}
    for child_id, stunted in rows:
        out.setdefault(child_id, stunted)
    return out
