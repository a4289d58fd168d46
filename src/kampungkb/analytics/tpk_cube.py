"""The TPK summaries: per desa and quarter (and year) counts of the TPK accompaniment → rows
of every area, in bulk (``TpkSummary``), the same way as the KRS summaries (``krs_cube``).

What each count holds, for a period (a quarter or a calendar year) and a desa:

- ``krs``: the families labelled KRS in the desa's family survey round of the period's year;
  ``krs_accompanied``: those of them with at least one TPK visit dated in the period to a
  target registered from the family (``Target.keluarga``), whatever the target's state (a
  visit is only recorded to a registered target, so "active or closed" adds nothing);
- ``catin_*``: the catin targets registered in the period (a cohort) and, of them, those
  screened (by the time of the rebuild, even after the period), screened at least three
  months before the marriage and at risk by their latest screening
  (``families.tpk.screening``: ``catin_counts_per_desa``);
- ``pregnant*``: the pregnancies running in the period and, counted at its end, those with
  KEK, anaemia, K4, K6, TTD >= 90; ``deliveries`` in the period and ``kb_pasca``: the mothers
  among them who chose a KB method within 42 days (``pregnancy.selectors.desa_indicators``);
- ``scorecard_y`` / ``scorecard_applicable``: the KPM scorecard cells marked Y and the cells
  that apply (Y + T) of the desa in the quarter (``scorecard.selectors
  .convergence_by_desa_quarter``); the convergence level is their ratio. A year sums its four
  quarters' cells (the year's level weighs each quarter by its cells).

The families selectors are read as a reader covering every area (``_EVERY_AREA``): the
summaries are system data, and each page reading them scopes them again (``ScopedQuerySet``).
Every count is a sum over desa, so kecamatan, kabupaten and the Kampung KB / other desa rows
are sums of desa rows (``cube._unit_sums``), a desa counting as Kampung KB in the periods that
end on or after its launch.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import numpy as np

from kampungkb.analytics.cube import _day, _unit_sums, _units, kampung_kb_since
from kampungkb.analytics.models import TpkPeriod
from kampungkb.families.models import FamilySurvey
from kampungkb.families.tpk.models import Target, Visit
from kampungkb.families.tpk.pregnancy.selectors import desa_indicators
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.families.tpk.scorecard.selectors import convergence_by_desa_quarter
from kampungkb.families.tpk.screening.selectors import catin_counts_per_desa
from kampungkb.wilayah.models import Level

COUNTS = (
    "krs",
    "krs_accompanied",
    "catin_registered",
    "catin_screened",
    "catin_screened_early",
    "catin_at_risk",
    "pregnant",
    "pregnant_kek",
    "pregnant_anaemia",
    "pregnant_k4",
    "pregnant_k6",
    "pregnant_ttd90",
    "deliveries",
    "kb_pasca",
    "scorecard_y",
    "scorecard_applicable",
)
# A unit × period gets a row when one of these (the denominators) is above 0.
DENOMINATORS = ("krs", "catin_registered", "pregnant", "deliveries", "scorecard_applicable")


class _EveryArea:
    """The reader of the summaries rebuild: covers every area (``core.scoping`` gives it no
    filter), has no role and writes nothing."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None


_EVERY_AREA = _EveryArea()


def tpk_quarters(today: datetime.date) -> list[Quarter]:
    """The quarters from the first TPK target's registration to the quarter of ``today``."""
    first = Target.objects.filter(desa__level=Level.DESA).order_by("tanggal_daftar").first()
    if first is None or first.tanggal_daftar > today:
        return []
    out, q, last = [], Quarter.of(first.tanggal_daftar), Quarter.of(today)
    while q <= last:
        out.append(q)
        q = q.next()
    return out


def _krs_accompanied(periods, desa_kodes=None) -> dict[tuple[str, int], tuple[int, int]]:
    """{(desa, period index): (KRS families, accompanied)} for ``periods`` [(start, end)]:
    two queries (the KRS rounds of the periods' years, the visits to family targets)."""
    years = sorted({start.year for start, _end in periods})
    surveys = FamilySurvey.objects.filter(
        is_krs=True, tahun__in=years, keluarga__desa__level=Level.DESA
    )
    if desa_kodes is not None:
        surveys = surveys.filter(keluarga__desa_id__in=list(desa_kodes))
    krs = defaultdict(set)  # (desa, year) → keluarga ids
    for desa, tahun, keluarga in surveys.values_list("keluarga__desa_id", "tahun", "keluarga_id"):
        krs[(desa, tahun)].add(keluarga)
    if not krs:
        return {}
    lo, hi = min(s for s, _e in periods), max(e for _s, e in periods)
    visited = defaultdict(set)  # keluarga id → visit days
    for keluarga, day in Visit.objects.filter(
        target__keluarga_id__in={k for ks in krs.values() for k in ks},
        tanggal__range=(lo, hi),
    ).values_list("target__keluarga_id", "tanggal"):
        visited[keluarga].add(day)
    out = {}
    for p, (start, end) in enumerate(periods):
        for (desa, tahun), families in krs.items():
            if tahun != start.year:
                continue
            seen = sum(any(start <= d <= end for d in visited.get(k, ())) for k in families)
            out[(desa, p)] = (len(families), seen)
    return out


