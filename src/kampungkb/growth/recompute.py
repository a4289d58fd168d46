"""Recompute every stored measurement after a change of WHO tables, engine or KBM rules.

The per-child service path (``services.measurements_recompute_child``) builds model objects and
saves them with ``bulk_update``; that is right for one child and far too slow for a district.
Here the raw columns, and the computed columns as they are stored, are read with
``values_list`` a chunk of children at a time (so memory stays bounded); the z-scores come from
the same vectorised ``compute.anthro_columns`` and ``compute.stored_columns``, the growth codes
from the same ``rules.growth_codes_arrays``. Only the rows whose values change go back, through
the fastest path each database has: ``executemany`` of one prepared UPDATE on SQLite, COPY into
a temporary table and one ``UPDATE ... FROM`` on PostgreSQL; rows where only the KBM table
changes get one set-based UPDATE by id. Each chunk is one transaction.

The values written are exactly those of the service path (same functions, same conversions);
``tests/growth/test_recompute.py`` checks it."""

import gc
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, IntegerField
from django.db.models.functions import Cast
from django.utils import timezone

from kampungkb.growth.compute import ANTHRO_FIELDS, anthro_columns, default_kbm, stored_columns
from kampungkb.growth.models import Measurement
from kampungkb.growth.rules import growth_codes_arrays


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
#: Columns written back per row, in this order, then ``id`` for the WHERE clause;
#: ``kbm_table_id`` and ``computed_at`` are the same for every row and set once per chunk.
WRITE_COLUMNS = (*ANTHRO_FIELDS, "growth_code", "kenaikan_gram", "kbm_gram", "two_t")
#: What is read back of the stored row after ``_RAW``, to write only rows that change.
_STORED = (*WRITE_COLUMNS, "kbm_table_id")


@dataclass(frozen=True)
class RecomputeResult:
    rows: int
    children: int
    seconds: float
    written: int = 0  # rows whose computed values changed, written whole
    relabelled: int = 0  # rows where only the KBM table (and computed_at) was written

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else math.inf


def computed_rows(raw: list[tuple], *, rule) -> list[tuple]:
    """Return the computed columns (``WRITE_COLUMNS`` then id) of raw rows in child/date order.

    ``raw`` holds tuples starting with ``_RAW``; one child's rows must be consecutive and in date
    order, since a growth code depends on the child's previous weighing.
    """
    if not raw:
        return []
    # Column by column (any columns after ``_RAW`` are not used here).
    ids, child_ids, age, years, months, berat, tinggi, cara, oedema, lila, lk, sex = (
        list(map(itemgetter(i), raw)) for i in range(len(_RAW))
    )
    age = np.array(age, dtype=np.int64)
    weight = np.array(berat, dtype=float)  # None -> NaN
    cols = anthro_columns(
        sex=sex,
        age_days=age,
        weight=weight,
        lenhei=tinggi,
        method=cara,
        oedema=oedema,
        armc=lila,
        headc=lk,
    )
    stored = stored_columns(cols)
    code, gain, kbm, two_t = growth_codes_arrays(
        np.array(child_ids, dtype=np.int64),
        np.array(years, dtype=np.int64),
        np.array(months, dtype=np.int64),
        age.astype(float),
        weight,
        rule,
    )
    return list(
        zip(
            *(stored[f] for f in ANTHRO_FIELDS),
            code.tolist(),
            gain.tolist(),
            kbm.tolist(),
            two_t.tolist(),
            ids,
            strict=True,
        )
    )


def changed_rows(raw: list[tuple], rows: list[tuple], *, table_id: int | None):
    """Split computed ``rows`` by what differs from the stored values read along in ``raw``.

    Returns ``(changed, relabel)``: the rows whose computed values differ (to be written
    whole), and the ids of the other rows whose only difference is the KBM table (after a
    switch of the default table that leaves their codes as they are). A row never computed
    has no stored ``umur_hari``, so it is always changed. The database hands booleans back
    as 0/1 on SQLite, which compare equal to False/True.
    """
    start = len(_RAW)
    stop = start + len(WRITE_COLUMNS)
    changed, relabel = [], []
    for stored, row in zip(raw, rows, strict=True):
        if stored[start:stop] != row[:-1]:
            changed.append(row)
        elif stored[stop] != table_id:
            relabel.append(row[-1])
    return changed, relabel


