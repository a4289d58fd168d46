"""Priority desa (lokus) for aksi 1: a transparent weighted ranking of the desa of an area.

Each criterion is scaled to 0-1 across the desa ranked (0 = the most favourable desa, 1 = the
least; all equal → 0), multiplied by its weight; the score is the weighted mean × 100:

- prevalence: stunting prevalence in the period;
- cases: number of stunted children in the period;
- trend: rise in prevalence (points) since the previous period of the same type (a fall: 0);
- coverage: 1 - weighing coverage (children measured / registered under five);
- quality: share of flagged measurements + share without length/height + the distance of the
  .0/.5 share of length decimals from the expected 20 %;
- krs: the share of families at risk of stunting (KRS) among the desa's target families, in
  the family survey round of the period's year (else the newest before it; ``KrsSummary``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kampungkb.analytics.krs_selectors import krs_share_by_desa
from kampungkb.analytics.models import Group, Indicator, PrevalenceSummary, PriorityWeights
from kampungkb.analytics.models import QualitySummary as Q
from kampungkb.analytics.selectors import Selection
from kampungkb.core.rounding import RULE_PLACES, percent, proportion
from kampungkb.wilayah.models import KampungKB, Level, Wilayah

CRITERIA = ("prevalence", "cases", "trend", "coverage", "quality", "krs")


def weights_for(kabupaten_kode: str) -> PriorityWeights:
    """The stored weights of a district, or the defaults (unsaved) when none are stored."""
    found = PriorityWeights.objects.filter(kabupaten_id=kabupaten_kode).first()
    return found or PriorityWeights(kabupaten_id=kabupaten_kode)


@dataclass
class RankedDesa:
    wilayah: Wilayah
    kampung_kb: bool
    n: int
    cases: int
    prevalence: float | None
    trend: Fraction | None  # exact: from the counts
    coverage: float | None
    quality: float | None
    krs_share: float | None = None
    scores: dict = field(default_factory=dict)
    score: float = 0.0
    rank: int = 0
    lokus: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _pct(x) -> str:
    from django.utils.formats import number_format

    return number_format(percent(x), RULE_PLACES)


def _scaled(values: np.ndarray) -> np.ndarray:
    values = np.where(
        np.isnan(values), np.nanmin(values) if np.isfinite(values).any() else 0, values
    )
    lo, hi = values.min(), values.max()
    if hi - lo < 1e-12:
        return np.zeros_like(values)
    return (values - lo) / (hi - lo)


def priority_ranking(
    *, user, area: Wilayah, sel: Selection
) -> tuple[list[RankedDesa], PriorityWeights]:
    """Rank the desa of ``area`` the user covers for the selected period (stunting)."""
    weights = weights_for(area.kode[:5])
    desa = list(
        Wilayah.objects.for_user(user)
        .within(area.kode)
        .filter(level=Level.DESA)
        .select_related("parent")
        .defer("boundary", "parent__boundary")  # GeoJSON: the map reads its own shapes
        .order_by("kode")
    )
    codes = [d.kode for d in desa]
    if not codes or sel.period_start is None:
        return [], weights

    def cells(start):
        return {
            c.wilayah_kode: c
            for c in PrevalenceSummary.objects.for_user(user).filter(
                wilayah_kode__in=codes,
                group=Group.ALL,
                period_type=sel.period_type,
                period_start=start,
                indicator=Indicator.STUNTING,
            )
        }

    now = cells(sel.period_start)
    before = cells(sel.previous) if sel.previous else {}
    quality = {
        q.wilayah_kode: q
        for q in Q.objects.for_user(user).filter(
            wilayah_kode__in=codes,
            group=Group.ALL,
            period_type=sel.period_type,
            period_start=sel.period_start,
        )
    }
    krs_round, krs = krs_share_by_desa(user=user, codes=codes, when=sel.period_start)
    kampung_kb_codes = set(
        KampungKB.objects.filter(desa_id__in=codes).values_list("desa_id", flat=True)
    )
    rows = []
    for d in desa:
        c, b, q = now.get(d.kode), before.get(d.kode), quality.get(d.kode)
        prev = c.prevalence if c else None
        # From the counts, exactly: the change is shown rounded (``core.rounding``).
        trend = (
            proportion(c.cases, c.n) - proportion(b.cases, b.n)
            if prev is not None and b is not None and b.prevalence is not None
            else None
        )
        coverage = q.coverage if q else None
        quality_gap = None
        if q and q.n_records:
            quality_gap = (
                (q.share_flagged or 0)
                + (q.share_missing_height or 0)
                + abs((q.digit_preference if q.digit_preference is not None else 0.2) - 0.2)
            )
        rows.append(
            RankedDesa(
                d,
                d.kode in kampung_kb_codes,
                c.n if c else 0,
                c.cases if c else 0,
                prev,
                trend,
                coverage,
                quality_gap,
                krs.get(d.kode),
            )
        )

    def column(get):
        return np.array([np.nan if get(r) is None else get(r) for r in rows], dtype=float)

    scaled = {
        "prevalence": _scaled(column(lambda r: r.prevalence)),
        "cases": _scaled(column(lambda r: float(r.cases))),
        "trend": _scaled(np.maximum(column(lambda r: r.trend), 0)),
        "coverage": _scaled(1 - column(lambda r: r.coverage)),
        "quality": _scaled(column(lambda r: r.quality)),
        "krs": _scaled(column(lambda r: r.krs_share)),
    }
    w = {k: getattr(weights, f"w_{k}") for k in CRITERIA}
    total = sum(w.values()) or 1
    for i, r in enumerate(rows):
        r.scores = {k: float(scaled[k][i]) for k in CRITERIA}
        r.score = 100 * sum(w[k] * r.scores[k] for k in CRITERIA) / total
    rows.sort(key=lambda r: (-r.score, -(r.prevalence or 0), r.wilayah.kode))
    by_prevalence = sorted(
        (r for r in rows if r.prevalence is not None), key=lambda r: -r.prevalence
    )
    prevalence_rank = {r.wilayah.kode: i + 1 for i, r in enumerate(by_prevalence)}
    previous_label = date_format(sel.previous, "F Y") if sel.previous else ""
    for i, r in enumerate(rows):
        r.rank = i + 1
        r.lokus = i < weights.n_lokus and r.score > 0
        r.reasons = _reasons(r, w, prevalence_rank, len(by_prevalence), previous_label, krs_round)
    return rows, weights


def _reasons(
    r: RankedDesa, w: dict, prevalence_rank: dict, n_ranked: int, previous: str, krs_round=None
):
    """Sentences (in the user's language) for the criteria that weigh most for this desa."""
    out = []
    contribution = sorted(CRITERIA, key=lambda k: -w[k] * r.scores[k])
    for k in contribution:
        if w[k] == 0 or r.scores[k] < 0.5:
            continue
        if k == "prevalence" and r.prevalence is not None:
            out.append(
                _("stunting prevalence %(p)s%% (rank %(rank)s of %(n)s desa)")
                % {"p": _pct(r.prevalence), "rank": prevalence_rank[r.wilayah.kode], "n": n_ranked}
            )
        elif k == "cases":
            out.append(_("%(n)s stunted children") % {"n": r.cases})
        elif k == "trend" and r.trend is not None:
            out.append(
                _("up %(d)s points since %(period)s") % {"d": _pct(r.trend), "period": previous}
            )
        elif k == "coverage":
            out.append(
                _("weighing coverage only %(c)s%%") % {"c": _pct(r.coverage)}
                if r.coverage is not None
                else _("no children weighed in this period")
            )
        elif k == "quality" and r.quality is not None:
            out.append(_("weak data quality (index %(q)s)") % {"q": _pct(r.quality)})
        elif k == "krs" and r.krs_share is not None:
            out.append(
                _("%(p)s%% of target families at risk of stunting (family survey %(year)s)")
                % {"p": _pct(r.krs_share), "year": krs_round}
            )
    if not out and r.prevalence is None:
        # Scaled as the most favourable desa for want of figures: not a desa doing well.
        out.append(_("no children measured in this period: no figures to rank it on"))
    elif not out:
        out.append(_("at or below the middle of the desa on every criterion"))
    return out
