"""The prevalence cube: stored measurements → summary rows, in bulk.

One query reads the columns analytics need from every measurement (the stored booleans and
flags, the date as a day number, the length/height), one more reads the children (desa, date
of birth). Everything after that is numpy over whole columns:

- rows are sorted once by (child, date), so within any subset the last row of each run of
  (child, period) is that child's latest measurement in the period;
- a measurement counts for an indicator only when its stored status is known (the compute
  step leaves it NULL when the z-score is flagged or not computable), the indicator's WHO
  flag is not set and it does not wait to be checked (``needs_check``): the "latest valid
  measurement" of the child in the period;
- counts per (desa, period) come from ``np.bincount``; kecamatan, kabupaten and the Kampung KB
  / other-desa splits are sums of desa rows (a child belongs to one desa, so nothing is
  counted twice); intervals come from ``anthro.prevalence.wilson_interval``;
- a desa counts as a Kampung KB in the periods that end on or after its launch
  (pencanangan, else its SK date; always when neither is recorded), and as an other desa
  before: the comparison over time follows when each village became one.

Only children under five at the measurement (``umur_hari`` <= 1826, or unknown) count.

Who counts (statuses, flags, age, latest per child and period) and the intervals are
``anthro.summaries``, which the national batch (``kampungkb batch prevalence``) counts with
too: the web and the batch cannot disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Case, F, FloatField, Func, IntegerField, Value, When
from django.db.models.functions import Cast, Coalesce

from kampungkb.anthro.summaries import (
    INDICATORS,
    UNDER_FIVE_DAYS,
    in_scope,
    indicator_counts,
    latest_counts,
    rates,
)
from kampungkb.growth.models import Child, Measurement
from kampungkb.wilayah.models import KampungKB, Level, Wilayah

EPOCH = datetime.date(1970, 1, 1)

# indicator → (stored boolean, the WHO flag of the z-score it comes from)
INDICATOR_FIELDS = INDICATORS
FLAGS = ("flen", "fwei", "fwfl")


class _EpochDay(Func):
    """Days since 1970-01-01 of a date column, as an integer, computed by the database."""

    arity = 1
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="((%(expressions)s) - DATE '1970-01-01')", **extra
        )


def _int(field: str):
    return Coalesce(Cast(field, IntegerField()), Value(-1))


def _fetch(queryset) -> np.ndarray:
    """Run a values_list queryset through a raw cursor into one float64 array."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(queryset.query.values_select) + len(queryset.query.annotation_select)
    if not rows:
        return np.empty((0, width))
    return np.array(rows, dtype=np.float64)


MEASUREMENT_COLUMNS = ["child_id", "day", "age", "h", *INDICATOR_FIELDS, *FLAGS, "needs_check"]

#: The age read for a measurement dated before the child's birth (a birth date corrected
#: after the weighing): one ``in_scope`` leaves out, so it counts in no figure, as the batch
#: refuses such a row. Read as it is stored, any negative age passed for an unknown one (-1).
_BEFORE_BIRTH = UNDER_FIVE_DAYS + 1


def read_measurements() -> dict[str, np.ndarray]:
    """Every measurement's analytic columns as arrays (booleans as 1/0/-1 for NULL)."""
    annotations = {
        "a_day": _EpochDay("tanggal"),
        "a_age": Case(
            When(umur_hari__lt=0, then=Value(_BEFORE_BIRTH)),
            default=Coalesce(F("umur_hari"), Value(-1)),
        ),
        "a_h": Coalesce(Cast("tinggi", FloatField()), Value(-1.0)),
        **{f"a_{ind}": _int(field) for ind, (field, _flag) in INDICATOR_FIELDS.items()},
        **{f"a_{flag}": _int(flag) for flag in FLAGS},
        "a_needs_check": _int("needs_check"),
    }
    qs = (
        Measurement.objects.order_by()
        .annotate(**annotations)
        .values_list("child_id", *annotations.keys())
    )
    data = _fetch(qs)
    return {name: data[:, i] for i, name in enumerate(MEASUREMENT_COLUMNS)}


