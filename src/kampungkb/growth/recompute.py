"""Recompute every stored measurement after a change of WHO tables, engine or KBM rules.

The per-child service path (``services.measurements_recompute_child``) builds model objects and
saves them with ``bulk_update``; that is right for one child and far too slow for a district.
Here the raw columns are read with ``values_list`` a chunk of children at a time (so memory
stays bounded), the z-scores come from the same vectorised ``compute.anthro_columns``, the
growth codes from the same ``rules.growth_codes``, and the rows go back through the fastest
path each database has: ``executemany`` of one prepared UPDATE on SQLite, COPY into a
temporary table and one ``UPDATE ... FROM`` on PostgreSQL. Each chunk is one transaction.

The values written are exactly those of the service path (same functions, same conversions);
``tests/growth/test_recompute.py`` checks it.
"""

import math
import time
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, IntegerField
from django.db.models.functions import Cast
from django.utils import timezone

from kampungkb import anthro
from kampungkb.growth.compute import ANTHRO_FIELDS, anthro_columns, default_kbm
from kampungkb.growth.models import Measurement
from kampungkb.growth.rules import growth_codes


class _DaysBetween(Func):
    """Whole days from the second date to the first, computed by the database."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")


class _DatePart(Func):
    """The year or month of a date as an integer (SQLite keeps dates as ISO text)."""

    arity = 1
    output_field = IntegerField()

    def __init__(self, expression, *, part: str):
        self.part = part
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra):
        start, length = (1, 4) if self.part == "YEAR" else (6, 2)
        return self.as_sql(
            compiler,
            connection,
            template=f"CAST(substr(%(expressions)s, {start}, {length}) AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"CAST(EXTRACT({self.part} FROM %(expressions)s) AS integer)",
            **extra,
        )


# The database hands over plain numbers: the age in days and the measurement's year and month
# (what the service path derives from the dates), and the decimal columns cast to double
# (the same nearest double as float(Decimal), which the service path computes with). Building
# ~1,000,000 date and Decimal objects would otherwise be a third of the recompute.
_READ = {
    "_age": _DaysBetween(F("tanggal"), F("child__tanggal_lahir")),
    "_year": _DatePart(F("tanggal"), part="YEAR"),
    "_month": _DatePart(F("tanggal"), part="MONTH"),
    "_berat": Cast("berat", FloatField()),
    "_tinggi": Cast("tinggi", FloatField()),
    "_lila": Cast("lila", FloatField()),
    "_lk": Cast("lingkar_kepala", FloatField()),
}
_RAW = (
    "id", "child_id", "_age", "_year", "_month", "_berat", "_tinggi", "cara_ukur", "oedema",
    "_lila", "_lk", "child__jenis_kelamin",
)  # fmt: skip
# What rules.growth_codes reads of a rules.Weighing, as a plain tuple (a frozen dataclass
# costs microseconds a row to build, a large share of the whole recompute).
_Weighing = namedtuple("_Weighing", "year month age_days weight_kg")
_FLAGS = {"flen", "fwei", "fwfl", "fbmi", "fhc", "fac"}
_STATUS = {"stunted", "severely_stunted", "wasted", "severely_wasted", "underweight"}
_STATUS |= {"overweight", "bgm"}
#: Columns written back per row, in this order, then ``id`` for the WHERE clause;
#: ``kbm_table_id`` and ``computed_at`` are the same for every row and set once per chunk.
WRITE_COLUMNS = (*ANTHRO_FIELDS, "growth_code", "kenaikan_gram", "kbm_gram", "two_t")


@dataclass(frozen=True)
class RecomputeResult:
    rows: int
    children: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else math.inf


def _float_list(values: np.ndarray) -> list:
    """Floats as the model stores them: NaN and ±inf become None (as ``python_value``)."""
    values = np.asarray(values, dtype=float)
    out = values.astype(object)
    out[~np.isfinite(values)] = None
    return out.tolist()


def _column_list(field: str, values: np.ndarray) -> list:
    """Convert one engine column to model values, vectorised; mirrors ``compute.python_value``."""
    if field == "compute_error":
        return [str(v) for v in values]
    if field == "umur_hari":
        return np.asarray(values, dtype=np.int64).tolist()
    if field in _FLAGS:
        values = np.asarray(values, dtype=float)
        out = (values != 0).astype(object)
        out[np.isnan(values)] = None
        return out.tolist()
    if field.startswith("cat_"):
        values = np.asarray(values)
        out = values.astype(np.int64).astype(object)
        out[values == anthro.NO_CATEGORY] = None
        return out.tolist()
    if field in _STATUS:
        values = np.asarray(values, dtype=object)
        out = values.astype(bool).astype(object)
        out[np.equal(values, None)] = None
        return out.tolist()
    return _float_list(values)


def computed_rows(raw: list[tuple], *, rule) -> list[tuple]:
    """Return the computed columns (``WRITE_COLUMNS`` then id) of raw rows in child/date order.

    ``raw`` holds tuples in ``_RAW`` order; one child's rows must be consecutive and in date
    order, since a growth code depends on the child's previous weighing.
    """
    if not raw:
        return []
    ids, child_ids, age, years, months, berat, tinggi, cara, oedema, lila, lk, sex = zip(
        *raw, strict=True
    )
    age = np.array(age, dtype=np.int64)
    cols = anthro_columns(
        sex=sex,
        age_days=age,
        weight=berat,
        lenhei=tinggi,
        method=cara,
        oedema=oedema,
        armc=lila,
        headc=lk,
    )
    out_cols = [_column_list(field, cols[field]) for field in ANTHRO_FIELDS]
    n = len(raw)
    code, gain, kbm, two_t = [""] * n, [None] * n, [None] * n, [False] * n
    if rule is not None:
        ages = out_cols[0]  # umur_hari as ints, as the service path passes it
        start = 0
        while start < n:
            stop = start
            child = child_ids[start]
            while stop < n and child_ids[stop] == child:
                stop += 1
            results = growth_codes(
                [_Weighing(years[i], months[i], ages[i], berat[i]) for i in range(start, stop)],
                rule,
            )
            for i, r in enumerate(results, start):
                code[i], gain[i], kbm[i], two_t[i] = r.code, r.gain_g, r.kbm_g, r.two_t
            start = stop
    return list(zip(*out_cols, code, gain, kbm, two_t, ids, strict=True))


def _write_sqlite(cursor, rows: list[tuple], table_id: int | None, now) -> None:
    # The two per-chunk constants are written into the statement (an int, and a timestamp
    # the backend itself formatted): fewer parameters to bind per row is most of the speed.
    constants = [f"kbm_table_id = {int(table_id) if table_id is not None else 'NULL'}"]
    constants.append(f"computed_at = '{now}'")
    assignments = ", ".join([f"{c} = %s" for c in WRITE_COLUMNS] + constants)
    cursor.executemany(f"UPDATE growth_measurement SET {assignments} WHERE id = %s", rows)  # noqa: S608


def _write_postgresql(cursor, rows: list[tuple], table_id: int | None, now) -> None:
    columns = ", ".join(WRITE_COLUMNS)
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS _recompute AS SELECT {columns}, id "  # noqa: S608
        "FROM growth_measurement WITH NO DATA"
    )
    cursor.execute("TRUNCATE _recompute")
    with cursor.cursor.copy(f"COPY _recompute ({columns}, id) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    assignments = ", ".join(f"{c} = r.{c}" for c in WRITE_COLUMNS)
    cursor.execute(
        f"UPDATE growth_measurement AS m SET {assignments}, kbm_table_id = %s, "  # noqa: S608
        "computed_at = %s FROM _recompute AS r WHERE m.id = r.id",
        [table_id, now],
    )


def write_computed(rows: list[tuple], *, table_id: int | None, now) -> None:
    """Write computed rows (``WRITE_COLUMNS`` then id) with the database's bulk path, with
    ``kbm_table_id`` and ``computed_at`` (a value adapted by the backend) on every row."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _write_postgresql(cursor, rows, table_id, now)
        else:
            _write_sqlite(cursor, rows, table_id, now)


