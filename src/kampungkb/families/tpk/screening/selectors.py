"""Reads of the catin screening, scoped to the acting user's area: a target's screenings, the
catin of an area with their latest result, the threshold versions, and the counts per desa
that the aggregate pages and analytics use.

What counts (the bride is the main person of a catin target, ``DOMAIN.md`` §3.3):

- **registered**: catin targets registered (``tanggal_daftar``) in the date range;
- **screened**: those with at least one screening of the bride;
- **screened early**: the first screening of the bride at least three months before the
  marriage (the recorded one, else the planned one);
- **at risk**: the bride's latest screening is "berisiko"; ``reasons`` counts its reasons.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from kampungkb.core.scoping import scope_q, within_q
from kampungkb.families.tpk.models import EndReason, Target, TargetKind
from kampungkb.families.tpk.screening import rules
from kampungkb.families.tpk.screening.models import CatinScreening, CatinThresholdSet, Hasil


def target_screenings(*, target: Target) -> list[CatinScreening]:
    """A target's screenings, the newest first (the thresholds each was evaluated by)."""
    return list(target.screenings.select_related("threshold_set").order_by("-tanggal", "-pk"))


def marriage_date(target: Target) -> datetime.date | None:
    return target.tanggal_nikah or target.tanggal_rencana_nikah


@dataclass
class CatinRow:
    """A catin target with its screenings (newest first) and what they say."""

    target: Target
    screenings: list[CatinScreening]

    def _of(self, peran: str) -> list[CatinScreening]:
        return [s for s in self.screenings if s.peran == peran]

    @property
    def latest_bride(self) -> CatinScreening | None:
        found = self._of(rules.BRIDE)
        return found[0] if found else None

    @property
    def latest_groom(self) -> CatinScreening | None:
        found = self._of(rules.GROOM)
        return found[0] if found else None

    @property
    def first_bride_date(self) -> datetime.date | None:
        found = self._of(rules.BRIDE)
        return found[-1].tanggal if found else None

    @property
    def registered_early(self) -> bool:
        return rules.early_enough(self.target.tanggal_daftar, marriage_date(self.target))

    @property
    def screened_early(self) -> bool:
        return rules.early_enough(self.first_bride_date, marriage_date(self.target))

    @property
    def at_risk(self) -> bool:
        latest = self.latest_bride
        return latest is not None and latest.hasil == Hasil.AT_RISK


def _catin(qs, *, start=None, end=None):
    qs = qs.filter(kind=TargetKind.CATIN)
    if start is not None:
        qs = qs.filter(tanggal_daftar__gte=start)
    if end is not None:
        qs = qs.filter(tanggal_daftar__lte=end)
    return qs.prefetch_related(
        Prefetch(
            "screenings",
            queryset=CatinScreening.objects.select_related("threshold_set").order_by(
                "-tanggal", "-pk"
            ),
            to_attr="screening_list",
        )
    )


def catin_rows(*, user, area: str = "", start=None, end=None) -> list[CatinRow]:
    """The catin targets of the user's area (inside ``area`` when given), registered in the
    date range, each with its screenings; the nearest marriage first."""
    qs = Target.objects.for_user(user).select_related("desa").defer("desa__boundary")
    if area:
        qs = qs.filter(within_q("desa__kode", area))
    qs = _catin(qs, start=start, end=end).order_by("tanggal_rencana_nikah", "nama", "pk")
    return [CatinRow(t, t.screening_list) for t in qs]


@dataclass
class CatinCounts:
    desa_kode: str
    desa_nama: str
    registered: int = 0
    registered_early: int = 0
    screened: int = 0
    screened_early: int = 0
    at_risk: int = 0
    reasons: Counter = field(default_factory=Counter)

    @property
    def reason_rows(self) -> list[tuple[str, str, int]]:
        """``(code, label, count)`` of every reason, in ``rules.REASONS`` order."""
        return [(c, str(rules.REASON_LABELS[c]), self.reasons.get(c, 0)) for c in rules.REASONS]


def catin_counts_per_desa(*, user, start=None, end=None, area: str = "") -> list[CatinCounts]:
    """Per desa of the user's area (inside ``area`` when given): catin registered in the
    date range (by registration date), registered and screened at least three months before
    the marriage, screened, at risk and the count of each reason. No names: what the Mitra OPD,
    the Viewer and analytics read."""
    qs = Target.objects.filter(scope_q(user, "desa__kode"))
    if area:
        qs = qs.filter(within_q("desa__kode", area))
    qs = _catin(qs.select_related("desa").defer("desa__boundary"), start=start, end=end)
    # A registration closed as a mistake was never a catin of the desa.
    qs = qs.exclude(alasan_selesai=EndReason.MISTAKE)
    out: dict[str, CatinCounts] = {}
    for t in qs.order_by("desa_id", "pk"):
        row = CatinRow(t, t.screening_list)
        c = out.setdefault(t.desa_id, CatinCounts(t.desa_id, t.desa.nama))
        c.registered += 1
        c.registered_early += row.registered_early
        if row.latest_bride is not None:
            c.screened += 1
            c.screened_early += row.screened_early
            if row.at_risk:
                c.at_risk += 1
                c.reasons.update(row.latest_bride.alasan)
    return [out[k] for k in sorted(out)]


def catin_counts_total(rows: list[CatinCounts]) -> CatinCounts:
    total = CatinCounts("", "")
    for r in rows:
        total.registered += r.registered
        total.registered_early += r.registered_early
        total.screened += r.screened
        total.screened_early += r.screened_early
        total.at_risk += r.at_risk
        total.reasons.update(r.reasons)
    return total


def threshold_sets_list() -> list[CatinThresholdSet]:
    """Every version, the latest start first."""
    return list(CatinThresholdSet.objects.select_related("created_by"))


def threshold_set_get(*, pk: int) -> CatinThresholdSet:
    return get_object_or_404(CatinThresholdSet, pk=pk)


def version_in_force(versions: list[CatinThresholdSet], day: datetime.date):
    """Of ``versions`` (the latest start first), the one in force on ``day``: the latest start
    not after it, the oldest version for a day before every start."""
    return next((v for v in versions if v.berlaku_mulai <= day), versions[-1])


def screenings_outdated_count() -> int:
    """How many screenings were evaluated by another version than the one in force on their
    date (what an explicit re-evaluation would change)."""
    versions = list(CatinThresholdSet.objects.order_by("-berlaku_mulai", "-pk"))
    if not versions:
        return 0
    n = 0
    for day, used in CatinScreening.objects.values_list("tanggal", "threshold_set_id"):
        n += version_in_force(versions, day).pk != used
    return n


__all__ = [
    "CatinCounts",
    "CatinRow",
    "catin_counts_per_desa",
    "catin_counts_total",
    "catin_rows",
    "marriage_date",
    "screenings_outdated_count",
    "target_screenings",
    "threshold_set_get",
    "threshold_sets_list",
    "version_in_force",
]