def _write_sqlite(cursor, rows: list[tuple], relabel: list[int], table_id, now) -> None:
    # The two per-chunk constants are written into the statement (an int, and a timestamp
    # the backend itself formatted): fewer parameters to bind per row is most of the speed.
    constants = f"kbm_table_id = {int(table_id) if table_id is not None else 'NULL'}, "
    constants += f"computed_at = '{now}'"
    if rows:
        assignments = ", ".join(f"{c} = %s" for c in WRITE_COLUMNS)
        cursor.executemany(
            f"UPDATE growth_measurement SET {assignments}, {constants} WHERE id = %s",  # noqa: S608
            rows,
        )
    if relabel:
        cursor.execute(
            f"UPDATE growth_measurement SET {constants} "  # noqa: S608
            "WHERE id IN (SELECT value FROM json_each(%s))",
            [json.dumps(relabel)],
        )


def _write_postgresql(cursor, rows: list[tuple], relabel: list[int], table_id, now) -> None:
    if rows:
        columns = ", ".join(WRITE_COLUMNS)
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS _recompute AS SELECT {columns}, id "  # noqa: S608
            "FROM growth_measurement WITH NO DATA"
        )
        cursor.execute("TRUNCATE _recompute")
        with cursor.cursor.copy(f"COPY _recompute ({columns}, id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # Statistics for the temporary table (autovacuum never sees it) and memory enough
        # to hash it without spilling: the planner then joins it in one pass.
        cursor.execute("ANALYZE _recompute")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        assignments = ", ".join(f"{c} = r.{c}" for c in WRITE_COLUMNS)
        cursor.execute(
            f"UPDATE growth_measurement AS m SET {assignments}, kbm_table_id = %s, "  # noqa: S608
            "computed_at = %s FROM _recompute AS r WHERE m.id = r.id",
            [table_id, now],
        )
    if relabel:
        cursor.execute(
            "UPDATE growth_measurement SET kbm_table_id = %s, computed_at = %s WHERE id = ANY(%s)",
            [table_id, now, relabel],
        )


def write_computed(
    rows: list[tuple], *, table_id: int | None, now, relabel: Sequence[int] = ()
) -> None:
    """Write computed rows (``WRITE_COLUMNS`` then id) with the database's bulk path, with
    ``kbm_table_id`` and ``computed_at`` (a value adapted by the backend) on every row; and
    only those two on the rows whose ids are in ``relabel``."""
    if not rows and not relabel:
        return
    with connection.cursor() as cursor:
        write = _write_postgresql if connection.vendor == "postgresql" else _write_sqlite
        write(cursor, rows, list(relabel), table_id, now)


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
        yield chunk[0], chunk[-1], len(chunk)


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
    with (rows done, children done) after each chunk is written.

    The stored computed columns are read along with the raw ones, and only rows whose
    computed values differ are written (with the new ``computed_at``); rows where only the
    KBM table differs get just that and ``computed_at``; the others are left as they are, so
    ``computed_at`` is when a row's values last changed.
    """
    started = time.perf_counter()
    table, rule = kbm if kbm is not None else default_kbm()
    table_id = table.pk if table is not None else None
    measurements = Measurement.objects.all()
    if children is not None:
        measurements = measurements.filter(child__in=children)
    child_ids = list(
        measurements.order_by("child_id").values_list("child_id", flat=True).distinct()
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    rows_done = children_done = written = relabelled = 0
    # Each chunk makes a few million tuples and values that live until it is written; the
    # cyclic collector would scan them again and again (they hold no cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for low, high, n_children in _child_chunks(child_ids, max(1, batch_children)):
            with transaction.atomic():
                raw = _read_raw(
                    measurements.filter(child_id__gte=low, child_id__lte=high)
                    .annotate(**_READ)
                    .order_by("child_id", "tanggal")
                    .values_list(*_RAW, *_STORED)
                )
                changed, relabel = changed_rows(
                    raw, computed_rows(raw, rule=rule), table_id=table_id
                )
                write_computed(changed, table_id=table_id, now=now, relabel=relabel)
            rows_done += len(raw)
            children_done += n_children
            written += len(changed)
            relabelled += len(relabel)
            if progress is not None:
                progress(rows_done, children_done)
    finally:
        if collecting:
            gc.enable()
    if written or relabelled:
        from kampungkb.growth.services import analytics_refresh_on_commit

        analytics_refresh_on_commit()
    return RecomputeResult(
        rows=rows_done,
        children=children_done,
        seconds=time.perf_counter() - started,
        written=written,
        relabelled=relabelled,
    )