def _read_raw(queryset) -> list[tuple]:
    """Run a ``values_list`` query on the cursor: the values are already plain numbers and
    strings, and Django's per-value converters would cost as much as the computing."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _child_chunks(child_ids: list[int], size: int):
    for i in range(0, len(child_ids), size):
        chunk = child_ids[i : i + size]
        yield chunk[0], chunk[-1]


def measurements_recompute_all(
    *,
    batch_children: int = 5000,
    children=None,
    kbm=None,
    progress: Callable[[int, int], None] | None = None,
) -> RecomputeResult:
    """Recompute the derived columns of every stored measurement (or of ``children`` only).

    ``batch_children`` children are read, computed and written per transaction; ``kbm`` is a
    ``(KBMTable, KBMRule)`` pair and defaults to the default table; ``progress`` is called
    with (rows done, children done) after each chunk.
    """
    started = time.perf_counter()
    table, rule = kbm if kbm is not None else default_kbm()
    measurements = Measurement.objects.all()
    if children is not None:
        measurements = measurements.filter(child__in=children)
    child_ids = list(
        measurements.order_by("child_id").values_list("child_id", flat=True).distinct()
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows_done = 0
    for low, high in _child_chunks(child_ids, max(1, batch_children)):
        with transaction.atomic():
            raw = _read_raw(
                measurements.filter(child_id__gte=low, child_id__lte=high)
                .annotate(**_READ)
                .order_by("child_id", "tanggal")
                .values_list(*_RAW)
            )
            write_computed(
                computed_rows(raw, rule=rule),
                table_id=table.pk if table is not None else None,
                now=now,
            )
        rows_done += len(raw)
        if progress is not None:
            progress(rows_done, len(child_ids))
    return RecomputeResult(
        rows=rows_done, children=len(child_ids), seconds=time.perf_counter() - started
    )
