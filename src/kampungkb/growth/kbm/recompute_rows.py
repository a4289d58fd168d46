"""One chunk of the recompute, read and computed: which stored rows change, and to what.

The raw columns, and the digest of the computed values as stored, are read with one query a
chunk of children at a time, as plain numbers (no date or Decimal objects); the z-scores come
from the same vectorised ``compute.anthro_columns`` and ``compute.stored_columns`` as the
service path, the growth codes from the same ``rules.growth_codes_arrays``, the digest from the
same ``compute.computed_digests``. A row is written only when its digest changes.
"""

from collections.abc import Sequence

import numpy as np
from django.db import connection
from django.db.models import F, FloatField, Func, IntegerField
from django.db.models.functions import Cast

from kampungkb.growth.compute import (
    DIGEST_FIELDS,
    anthro_columns,
    computed_digests,
    grading_weights,
    stored_columns,
)
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
    "_lila", "_lk", "child__jenis_kelamin", "needs_check",
)  # fmt: skip
#: Columns written back per changed row, in this order, then ``id`` for the WHERE clause;
#: ``kbm_table_id`` and ``computed_at`` are the same for every row and set once per chunk.
WRITE_COLUMNS = (*DIGEST_FIELDS, "computed_digest")
#: What is read of the stored row after ``_RAW``, to write only the rows that change.
_STORED = ("computed_digest", "kbm_table_id")
#: The digest a row had when it was read: it is written only if it still has it, so a
#: recompute never overwrites what an edit computed for the row in the meantime.
READ_DIGEST = "read_digest"


def computed_columns(raw: list[tuple], *, rule, flags_as_ints: bool = False) -> dict[str, Sequence]:
    """Return the computed columns (``WRITE_COLUMNS``, and ``id``) of raw rows in child/date
    order, each as a list of what the row stores (``computed_digest`` as an int64 array).

    ``raw`` holds tuples starting with ``_RAW``; one child's rows must be consecutive and in date
    order, since a growth code depends on the child's previous weighing. ``flags_as_ints``
    gives booleans as 0/1 (see ``compute.stored_columns``).
    """
    # Column by column, transposed in one pass (the columns after ``_RAW`` are not used).
    columns_in = list(zip(*raw, strict=True))[: len(_RAW)]
    ids, child_ids, age, years, months, berat, tinggi, cara, oedema, lila, lk, sex, unchecked = (
        columns_in
    )
    age = np.array(age, dtype=np.int64)
    weight = np.array(berat, dtype=float)  # None -> NaN
    columns: dict[str, Sequence] = stored_columns(
        anthro_columns(
            sex=sex,
            age_days=age,
            weight=weight,
            lenhei=tinggi,
            method=cara,
            oedema=oedema,
            armc=lila,
            headc=lk,
            needs_check=unchecked,
        ),
        flags_as_ints=flags_as_ints,
    )
    code, gain, kbm, two_t = growth_codes_arrays(
        np.array(child_ids, dtype=np.int64),
        np.array(years, dtype=np.int64),
        np.array(months, dtype=np.int64),
        age.astype(float),
        grading_weights(weight, fwei=columns["fwei"], needs_check=unchecked),
        rule,
    )
    columns |= {
        "growth_code": code.tolist(),
        "kenaikan_gram": gain.tolist(),
        "kbm_gram": kbm.tolist(),
        "two_t": (two_t.astype(np.int64) if flags_as_ints else two_t).tolist(),
    }
    columns["computed_digest"] = computed_digests(columns)
    columns["id"] = ids
    return columns


def changed_rows(
    raw: list[tuple], *, rule, table_id: int | None, force: bool = False
) -> tuple[list[tuple], list[tuple]]:
    """Compute raw rows and split them by what differs from what is stored.

    Returns ``(changed, relabel)``: the rows (``WRITE_COLUMNS``, id, then the digest read)
    whose computed values differ from the stored ones, by their digest, to be written whole;
    and ``(id, digest read)`` of the other rows whose only difference is the KBM table (after
    a switch of the default table that leaves their codes as they are). A row never computed
    has no stored digest, so it is always changed; with ``force`` every row is.
    """
    if not raw:
        return [], []
    # SQLite binds ints far faster than bools and stores both as 0/1.
    columns = computed_columns(raw, rule=rule, flags_as_ints=connection.vendor == "sqlite")
    digest_at = len(_RAW)
    stored = [row[digest_at] for row in raw]
    changed = np.array([d is None for d in stored]) | force
    changed |= (
        np.array([0 if d is None else d for d in stored], dtype=np.int64)
        != (columns["computed_digest"])
    )
    columns["computed_digest"] = columns["computed_digest"].tolist()
    values = [columns[f] for f in (*WRITE_COLUMNS, "id")] + [stored]
    if changed.all():
        rows = list(zip(*values, strict=True))
    else:
        picked = np.flatnonzero(changed).tolist()
        rows = [tuple(column[i] for column in values) for i in picked]
    ids = columns["id"]
    relabel = [
        (ids[i], stored[i])
        for i in np.flatnonzero(~changed).tolist()
        if raw[i][digest_at + 1] != table_id
    ]
    return rows, relabel


def chunk_read(measurements, low: int, high: int) -> list[tuple]:
    """Read the rows of the children with ids from ``low`` to ``high`` (inclusive) among
    ``measurements``, in child/date order, as ``changed_rows`` takes them."""
    return _read_raw(
        measurements.filter(child_id__gte=low, child_id__lte=high)
        .annotate(**_READ)
        .order_by("child_id", "tanggal")
        .values_list(*_RAW, *_STORED)
    )


def _read_raw(queryset) -> list[tuple]:
    """Run a ``values_list`` query on the cursor: the values are already plain numbers and
    strings, and Django's per-value converters would cost as much as the computing. On
    PostgreSQL the rows come in binary, which saves parsing a text form of every number."""
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
