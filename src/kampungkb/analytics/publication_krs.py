"""The KRS figures of a publication: frozen with it, shown on the public site with the SAME
small-cell suppression as the prevalence figures (``publication``).

A publication freezes the KRS figures of the family survey round of its period's year
(``krs_freeze``): per area, the target families (``n``), the KRS families (``cases``) and the
share. A cell with fewer than ``MIN_N`` target families or fewer than ``MIN_CASES`` KRS
families is hidden, and complementary cells are hidden until no hidden one follows from the
published sums (desa → kecamatan → kabupaten; Kampung KB + other desa → kabupaten).

Every publication of the district that froze the same round counts as an earlier version of
it, whatever its period: a month and a year publication of 2025 both show round 2025, and a
reader may hold both. So what an earlier one hid stays hidden and the complementary cells are
chosen against all of them together; the plan is stored with the figures, never recomputed.
"""

from __future__ import annotations

import datetime

import numpy as np
from django.db.models import Q

from kampungkb.analytics.cube import kampung_kb_desa
from kampungkb.analytics.models import (
    Group,
    KrsSummary,
    PeriodType,
    Publication,
    PublishedKrsFigure,
    SummaryLevel,
)
from kampungkb.analytics.publication import PublicCell, PublicRow, _hidden, _sums
from kampungkb.anthro.prevalence import wilson_interval
from kampungkb.core.scoping import within_q
from kampungkb.wilayah.models import Level, Wilayah

KRS = "krs"  # the one "indicator" of the KRS rows (``PublicRow.cells``)


def krs_freeze(publication: Publication) -> int:
    """Copy the KRS summaries of the round of ``publication``'s year into it and decide what
    the public may see of them. Returns how many figures were frozen (0: no round)."""
    kabupaten = publication.kabupaten_id
    tahun = publication.period_start.year
    cells = list(
        KrsSummary.objects.filter(
            within_q("wilayah_kode", kabupaten),
            period_type=PeriodType.YEAR,
            period_start=datetime.date(tahun, 1, 1),
        ).filter(Q(group=Group.ALL) | ~Q(level=Level.DESA))
    )
    if not cells:
        return 0
    names = dict(Wilayah.objects.within(kabupaten).values_list("kode", "nama"))
    parents = dict(Wilayah.objects.within(kabupaten).values_list("kode", "parent_id"))
    low, high = wilson_interval(
        np.array([c.krs for c in cells], dtype=float), np.array([c.sasaran for c in cells], float)
    )
    PublishedKrsFigure.objects.bulk_create(
        PublishedKrsFigure(
            publication=publication,
            wilayah_kode=c.wilayah_kode,
            wilayah_nama=names.get(c.wilayah_kode, c.wilayah_kode),
            parent_kode=parents.get(c.wilayah_kode) or "",
            level=c.level,
            group=c.group,
            tahun=tahun,
            n=c.sasaran,
            cases=c.krs,
            prevalence=c.krs_share,
            ci_low=None if np.isnan(lo) else float(lo),
            ci_high=None if np.isnan(hi) else float(hi),
        )
        for c, lo, hi in zip(cells, low, high, strict=True)
    )
    plan = krs_suppression_plan(publication)
    figures = list(publication.krs_figures.all())
    for f in figures:
        f.n_hidden, f.cases_hidden = plan.get(f.pk, (True, True))
    PublishedKrsFigure.objects.bulk_update(figures, ["n_hidden", "cases_hidden"], batch_size=2000)
    return len(figures)


def _rows(publication: Publication) -> tuple[dict, list]:
    """The KRS rows of a publication, unsuppressed, by ``(level, group, kode)``, and the sums
    they obey (the Kampung KB split is public for the kabupaten only)."""
    rows: dict[tuple, PublicRow] = {}
    tahun = None
    for f in PublishedKrsFigure.objects.filter(
        Q(group=Group.ALL) | Q(level=SummaryLevel.KABUPATEN), publication=publication
    ):
        tahun = f.tahun
        rows[(f.level, f.group, f.wilayah_kode)] = PublicRow(
            f.wilayah_kode, f.wilayah_nama, f.parent_kode, f.level, {KRS: f}
        )
    if tahun is None:
        return {}, []
    desa = [key[2] for key in rows if key[0] == SummaryLevel.DESA]
    return rows, _sums(rows, kampung_kb_desa(desa, datetime.date(tahun, 12, 31)))


def _apply(rows, sums, *, published=()) -> None:
    figures_of = {key: row.cells[KRS] for key, row in rows.items()}
    stored = all(f.cases_hidden is not None for f in figures_of.values())
    if stored and not published:
        hide_cases = {k for k, f in figures_of.items() if f.cases_hidden}
        hide_n = {k for k, f in figures_of.items() if f.n_hidden}
    else:
        hide_cases, hide_n = _hidden(rows, sums, KRS, published)
    for key, row in rows.items():
        row.cells[KRS] = PublicCell.of(
            figures_of[key], hide_cases=key in hide_cases, hide_n=key in hide_n
        )


def _state(raw, rows, sums) -> dict:
    state = {}
    for quantity in ("cases", "n"):
        values = {key: getattr(raw[key], quantity) for key in rows}
        hidden = {key for key, row in rows.items() if getattr(row.cells[KRS], quantity) is None}
        state[(KRS, quantity)] = (values, hidden, sums)
    return state


def _earlier(publication: Publication):
    """The publications of the district that froze the same round before this one."""
    tahun = publication.krs_figures.values_list("tahun", flat=True).first()
    return (
        Publication.objects.filter(
            kabupaten_id=publication.kabupaten_id, pk__lt=publication.pk, krs_figures__tahun=tahun
        )
        .distinct()
        .order_by("pk")
    )


def krs_suppression_plan(publication: Publication) -> dict[int, tuple[bool, bool]]:
    """What a new publication hides of its KRS figures: ``{figure id: (n_hidden,
    cases_hidden)}``, against every earlier publication of the same round."""
    published = []
    for earlier in _earlier(publication):
        rows, sums = _rows(earlier)
        if rows:
            raw = {key: row.cells[KRS] for key, row in rows.items()}
            _apply(rows, sums)
            published.append((_state(raw, rows, sums), True))  # the same round's figures
    rows, sums = _rows(publication)
    raw = {key: row.cells[KRS] for key, row in rows.items()}
    _apply(rows, sums, published=published)
    return {
        raw[key].pk: (row.cells[KRS].n is None, row.cells[KRS].cases is None)
        for key, row in rows.items()
    }


def krs_public_tables(publication: Publication) -> dict:
    """The suppressed KRS rows of a publication: ``{"tahun", "kabupaten", "kampung_kb",
    "kecamatan", "desa"}``, each row's ``cells["krs"]`` a :class:`PublicCell`."""
    rows, sums = _rows(publication)
    out = {"tahun": None, "kabupaten": [], "kampung_kb": [], "kecamatan": [], "desa": []}
    if not rows:
        return out
    out["tahun"] = next(iter(rows.values())).cells[KRS].tahun
    _apply(rows, sums)
    for (level, group, _kode), row in sorted(rows.items(), key=lambda kv: kv[0][2]):
        row.krs = row.cells[KRS]
        if group != Group.ALL:
            row.group = group
            out["kampung_kb"].append(row)
        else:
            out[{"kabupaten": "kabupaten", "kecamatan": "kecamatan"}.get(level, "desa")].append(row)
    return out
