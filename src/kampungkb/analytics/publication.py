"""Reads of published (frozen) figures, always with small cells suppressed.

The public page, its map, its xlsx and its PDF all read through :func:`public_tables`, so the
rule is applied in one place: a cell with fewer than ``MIN_N`` children measured, or fewer
than ``MIN_CASES`` cases, is shown as "–" (count, prevalence and interval alike).

Hiding the small cells is not enough, because the published tables add up: a kecamatan's
children are the sum of its desa's, the kabupaten's the sum of its kecamatan's, and of its
Kampung KB and other desa. One hidden desa beside a shown kecamatan total could be worked out
by subtraction. So other cells are hidden as well (complementary suppression) until no hidden
value follows from the shown ones, for the cases and, separately, for the number measured.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

from kampungkb.analytics.cube import kampung_kb_desa, period_end
from kampungkb.analytics.models import (
    Group,
    Indicator,
    Publication,
    PublishedFigure,
    SummaryLevel,
)

MIN_N = 10
MIN_CASES = 3
DASH = "–"
PUBLIC_INDICATORS = (Indicator.STUNTING, Indicator.WASTING, Indicator.UNDERWEIGHT)


def is_suppressed(n: int, cases: int) -> bool:
    """Whether a cell is too small to publish (fewer than 10 measured or 3 cases)."""
    return n < MIN_N or cases < MIN_CASES


@dataclass(frozen=True)
class PublicCell:
    """A published figure made safe to show: numbers are None where suppressed.

    ``secondary`` marks a cell hidden only so that another hidden cell cannot be worked out.
    """

    n: int | None
    cases: int | None
    prevalence: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    secondary: bool = False

    @classmethod
    def of(
        cls, f: PublishedFigure | None, *, hide_cases: bool = False, hide_n: bool = False
    ) -> PublicCell:
        """The cell of figure ``f``, with its cases (and what follows from them) hidden when
        it is small or ``hide_cases``, and its number measured when under MIN_N or
        ``hide_n``. A hidden number measured hides the cases too: n would follow from the
        cases and the prevalence shown beside them."""
        if f is None:
            return cls(None, None, None, None, None, True)
        primary = is_suppressed(f.n, f.cases)
        n = None if f.n < MIN_N or hide_n else f.n
        if primary or hide_cases or n is None:
            return cls(n, None, None, None, None, True, secondary=not primary)
        return cls(n, f.cases, f.prevalence, f.ci_low, f.ci_high, False)


def complementary_cells(
    values: dict[Hashable, int],
    hidden: Iterable[Hashable],
    sums: Iterable[tuple[Hashable, list[Hashable]]],
) -> set[Hashable]:
    """Return the cells to hide besides ``hidden`` so that no hidden value can be derived.

    ``values`` holds every cell's value; ``sums`` lists each total with the cells that add up
    to it. A hidden cell can be derived when the equations "total = sum of its parts", with
    the shown values put in, pin it down (``_derivable``). While some can, one more shown cell
    of their equations is hidden: not a total where another will do, then the one that
    leaves the fewest derivable, then a cell of the same sum, then the smallest value. Cells
    whose value is 0 count as known (a reader may guess an empty cell) and are never relied
    on to hide another.

    >>> sums = [("kec", ["a", "b", "c"])]
    >>> sorted(complementary_cells({"kec": 12, "a": 2, "b": 4, "c": 6}, {"a"}, sums))
    ['b']
    >>> sorted(complementary_cells({"kec": 12, "a": 2, "b": 4, "c": 6}, {"a", "c"}, sums))
    []
    """
    equations = [(total, list(parts)) for total, parts in sums]
    hidden = {c for c in hidden if values.get(c, 0) != 0}
    extra: set[Hashable] = set()
    exposed = _derivable(hidden, equations)
    while exposed:
        # How each shown cell relates to an exposed one: 0 a cell of the same sum (sibling),
        # 1 one of its parts, 2 its total (a total is hidden only when nothing else will do).
        relation: dict[Hashable, int] = {}
        for cell in exposed:
            for total, parts in equations:
                if cell != total and cell not in parts:
                    continue
                for other in (total, *parts):
                    if other in hidden or other in extra or values.get(other, 0) == 0:
                        continue
                    kind = 2 if other == total else (1 if cell == total else 0)
                    relation[other] = min(kind, relation.get(other, 2))
        if not relation:  # nothing left to hide them behind (cannot happen with a total)
            return extra
        ranked = []
        for other, kind in relation.items():
            after = _derivable(hidden | extra | {other}, equations)
            ranked.append((kind == 2, len(after), kind, values[other], str(other), other, after))
        *_, chosen, exposed = min(ranked)
        extra.add(chosen)
    return extra


def _derivable(hidden: set, equations: list[tuple[Hashable, list[Hashable]]]) -> list:
    """The hidden cells whose value follows from the equations and the shown cells.

    With the shown values moved to the right-hand side, the equations are ``A x = b`` over
    the hidden cells ``x``. Every solution is one solution plus a vector of A's null space,
    so a cell is pinned down exactly when every null-space vector is 0 there.
    """
    order = sorted(hidden, key=str)
    if not order:
        return []
    column = {c: i for i, c in enumerate(order)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(order))
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if cell in column:
                row[column[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    _u, singular, vt = np.linalg.svd(np.array(rows))
    null_space = vt[int((singular > 1e-9).sum()) :]
    return [c for c in order if not np.abs(null_space[:, column[c]]).max(initial=0.0) > 1e-9]


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


def _sums(rows: dict[tuple, PublicRow], kampung_kb: set[str]) -> list[tuple[tuple, list[tuple]]]:
    """The published totals and their parts: kabupaten = its kecamatan = its Kampung KB +
    other desa; kecamatan = its desa; and, since the registry of Kampung KB is public, the
    Kampung KB row = the desa in ``kampung_kb``, the other-desa row = the rest."""
    children: dict[tuple, list[tuple]] = {}
    by_kode = {key[2]: key for key in rows if key[1] == Group.ALL}
    for key, row in rows.items():
        level, group, _kode = key
        if group != Group.ALL:
            if level == SummaryLevel.KABUPATEN:
                children.setdefault(by_kode.get(row.kode), []).append(key)
        elif row.parent_kode in by_kode:
            children.setdefault(by_kode[row.parent_kode], []).append(key)
    # The Kampung KB split is one sum, the wilayah tree another, for the same total.
    out = []
    for total, parts in children.items():
        if total is None:
            continue
        tree = [p for p in parts if p[1] == Group.ALL]
        split = [p for p in parts if p[1] != Group.ALL]
        out += [(total, group) for group in (tree, split) if group]
    desa = [key for key in rows if key[0] == SummaryLevel.DESA and key[1] == Group.ALL]
    for key in rows:
        if key[0] == SummaryLevel.KABUPATEN and key[1] != Group.ALL:
            members = [d for d in desa if (d[2] in kampung_kb) == (key[1] == Group.KAMPUNG_KB)]
            out.append((key, members))
    return out


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
    desa_codes = [key[2] for key in rows if key[0] == SummaryLevel.DESA]
    end = period_end(publication.period_type, publication.period_start)
    sums = _sums(rows, kampung_kb_desa(desa_codes, end))
    for indicator in PUBLIC_INDICATORS:
        figures_of = {key: row.cells.get(indicator) for key, row in rows.items()}
        cases = {k: f.cases for k, f in figures_of.items() if f is not None}
        measured = {k: f.n for k, f in figures_of.items() if f is not None}
        small = {k for k, f in figures_of.items() if f is not None and is_suppressed(f.n, f.cases)}
        few = {k for k, f in figures_of.items() if f is not None and f.n < MIN_N}
        hide_cases = complementary_cells(cases, small, sums)
        hide_n = complementary_cells(measured, few, sums)
        for key, row in rows.items():
            row.cells[indicator] = PublicCell.of(
                figures_of[key], hide_cases=key in hide_cases, hide_n=key in hide_n
            )
    out = {"kabupaten": [], "kecamatan": [], "desa": [], "kampung_kb": []}
    for (level, group, _kode), row in sorted(rows.items(), key=lambda kv: kv[0][2]):
        if group != Group.ALL:
            if level == SummaryLevel.KABUPATEN:
                row.group = group
                out["kampung_kb"].append(row)
            continue
        out[{"kabupaten": "kabupaten", "kecamatan": "kecamatan"}.get(level, "desa")].append(row)
    return out