def read_children() -> tuple[np.ndarray, list[str], np.ndarray]:
    """(child ids, desa code of each, date of birth as day number) of every child."""
    qs = (
        Child.objects.order_by("id")
        .annotate(a_born=_EpochDay("tanggal_lahir"))
        .values_list("id", "desa_id", "a_born")
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return np.empty(0, np.int64), [], np.empty(0, np.int64)
    ids, desa, born = zip(*rows, strict=True)
    return np.array(ids, np.int64), list(desa), np.array(born, np.int64)


@dataclass
class Unit:
    kode: str
    level: str
    group: str
    members: np.ndarray  # boolean over desa


@dataclass
class Periods:
    period_type: str
    starts: list[datetime.date]
    start_day: np.ndarray
    end_day: np.ndarray  # inclusive


def _day(d: datetime.date) -> int:
    return (d - EPOCH).days


def _month_start(index: int) -> datetime.date:
    return datetime.date(1970 + index // 12, index % 12 + 1, 1)


def _periods(months: np.ndarray) -> tuple[dict[str, Periods], dict[str, np.ndarray]]:
    """The periods covering the measured months and, per type, each row's period index."""
    lo, hi = int(months.min()), int(months.max())
    month_idx = np.arange(lo, hi + 1)
    out, row_index = {}, {}

    def make(kind, starts_idx, start_dates, end_dates, row_pi):
        out[kind] = Periods(
            kind,
            start_dates,
            np.array([_day(d) for d in start_dates], np.int64),
            np.array([_day(d) - 1 for d in end_dates], np.int64),
        )
        row_index[kind] = row_pi

    starts = [_month_start(int(i)) for i in month_idx]
    ends = [_month_start(int(i) + 1) for i in month_idx]
    make("month", month_idx, starts, ends, (months - lo).astype(np.int64))

    pen_idx = month_idx[np.isin(month_idx % 12, (1, 7))]
    lookup = np.full(hi - lo + 1, -1, np.int64)
    lookup[pen_idx - lo] = np.arange(pen_idx.size)
    make(
        "penimbangan",
        pen_idx,
        [_month_start(int(i)) for i in pen_idx],
        [_month_start(int(i) + 1) for i in pen_idx],
        lookup[(months - lo).astype(np.int64)],
    )

    years = np.arange(lo // 12, hi // 12 + 1)
    make(
        "year",
        years,
        [datetime.date(1970 + int(y), 1, 1) for y in years],
        [datetime.date(1971 + int(y), 1, 1) for y in years],
        (months // 12 - lo // 12).astype(np.int64),
    )
    return out, row_index


def kampung_kb_since(desa_codes: list[str]) -> np.ndarray:
    """Per desa, the day number from which it is a Kampung KB: its launch (pencanangan) date,
    else its SK date; -inf when it is one with neither date recorded, +inf when it is none."""
    since = np.full(len(desa_codes), np.inf)
    position = {code: i for i, code in enumerate(desa_codes)}
    for desa, launched, decreed in KampungKB.objects.filter(desa_id__in=desa_codes).values_list(
        "desa_id", "tanggal_pencanangan", "sk_tanggal"
    ):
        day = launched or decreed
        since[position[desa]] = -np.inf if day is None else _day(day)
    return since


def period_end(period_type: str, start: datetime.date) -> datetime.date:
    """The last day of a summary period: the year's, else the month's (a weighing month is
    a month)."""
    if period_type == "year":
        return datetime.date(start.year, 12, 31)
    first_of_next = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def kampung_kb_desa(desa_codes: list[str], period_end: datetime.date) -> set[str]:
    """The desa of ``desa_codes`` that count as Kampung KB in a period ending on
    ``period_end`` (the rule of the summaries, for readers of published figures)."""
    since = kampung_kb_since(desa_codes)
    return {code for code, day in zip(desa_codes, since, strict=True) if day <= _day(period_end)}


def _serves_several_kabupaten() -> bool:
    """Whether the wilayah table holds several kabupaten (a province installation, as
    ``selectors.is_province_installation`` reads it), whichever of them have figures."""
    return Wilayah.objects.filter(level=Level.KABUPATEN).count() > 1


def _units(desa_codes: list[str]) -> list[Unit]:
    """Desa, kecamatan, kabupaten and the Kampung KB / other splits, each with the desa of
    its area (which of them are Kampung KB depends on the period: see ``_unit_sums``); and
    the provinsi, when the installation serves several of its kabupaten (a province
    installation: its summaries are the sums of its kabupaten's, even while only one of them
    has figures, as the KRS and TPK summaries' desa are only those with figures)."""
    codes = np.array(desa_codes, dtype=object)
    units = []
    for i, code in enumerate(desa_codes):
        members = np.zeros(len(desa_codes), bool)
        members[i] = True
        units.append(Unit(code, Level.DESA, "all", members))
    levels = [(Level.KECAMATAN, 8), (Level.KABUPATEN, 5)]
    if len({c[:5] for c in desa_codes}) > 1 or _serves_several_kabupaten():
        levels.append((Level.PROVINSI, 2))
    for level, width in levels:
        prefix = np.array([c[:width] for c in codes], dtype=object)
        for area in sorted(set(prefix)):
            members = prefix == area
            units.append(Unit(area, level, "all", members))
            units.append(Unit(area, level, "kampung_kb", members))
            units.append(Unit(area, level, "other", members))
    return units


def _unit_sums(units: list[Unit], membership: np.ndarray, is_kampung_kb: np.ndarray):
    """A function summing desa × period counts into unit × period ones, where ``is_kampung_kb``
    (desa × period) says which desa are Kampung KB in each period."""
    kampung_kb_rows = np.array([u.group == "kampung_kb" for u in units])
    other_rows = np.array([u.group == "other" for u in units])
    weight = is_kampung_kb.astype(np.float64)

    def sums(per_desa: np.ndarray) -> np.ndarray:
        out = membership @ per_desa
        out[kampung_kb_rows] = membership[kampung_kb_rows] @ (per_desa * weight)
        out[other_rows] = membership[other_rows] @ (per_desa * (1.0 - weight))
        return out.round().astype(np.int64)

    return sums


@dataclass
class Cube:
    """Everything summaries_rebuild writes, as plain Python rows."""

    prevalence: list[dict]
    quality: list[dict]
    n_measurements: int


def build_cube() -> Cube:
    """Compute every prevalence and quality cell from the stored data."""
    m = read_measurements()
    child_ids, child_desa, child_born = read_children()
    desa_codes = sorted(
        set(Wilayah.objects.filter(level=Level.DESA).values_list("kode", flat=True))
        | set(child_desa)
    )
    if m["child_id"].size == 0 or not desa_codes:
        return Cube([], [], 0)
    desa_pos = {code: i for i, code in enumerate(desa_codes)}
    child_desa_idx = np.array([desa_pos[c] for c in child_desa], np.int64)

    # Sort once by (child, date): every subset keeps that order.
    child = m["child_id"].astype(np.int64)
    day = m["day"].astype(np.int64)
    order = np.lexsort((day, child))
    m = {k: v[order] for k, v in m.items()}
    child, day = child[order], day[order]
    row_desa = child_desa_idx[np.searchsorted(child_ids, child)]

    months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    periods, row_period = _periods(months)
    units = _units(desa_codes)
    membership = np.array([u.members for u in units], dtype=np.float64)  # U × D
    n_desa = len(desa_codes)
    kampung_kb_start = kampung_kb_since(desa_codes)

    h = m["h"]
    has_h = h >= 0
    digit = np.floor(np.where(has_h, h, 0) * 10 + 1e-6) % 10
    digit_05 = has_h & np.isin(digit, (0, 5))
    # A measurement waiting to be checked (growth.plausibility) counts as flagged in the data
    # quality figures and in no prevalence, whatever its stored statuses say.
    unchecked = m["needs_check"] == 1
    any_flag = (m["flen"] == 1) | (m["fwei"] == 1) | (m["fwfl"] == 1) | unchecked

    prevalence_rows, quality_rows = [], []
    for kind, per in periods.items():
        n_p = len(per.starts)
        pi = row_period[kind]
        in_period = in_scope(pi, m["age"])  # an unknown age (-1) counts
        unit_sums = _unit_sums(units, membership, kampung_kb_start[:, None] <= per.end_day[None, :])

        def per_desa(mask, weights=None, *, _pi=pi, _n_p=n_p):
            key = row_desa[mask] * _n_p + _pi[mask]
            w = None if weights is None else weights[mask].astype(np.float64)
            counts = np.bincount(key, weights=w, minlength=n_desa * _n_p)
            return counts.reshape(n_desa, _n_p)

        where = {
            "child": child,
            "group": row_desa,
            "period": pi,
            "n_groups": n_desa,
            "n_periods": n_p,
        }

        # Coverage and quality (indicator independent).
        registered = np.zeros((n_desa, n_p))
        for p in range(n_p):
            alive = (child_born <= per.end_day[p]) & (
                child_born >= per.start_day[p] - UNDER_FIVE_DAYS
            )
            registered[:, p] = np.bincount(child_desa_idx[alive], minlength=n_desa)
        quality = {
            "n_registered": registered,
            "n_measured": latest_counts(in_period, **where),
            "n_records": per_desa(in_period),
            "n_flagged": per_desa(in_period & any_flag),
            "n_missing_height": per_desa(in_period & ~has_h),
            "n_height": per_desa(in_period & has_h),
            "n_digit_05": per_desa(in_period & digit_05),
        }
        q_units = {k: unit_sums(v) for k, v in quality.items()}
        keep = (q_units["n_registered"] > 0) | (q_units["n_records"] > 0)  # U × P
        with np.errstate(divide="ignore", invalid="ignore"):
            coverage = q_units["n_measured"] / q_units["n_registered"]
            share_flagged = q_units["n_flagged"] / q_units["n_records"]
            share_missing = q_units["n_missing_height"] / q_units["n_records"]
            digit_pref = q_units["n_digit_05"] / q_units["n_height"]

        def nan_none(x):
            return None if np.isnan(x) or np.isinf(x) else float(x)

        for u_i, p_i in zip(*np.nonzero(keep), strict=True):
            unit = units[u_i]
            quality_rows.append(
                {
                    "wilayah_kode": unit.kode,
                    "level": unit.level,
                    "group": unit.group,
                    "period_type": kind,
                    "period_start": per.starts[p_i],
                    **{k: int(v[u_i, p_i]) for k, v in q_units.items()},
                    "coverage": nan_none(coverage[u_i, p_i]),
                    "share_flagged": nan_none(share_flagged[u_i, p_i]),
                    "share_missing_height": nan_none(share_missing[u_i, p_i]),
                    "digit_preference": nan_none(digit_pref[u_i, p_i]),
                }
            )

        counts = indicator_counts(
            **where,
            age_days=m["age"],
            statuses={field: m[ind] for ind, (field, _flag) in INDICATOR_FIELDS.items()},
            flags={flag: m[flag] for flag in FLAGS},
            needs_check=unchecked,
        )
        for ind, (n_desa_p, cases_desa_p) in counts.items():
            n = unit_sums(n_desa_p)
            cases = unit_sums(cases_desa_p)
            prop, low, high = rates(cases, n)
            for u_i, p_i in zip(*np.nonzero(keep), strict=True):
                unit = units[u_i]
                prevalence_rows.append(
                    {
                        "wilayah_kode": unit.kode,
                        "level": unit.level,
                        "group": unit.group,
                        "period_type": kind,
                        "period_start": per.starts[p_i],
                        "indicator": ind,
                        "n": int(n[u_i, p_i]),
                        "cases": int(cases[u_i, p_i]),
                        "prevalence": nan_none(prop[u_i, p_i]),
                        "ci_low": nan_none(low[u_i, p_i]),
                        "ci_high": nan_none(high[u_i, p_i]),
                    }
                )
    return Cube(prevalence_rows, quality_rows, int(child.size))
