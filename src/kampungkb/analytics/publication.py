"""Reads of published (frozen) figures, always with small cells suppressed.

The public page, its map, its xlsx and its PDF all read through :func:`public_tables`, so the
rule is applied in one place: a cell with fewer than ``MIN_N`` children measured, or fewer
than ``MIN_CASES`` cases, is shown as "–" (count, prevalence and interval alike).

Hiding the small cells is not enough, because the published tables add up: a kecamatan's
children are the sum of its desa's, the kabupaten's the sum of its kecamatan's, and of its
Kampung KB and other desa. One hidden desa beside a shown kecamatan total could be worked out
by subtraction. So other cells are hidden as well (complementary suppression) until no hidden
value follows from the shown ones, for the cases and, separately, for the number measured.

Nor is one version enough. Publishing a period again after a correction makes a new version
whose figures differ a little; set beside the old one, a cell hidden in one and shown in the
other, or a different choice of complementary cells, can give a hidden cell away. A version
once served may have been saved by anyone, so every version of a period counts as public for
ever. Two rules follow. What a version hides is decided when it is published, against all
the versions of its period before it (:func:`suppression_plan`): what they hid stays hidden,
and no hidden cell of any of them may follow from all of them together. It is then stored with
the figures, so a version shows the same cells for ever, whatever later code decides. And only
the newest version of a period is on the public site (``views_public``): the older ones stay
in the officials' archive, so the site never invites the comparison.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery

from kampungkb.analytics.cube import kampung_kb_desa, period_end
from kampungkb.analytics.models import (
    Group,
    Indicator,
    PeriodType,
    Publication,
    PublishedFigure,
    SummaryLevel,
)
from kampungkb.analytics.suppression import complementary_cells
from kampungkb.core.rounding import percent

MIN_N = 10
MIN_CASES = 3
DASH = "–"
PUBLIC_INDICATORS = (Indicator.STUNTING, Indicator.WASTING, Indicator.UNDERWEIGHT)
SECTIONS = ("kabupaten", "kampung_kb", "kecamatan", "desa")  # of ``public_tables``


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


def _period_versions():
    """The versions of the outer query's publication's period (for subqueries)."""
    return Publication.objects.filter(
        kabupaten_id=OuterRef("kabupaten_id"),
        period_type=OuterRef("period_type"),
        period_start=OuterRef("period_start"),
    )


def _with_status(qs):
    """Annotate ``current_version`` (the newest version of the period) and ``superseded``
    (a newer version exists: this one is off the public site, in the officials' archive)."""
    return qs.annotate(
        current_version=Subquery(_period_versions().order_by("-version").values("version")[:1]),
        superseded=Exists(_period_versions().filter(version__gt=OuterRef("version"))),
    )


def publication_latest(*, kabupaten_kode: str | None = None) -> Publication | None:
    """The publication on the public site's front page: the newest published."""
    qs = _with_status(Publication.objects.select_related("kabupaten")).filter(superseded=False)
    if kabupaten_kode:
        qs = qs.filter(kabupaten_id=kabupaten_kode)
    return qs.order_by("-published_at", "-id").first()


def publication_history(*, kabupaten_kode: str | None = None, public: bool = False):
    """Every version, newest first, with its status (``_with_status``); ``public``: only
    the versions on the public site, the newest of each period."""
    qs = _with_status(Publication.objects.select_related("kabupaten", "published_by"))
    if kabupaten_kode:
        qs = qs.filter(kabupaten_id=kabupaten_kode)
    if public:
        qs = qs.filter(superseded=False)
    return qs.order_by("-published_at", "-id")


def publication_current(publication: Publication) -> Publication:
    """The version of ``publication``'s period on the public site: the newest."""
    return publications_of_period(publication).select_related("kabupaten").last()


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


def _figure_rows(publication: Publication) -> tuple[dict[tuple, PublicRow], list]:
    """The public figures of a version, unsuppressed, by row key ``(level, group, kode)``,
    and the sums the rows obey. (The Kampung KB split is public for the kabupaten only.)"""
    figures = PublishedFigure.objects.filter(
        Q(group=Group.ALL) | Q(level=SummaryLevel.KABUPATEN),
        publication=publication,
        indicator__in=PUBLIC_INDICATORS,
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
    return rows, _sums(rows, kampung_kb_desa(desa_codes, end))


def _hidden(rows, sums, indicator, published=()) -> tuple[set, set]:
    """The cells of ``indicator`` whose cases, and whose number measured, are hidden beyond
    the small ones, given the earlier publications ``published`` as pairs of ``{(indicator,
    quantity): (values, hidden, sums)}`` and whether they show the same figures (a version):
    a cell hidden in a version stays hidden, one hidden in an overlapping period's where its
    value is the same, and the complementary cells are chosen against all of them together."""
    figures_of = {key: row.cells.get(indicator) for key, row in rows.items()}
    figures_of = {key: f for key, f in figures_of.items() if f is not None}
    out = []
    # No case where no child was measured, as anyone can tell; any other 0 cases is protected
    # like a small count. An empty cell (0 measured) gives nobody away.
    nobody = {k for k, f in figures_of.items() if f.n == 0}
    for quantity, small, known_zeros in (
        ("cases", {k for k, f in figures_of.items() if is_suppressed(f.n, f.cases)}, nobody),
        ("n", {k for k, f in figures_of.items() if f.n < MIN_N}, None),
    ):
        values = {k: getattr(f, quantity) for k, f in figures_of.items()}
        before = [state[(indicator, quantity)] for state, _same in published]
        kept = {
            k
            for (shown_values, hidden, _s), (_earlier, same) in zip(before, published, strict=True)
            for k in hidden
            if k in values and (same or shown_values.get(k) == values[k])
        }
        hidden = small | kept
        extra = complementary_cells(values, hidden, sums, published=before, known_zeros=known_zeros)
        out.append(kept | extra)
    return out[0], out[1]


def _apply(rows, sums, *, published=()) -> None:
    """Replace each row's figures by the public cells: as stored when the version was
    published, else (a version published before they were stored) worked out from the
    version alone, as they always were."""
    for indicator in PUBLIC_INDICATORS:
        figures_of = {key: row.cells.get(indicator) for key, row in rows.items()}
        stored = all(f is None or f.cases_hidden is not None for f in figures_of.values())
        if stored and not published:
            hide_cases = {k for k, f in figures_of.items() if f is not None and f.cases_hidden}
            hide_n = {k for k, f in figures_of.items() if f is not None and f.n_hidden}
        else:
            hide_cases, hide_n = _hidden(rows, sums, indicator, published)
        for key, row in rows.items():
            row.cells[indicator] = PublicCell.of(
                figures_of[key], hide_cases=key in hide_cases, hide_n=key in hide_n
            )


def _state(raw, rows, sums) -> dict:
    """What the public saw of a version, ``{(indicator, quantity): (values, hidden, sums)}``,
    from its figures ``raw`` and its public ``rows``."""
    state = {}
    for indicator in PUBLIC_INDICATORS:
        for quantity in ("cases", "n"):
            values, hidden = {}, set()
            for key, row in rows.items():
                figure = raw[key].get(indicator)
                if figure is None:
                    continue
                values[key] = getattr(figure, quantity)
                if getattr(row.cells[indicator], quantity) is None:
                    hidden.add(key)
            state[(indicator, quantity)] = (values, hidden, sums)
    return state


def publications_of_period(publication: Publication):
    """Every version of ``publication``'s period, oldest first."""
    return Publication.objects.filter(
        kabupaten_id=publication.kabupaten_id,
        period_type=publication.period_type,
        period_start=publication.period_start,
    ).order_by("version")


# A weighing month is a calendar month: the cube gives the two periods the same figures.
SAME_FIGURES = (PeriodType.MONTH, PeriodType.PENIMBANGAN)


def publications_of_same_figures(publication: Publication):
    """Every publication of the figures of ``publication``'s period made before it, oldest
    first: the earlier versions of its period, and those of the month it is the weighing
    month of (or of the weighing month it is), which show the same figures."""
    types = SAME_FIGURES if publication.period_type in SAME_FIGURES else [publication.period_type]
    return Publication.objects.filter(
        kabupaten_id=publication.kabupaten_id,
        period_type__in=types,
        period_start=publication.period_start,
        pk__lt=publication.pk,
    ).order_by("pk")


def publications_overlapping(publication: Publication) -> list[Publication]:
    """The publications made before ``publication`` of another period that shares days with
    its period (a year and its months), oldest first. Their figures count other children
    (a year's a child's latest measurement in the year), but where a year so far holds one
    month's measurements, or a correction in between changed a few, many cells are the same
    and a reader may take them as the same figures."""
    end = period_end(publication.period_type, publication.period_start)
    same = set(publications_of_same_figures(publication).values_list("pk", flat=True))
    earlier = Publication.objects.filter(
        kabupaten_id=publication.kabupaten_id,
        period_start__lte=end,
        pk__lt=publication.pk,
    ).order_by("pk")
    return [
        p
        for p in earlier
        if p.pk not in same
        and period_end(p.period_type, p.period_start) >= publication.period_start
    ]


def suppression_plan(publication: Publication) -> dict[int, tuple[bool, bool]]:
    """Decide what a new version hides: ``{figure id: (n_hidden, cases_hidden)}``.

    Every earlier version of the period counts as public, even after it left the site:
    whoever downloaded it keeps it; so does every publication of the same figures as another
    period (``publications_of_same_figures``: a weighing month's and its month's). So what
    an earlier one hid stays hidden, and the complementary cells are chosen so that no
    hidden cell of any of them follows from all of them together
    (``complementary_cells(published=...)``). The publications of overlapping periods
    (``publications_overlapping``: a year's and its months') are held in the same way,
    a cell of theirs taken as the same figure where its value is the same: what they hid
    with the same value stays hidden, and no hidden cell of theirs may follow from all the
    tables together. The plan is stored with the figures (``services.publication_publish``)
    and never recomputed.
    """
    rows, sums = _figure_rows(publication)
    raw = {key: dict(row.cells) for key, row in rows.items()}
    values = _values_shown(raw)
    published = []
    # The overlapping periods first: the versions of the period, last, keep their runs of
    # unchanged cells next to each other and to the new version (``suppression._Versions``).
    for earlier, same in (
        *((p, False) for p in publications_overlapping(publication)),
        *((p, True) for p in publications_of_same_figures(publication)),
    ):
        earlier_rows, earlier_sums = _figure_rows(earlier)
        earlier_raw = {key: dict(row.cells) for key, row in earlier_rows.items()}
        if not same and not values & _values_shown(earlier_raw):
            continue  # no figure of it is one of the new version's: nothing to link them
        _apply(earlier_rows, earlier_sums)
        published.append((_state(earlier_raw, earlier_rows, earlier_sums), same))
    _apply(rows, sums, published=published)
    plan = {}
    for key, row in rows.items():
        for indicator, figure in raw[key].items():
            cell = row.cells[indicator]
            plan[figure.pk] = (cell.n is None, cell.cases is None)
    return plan


def _values_shown(raw) -> set:
    """Each figure's non-zero counts as ``(row key, indicator, quantity, value)``: what two
    tables must share for a reader to take a cell of one for a cell of the other."""
    return {
        (key, indicator, quantity, getattr(figure, quantity))
        for key, cells in raw.items()
        for indicator, figure in cells.items()
        if indicator in PUBLIC_INDICATORS
        for quantity in ("cases", "n")
        if getattr(figure, quantity)
    }


def public_tables(publication: Publication) -> dict[str, list[PublicRow]]:
    """Suppressed rows per level (kabupaten, kecamatan, desa) plus the Kampung KB split."""
    rows, sums = _figure_rows(publication)
    _apply(rows, sums)
    out = {"kabupaten": [], "kecamatan": [], "desa": [], "kampung_kb": []}
    for (level, group, _kode), row in sorted(rows.items(), key=lambda kv: kv[0][2]):
        if group != Group.ALL:
            if level == SummaryLevel.KABUPATEN:
                row.group = group
                out["kampung_kb"].append(row)
            continue
        out[{"kabupaten": "kabupaten", "kecamatan": "kecamatan"}.get(level, "desa")].append(row)
    return out


def public_cells(tables) -> dict[tuple, tuple[str, PublicCell]]:
    """``{(section, kode, group, indicator): (name, cell)}`` of a version's public tables."""
    out = {}
    for section in SECTIONS:
        for row in tables.get(section, []):
            group = getattr(row, "group", "")
            name = str(Group(group).label) if group else row.nama
            for indicator in PUBLIC_INDICATORS:
                cell = row.cells.get(indicator)
                if cell is not None:
                    out[(section, row.kode, group, indicator)] = (name, cell)
    return out


def shown_values(cell: PublicCell) -> tuple:
    """What the public sees of a cell: its counts and its percentages as rounded."""
    return (
        cell.n,
        cell.cases,
        percent(cell.prevalence),
        percent(cell.ci_low),
        percent(cell.ci_high),
    )


def tables_fingerprint(tables, *, version: int) -> str:
    """A digest of everything a version shows (as rounded on the page) and hides."""
    digest = hashlib.sha256(str(version).encode())
    for key, (_nama, cell) in sorted(public_cells(tables).items()):
        digest.update(repr((key, shown_values(cell), cell.suppressed)).encode())
    return digest.hexdigest()[:32]


@dataclass
class ProvinceRow:
    """A kabupaten on the province's public page: its current publication (None: none yet)
    and that publication's public kabupaten row, suppressed by its own rules."""

    kabupaten: object  # Wilayah
    publication: Publication | None
    row: PublicRow | None


def province_public_rows(provinsi_kode: str) -> list[ProvinceRow]:
    """Each kabupaten of a provinsi with its newest public figures. No provinsi total is made
    from them: the kabupaten publish separately (periods may differ), and a total beside a
    kabupaten whose figure is hidden would give that figure away by subtraction."""
    from kampungkb.wilayah.models import Level, Wilayah

    rows = []
    for kabupaten in Wilayah.objects.filter(parent_id=provinsi_kode, level=Level.KABUPATEN):
        publication = publication_latest(kabupaten_kode=kabupaten.kode)
        row = None
        if publication is not None:
            row = next(iter(public_tables(publication)["kabupaten"]), None)
        rows.append(ProvinceRow(kabupaten, publication, row))
    return sorted(rows, key=lambda r: r.kabupaten.kode)
