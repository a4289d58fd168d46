"""Outcome figures of a desa, read from the analytics app's yearly summaries.

One definition everywhere: the review, the district target page and the stunting dashboard
all count each child's latest valid length/height measurement in the year (WHO-flagged
values left out, under-fives only), as ``analytics.cube`` builds it. The summaries are
rebuilt in the background after every edit and import (``kampungkb rebuild_analytics``
rebuilds them at once).
"""

import datetime

from kampungkb.analytics.models import (
    Group,
    Indicator,
    PeriodType,
    PrevalenceSummary,
    QualitySummary,
    SummaryLevel,
)
from kampungkb.core.rounding import percent, proportion


def _desa_year(model, *, tahun: int, desa_kodes=None):
    cells = model.objects.filter(
        period_type=PeriodType.YEAR,
        period_start=datetime.date(tahun, 1, 1),
        level=SummaryLevel.DESA,
        group=Group.ALL,
    )
    if desa_kodes is not None:
        cells = cells.filter(wilayah_kode__in=list(desa_kodes))
    return cells


def stunting_by_desa(*, tahun: int, desa_kodes=None) -> dict[str, dict]:
    """Return ``{desa kode: {"n", "n_stunted", "prevalence"}}`` for a year (desa with
    children measured only)."""
    cells = _desa_year(PrevalenceSummary, tahun=tahun, desa_kodes=desa_kodes).filter(
        indicator=Indicator.STUNTING, n__gt=0
    )
    return {
        c.wilayah_kode: {
            "n": c.n,
            "n_stunted": c.cases,
            # Unrounded: a change between two years is judged on the exact values, and a
            # page rounds only what it shows (``core.rounding``).
            "prevalence": 100.0 * c.cases / c.n,
        }
        for c in cells
    }


def prevalence_change(now: dict | None, before: dict | None) -> float | None:
    """The change in points between two years' rows of :func:`stunting_by_desa`, from their
    counts exactly (two prevalences rounded first can make a rise of 0.49 points one of
    0.50, which a rule set's threshold judges differently)."""
    if not now or not before:
        return None
    exact = proportion(now["n_stunted"], now["n"]) - proportion(before["n_stunted"], before["n"])
    return float(exact * 100)


def prevalence_of(rows: dict[str, dict]) -> float | None:
    """Pool the per-desa counts of :func:`stunting_by_desa` into one prevalence (%)."""
    n = sum(r["n"] for r in rows.values())
    return round(100.0 * sum(r["n_stunted"] for r in rows.values()) / n, 2) if n else None


def measured_coverage_by_desa(*, tahun: int, desa_kodes=None) -> dict[str, float | None]:
    """Return the share (%) of registered under-fives of each desa measured in the year,
    rounded as everywhere (``core.rounding``), as a number for the scoring."""
    cells = _desa_year(QualitySummary, tahun=tahun, desa_kodes=desa_kodes)
    shares = {c.wilayah_kode: percent(c.coverage) for c in cells}
    return {kode: None if share is None else float(share) for kode, share in shares.items()}
