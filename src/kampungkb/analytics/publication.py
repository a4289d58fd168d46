"""Reads of published (frozen) figures, always with small cells suppressed.

The public page, its map, its xlsx and its PDF all read through :func:`public_tables`, so the
rule is applied in one place: a cell with fewer than ``MIN_N`` children measured, or fewer
than ``MIN_CASES`` cases, is shown as "–" (count, prevalence and interval alike).
"""

from __future__ import annotations

from dataclasses import dataclass

from kampungkb.analytics.models import Group, Indicator, Publication, PublishedFigure, SummaryLevel

MIN_N = 10
MIN_CASES = 3
DASH = "–"
PUBLIC_INDICATORS = (Indicator.STUNTING, Indicator.WASTING, Indicator.UNDERWEIGHT)


def is_suppressed(n: int, cases: int) -> bool:
    """Whether a cell is too small to publish (fewer than 10 measured or 3 cases)."""
    return n < MIN_N or cases < MIN_CASES


@dataclass(frozen=True)
class PublicCell:
    """A published figure made safe to show: numbers are None where suppressed."""

    n: int | None
    cases: int | None
    prevalence: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool

    @classmethod
    def of(cls, f: PublishedFigure | None) -> PublicCell:
        if f is None or is_suppressed(f.n, f.cases):
            n = f.n if f is not None and f.n >= MIN_N else None
            return cls(n, None, None, None, None, True)
        return cls(f.n, f.cases, f.prevalence, f.ci_low, f.ci_high, False)


@dataclass
class PublicRow:
    kode: str
    nama: str
    parent_kode: str
    level: str
    cells: dict  # indicator → PublicCell

    @property
    def stunting(self) -> PublicCell:
        return self.cells[Indicator.STUNTING]


def publication_latest(*, kabupaten_kode: str | None = None) -> Publication | None:
    qs = Publication.objects.select_related("kabupaten")
    if kabupaten_kode:
        qs = qs.filter(kabupaten_id=kabupaten_kode)
    return qs.order_by("-published_at", "-id").first()


def publication_history(*, kabupaten_kode: str | None = None):
    qs = Publication.objects.select_related("kabupaten", "published_by")
    if kabupaten_kode:
        qs = qs.filter(kabupaten_id=kabupaten_kode)
    return qs.order_by("-published_at", "-id")


def public_tables(publication: Publication) -> dict[str, list[PublicRow]]:
    """Suppressed rows per level (kabupaten, kecamatan, desa) plus the Kampung KB split."""
    figures = PublishedFigure.objects.filter(
        publication=publication, indicator__in=PUBLIC_INDICATORS
    )
    rows: dict[tuple, PublicRow] = {}
    for f in figures:
        key = (f.level, f.group, f.wilayah_kode)
        row = rows.get(key)
        if row is None:
            row = rows[key] = PublicRow(f.wilayah_kode, f.wilayah_nama, f.parent_kode, f.level, {})
        row.cells[f.indicator] = f
    for row in rows.values():
        row.cells = {i: PublicCell.of(row.cells.get(i)) for i in PUBLIC_INDICATORS}
    out = {"kabupaten": [], "kecamatan": [], "desa": [], "kampung_kb": []}
    for (level, group, _kode), row in sorted(rows.items(), key=lambda kv: kv[0][2]):
        if group != Group.ALL:
            if level == SummaryLevel.KABUPATEN:
                row.group = group
                out["kampung_kb"].append(row)
            continue
        out[{"kabupaten": "kabupaten", "kecamatan": "kecamatan"}.get(level, "desa")].append(row)
    return out
