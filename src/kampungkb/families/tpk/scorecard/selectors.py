"""Reads of the scorecard, scoped to the acting user's area: a desa's scorecard for a quarter,
the convergence level of every desa of an area quarter on quarter, and the level and coverage
by desa x quarter for analytics."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q
from django.http import Http404

from kampungkb.core.scoping import scope_q, user_covers, within_q
from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.scorecard.card import Scorecard, scorecard_compute
from kampungkb.families.tpk.scorecard.derive import contexts
from kampungkb.families.tpk.scorecard.facts import facts_load
from kampungkb.families.tpk.scorecard.models import ScorecardEntry
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.wilayah.models import Level, Wilayah

KINDS = (
    TargetKind.IBU_HAMIL,
    TargetKind.PASCA_PERSALINAN,
    TargetKind.BADUTA,
    TargetKind.BALITA,
)
# How many quarters the desa list compares.
QUARTERS_SHOWN = 4


def quarter_from(text: str | None, *, today: datetime.date | None = None) -> Quarter:
    """The quarter asked for (``2026-3``), else the current one."""
    current = Quarter.of(today or datetime.date.today())
    quarter = Quarter.parse(text, default=current)
    return quarter if quarter <= current else current


def desa_get(*, user, kode: str) -> Wilayah:
    """The desa ``kode`` if the user covers it, else 404."""
    desa = Wilayah.objects.defer("boundary").filter(kode=kode, level=Level.DESA).first()
    if desa is None or not user_covers(user, kode):
        raise Http404
    return desa


def _targets(user, area_kode: str, quarter: Quarter) -> list[Target]:
    qs = (
        Target.objects.filter(scope_q(user, "desa__kode"))
        .filter(within_q("desa__kode", area_kode) if area_kode else Q(), kind__in=KINDS)
        .filter(tanggal_daftar__lte=quarter.end)
        .exclude(Q(aktif=False) & Q(tanggal_selesai__lte=quarter.start))
        .select_related("child", "previous")
        .order_by("desa_id", "kind", "nama", "pk")
    )
    return list(qs)


def _entries(targets: list[Target], quarter: Quarter) -> dict[tuple[int, str], str]:
    rows = ScorecardEntry.objects.filter(
        target_id__in=[t.pk for t in targets], tahun=quarter.tahun, kuartal=quarter.kuartal
    ).values_list("target_id", "indikator", "nilai")
    return {(t, k): v for t, k, v in rows}


def scorecards_by_desa(
    *, user, area_kode: str, quarter: Quarter, today: datetime.date | None = None
) -> dict[str, Scorecard]:
    """The scorecard of every desa of ``area_kode`` (inside the user's area) with targets in
    ``quarter``, by desa code."""
    today = today or datetime.date.today()
    targets = _targets(user, area_kode, quarter)
    facts = facts_load(targets, quarter, today=today)
    entries = _entries(targets, quarter)
    by_desa = defaultdict(list)
    for ctx in contexts(targets, facts):
        by_desa[ctx.target.desa_id].append(ctx)
    return {kode: scorecard_compute(ctxs, entries, quarter) for kode, ctxs in by_desa.items()}


def scorecard_for_desa(
    *, user, desa: Wilayah, quarter: Quarter, today: datetime.date | None = None
) -> Scorecard:
    """The scorecard of ``desa`` (which the caller got through ``desa_get``) for ``quarter``."""
    cards = scorecards_by_desa(user=user, area_kode=desa.kode, quarter=quarter, today=today)
    return cards.get(desa.kode) or scorecard_compute([], {}, quarter)


def target_cell_context(*, user, target: Target, quarter: Quarter, today=None):
    """The context of one target in ``quarter`` (``None`` when it was not a target then)."""
    today = today or datetime.date.today()
    if not user_covers(user, target.desa_id):
        raise Http404
    facts = facts_load([target], quarter, today=today)
    found = contexts([target], facts)
    return found[0] if found else None


@dataclass
class DesaLevel:
    desa: Wilayah
    cards: list[Scorecard | None]  # one per quarter, oldest first

    @property
    def levels(self) -> list[Fraction | None]:
        return [c.level if c else None for c in self.cards]

    @property
    def change(self) -> Fraction | None:
        """The change of the level from the quarter before to the last one (a difference of
        proportions: 0.05 is five points)."""
        last, before = self.levels[-1], self.levels[-2] if len(self.levels) > 1 else None
        return None if last is None or before is None else last - before


def quarters_ending(quarter: Quarter, n: int = QUARTERS_SHOWN) -> list[Quarter]:
    out = [quarter]
    while len(out) < n:
        out.insert(0, out[0].previous())
    return out


def desa_levels(*, user, area: Wilayah, quarters: list[Quarter], today=None) -> list[DesaLevel]:
    """Every desa of ``area`` (inside the user's) with its scorecard per quarter."""
    desa = list(
        Wilayah.objects.filter(scope_q(user), within_q("kode", area.kode), level=Level.DESA)
        .defer("boundary")
        .select_related("parent")
        .order_by("kode")
    )
    per_quarter = [
        scorecards_by_desa(user=user, area_kode=area.kode, quarter=q, today=today) for q in quarters
    ]
    return [DesaLevel(d, [cards.get(d.kode) for cards in per_quarter]) for d in desa]


def convergence_by_desa_quarter(
    *, user, quarters: list[Quarter], area_kode: str = "", today=None
) -> list[dict]:
    """For analytics: per desa (inside the user's area and ``area_kode``) and quarter with
    targets, the convergence level and the coverage of every indicator (exact proportions,
    ``None`` where no target applies), with the counts they come from."""
    rows = []
    for quarter in quarters:
        cards = scorecards_by_desa(user=user, area_kode=area_kode, quarter=quarter, today=today)
        for kode in sorted(cards):
            card = cards[kode]
            rows.append(
                {
                    "desa_kode": kode,
                    "quarter": quarter,
                    "level": card.level,
                    "y": card.y,
                    "applicable": card.applicable,
                    "coverage": {
                        cov.indicator.key: cov.share
                        for g in card.groups.values()
                        for cov in g.coverage
                    },
                }
            )
    return rows