def tpk_desa_counts(
    periods: list[tuple[datetime.date, datetime.date]],
    *,
    quarters_of: list[list[Quarter]],
    today: datetime.date,
    desa_kodes=None,
) -> dict[tuple[str, int], dict[str, int]]:
    """{(desa code, period index): {count name: value}} of every desa with TPK figures in
    ``periods`` ([(first day, last day)]), the scorecard cells of period ``p`` summed over
    ``quarters_of[p]``; only the desa of ``desa_kodes`` when given."""
    out: dict[tuple[str, int], dict[str, int]] = {}
    wanted = None if desa_kodes is None else set(desa_kodes)

    def cell(desa: str, p: int) -> dict[str, int] | None:
        if wanted is not None and desa not in wanted:
            return None
        return out.setdefault((desa, p), dict.fromkeys(COUNTS, 0))

    for (desa, p), (n, seen) in _krs_accompanied(periods, desa_kodes).items():
        c = cell(desa, p)
        if c is not None:
            c["krs"], c["krs_accompanied"] = n, seen
    cards = {}
    for quarter in sorted({q for qs in quarters_of for q in qs}):
        for r in convergence_by_desa_quarter(user=_EVERY_AREA, quarters=[quarter], today=today):
            cards[(r["desa_kode"], quarter)] = r
    for p, (start, end) in enumerate(periods):
        for r in catin_counts_per_desa(user=_EVERY_AREA, start=start, end=end):
            c = cell(r.desa_kode, p)
            if c is not None:
                c["catin_registered"] = r.registered
                c["catin_screened"] = r.screened
                c["catin_screened_early"] = r.screened_early
                c["catin_at_risk"] = r.at_risk
        for r in desa_indicators(user=_EVERY_AREA, start=start, end=end):
            c = cell(r.desa_kode, p)
            if c is not None:
                c["pregnant"] = r.pregnant
                c["pregnant_kek"] = r.kek
                c["pregnant_anaemia"] = r.anaemia
                c["pregnant_k4"] = r.k4
                c["pregnant_k6"] = r.k6
                c["pregnant_ttd90"] = r.ttd_90
                c["deliveries"] = r.deliveries
                c["kb_pasca"] = r.kb_method_within_42_days
        for (desa, quarter), r in cards.items():
            if quarter in quarters_of[p]:
                c = cell(desa, p)
                if c is not None:
                    c["scorecard_y"] += r["y"]
                    c["scorecard_applicable"] += r["applicable"]
    return out


def _periods(quarters: list[Quarter]):
    """The quarters then the years they fall in: (type, start, end, quarters of it)."""
    out = [(TpkPeriod.QUARTER, q.start, q.end, [q]) for q in quarters]
    for year in sorted({q.tahun for q in quarters}):
        inside = [q for q in quarters if q.tahun == year]
        out.append((TpkPeriod.YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31), inside))
    return out


def build_tpk_rows(*, today: datetime.date | None = None) -> list[dict]:
    """Every TpkSummary row, as dicts, from the stored TPK targets, visits, screenings,
    pregnancies and scorecards (periods up to the quarter of ``today``)."""
    today = today or datetime.date.today()
    periods = _periods(tpk_quarters(today))
    if not periods:
        return []
    counts = tpk_desa_counts(
        [(s, e) for _t, s, e, _q in periods], quarters_of=[q for *_x, q in periods], today=today
    )
    counts = {k: v for k, v in counts.items() if any(v[d] for d in DENOMINATORS)}
    if not counts:
        return []
    desa_codes = sorted({desa for desa, _p in counts})
    d_index = {code: i for i, code in enumerate(desa_codes)}
    matrix = np.zeros((len(COUNTS), len(desa_codes), len(periods)), dtype=np.float64)
    for (desa, p), cell in counts.items():
        matrix[:, d_index[desa], p] = [cell[name] for name in COUNTS]
    units = _units(desa_codes)
    membership = np.array([u.members for u in units], dtype=np.float64)
    end_day = np.array([_day(e) for _t, _s, e, _q in periods], dtype=np.float64)
    is_kampung_kb = kampung_kb_since(desa_codes)[:, None] <= end_day[None, :]
    sums = _unit_sums(units, membership, is_kampung_kb)
    per_unit = {name: sums(matrix[i]) for i, name in enumerate(COUNTS)}  # U × P each
    has_any = np.zeros_like(per_unit["krs"], dtype=bool)
    for name in DENOMINATORS:
        has_any |= per_unit[name] > 0
    rows = []
    for u_i, p_i in zip(*np.nonzero(has_any), strict=True):
        unit = units[u_i]
        period_type, start, _end, _q = periods[p_i]
        rows.append(
            {
                "wilayah_kode": unit.kode,
                "level": unit.level,
                "group": unit.group,
                "period_type": period_type,
                "period_start": start,
                **{name: int(v[u_i, p_i]) for name, v in per_unit.items()},
            }
        )
    return rows
