"""Recompute every stored measurement after a change of WHO tables, engine or KBM rules.

The per-child service path (``services.measurements_recompute_child``) builds model objects and
saves them with ``bulk_update``; that is right for one child and far too slow for a district.
Here the raw columns, and the digest of the computed values as stored, are read with
``values_list`` a chunk of children at a time (so memory stays bounded); the z-scores come from
the same vectorised ``compute.anthro_columns`` and ``compute.stored_columns``, the growth codes
from the same ``rules.growth_codes_arrays``, the digest from the same
``compute.computed_digests``. Only the rows whose digest changes go back, through the fastest
path each database has: ``executemany`` of one prepared UPDATE on SQLite, a binary COPY into a
temporary table and one ``UPDATE ... FROM`` on PostgreSQL; rows where only the KBM table
changes get just that. Each chunk is one transaction; on PostgreSQL two more connections write
chunks while the next one is read and computed.

The values written are exactly those of the service path (same functions, same conversions);
``tests/growth/test_recompute.py`` checks it."""

import gc
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, IntegerField
from django.db.models.functions import Cast
from django.utils import timezone

from kampungkb.growth.compute import (
    DIGEST_FIELDS,
    anthro_columns,
    computed_digests,
    default_kbm,
    stored_columns,
)
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
#: Columns written back per changed row, in this order, then ``id`` for the WHERE clause;
#: ``kbm_table_id`` and ``computed_at`` are the same for every row and set once per chunk.
WRITE_COLUMNS = (*DIGEST_FIELDS, "computed_digest")
#: What is read of the stored row after ``_RAW``, to write only the rows that change.
_STORED = ("computed_digest", "kbm_table_id")
#: The digest a row had when it was read: it is written only if it still has it, so a
#: recompute never overwrites what an edit computed for the row in the meantime.
_READ_DIGEST = "read_digest"


@dataclass(frozen=True)
class RecomputeResult:
    rows: int  # rows read (a row read again by a sweep for stale KBM tables counts again)
    children: int
    seconds: float
    written: int = 0  # rows whose computed values changed, written whole
    relabelled: int = 0  # rows where only the KBM table (and computed_at) was written

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else math.inf


def computed_columns(raw: list[tuple], *, rule, flags_as_ints: bool = False) -> dict[str, Sequence]:
    """Return the computed columns (``WRITE_COLUMNS``, and ``id``) of raw rows in child/date
    order, each as a list of what the row stores (``computed_digest`` as an int64 array).

    ``raw`` holds tuples starting with ``_RAW``; one child's rows must be consecutive and in date
    order, since a growth code depends on the child's previous weighing. ``flags_as_ints``
    gives booleans as 0/1 (see ``compute.stored_columns``).
    """
    # Column by column, transposed in one pass (the columns after ``_RAW`` are not used).
    ids, child_ids, age, years, months, berat, tinggi, cara, oedema, lila, lk, sex = list(
        zip(*raw, strict=True)
    )[: len(_RAW)]
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
        ),
        flags_as_ints=flags_as_ints,
    )
    code, gain, kbm, two_t = growth_codes_arrays(
        np.array(child_ids, dtype=np.int64),
        np.array(years, dtype=np.int64),
        np.array(months, dtype=np.int64),
        age.astype(float),
        weight,
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


def _write_sqlite(
    cursor, rows: list[tuple], relabel: list[tuple], table_id, now, _children
) -> tuple[int, int]:
    # The two per-chunk constants are written into the statement (an int, and a timestamp
    # the backend itself formatted): fewer parameters to bind per row is most of the speed.
    constants = f"kbm_table_id = {int(table_id) if table_id is not None else 'NULL'}, "
    constants += f"computed_at = '{now}'"
    written = relabelled = 0
    if rows:
        assignments = ", ".join(f"{c} = %s" for c in WRITE_COLUMNS)
        cursor.executemany(
            f"UPDATE growth_measurement SET {assignments}, {constants} "  # noqa: S608
            "WHERE id = %s AND computed_digest IS %s",
            rows,
        )
        written = cursor.rowcount
    if relabel:
        cursor.executemany(
            f"UPDATE growth_measurement SET {constants} "  # noqa: S608
            "WHERE id = %s AND computed_digest IS %s",
            relabel,
        )
        relabelled = cursor.rowcount
    return written, relabelled


def _copy_into(cursor, table: str, columns: Sequence[str], rows) -> None:
    """Empty the temporary ``table`` (made like growth_measurement's ``columns`` when it does
    not exist yet; ``read_digest`` is like ``computed_digest``) and fill it with ``rows`` by a
    binary COPY: no text to format and parse."""
    source = {_READ_DIGEST: "computed_digest"}
    fields = {f.column: f for f in Measurement._meta.concrete_fields}
    # PostgreSQL type names for the binary COPY (``varchar(200)`` -> ``varchar``).
    types = [fields[source.get(c, c)].db_type(connection).split("(")[0] for c in columns]
    selected = ", ".join(f"{source[c]} AS {c}" if c in source else c for c in columns)
    names = ", ".join(columns)
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {table} AS SELECT {selected} "  # noqa: S608
        "FROM growth_measurement WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {table}")
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _write_postgresql(
    cursor, rows: list[tuple], relabel: list[tuple], table_id, now, children: tuple[int, int]
) -> tuple[int, int]:
    # COPY into a temporary table, then one UPDATE joined on id. The temporary table is not
    # analysed (that cost a fifth of the write): the planner sizes a never-analysed table by
    # its pages, which is enough for it to hash the chunk and join it in one pass. The
    # chunk's range of children lets it read only their rows (by the (child, tanggal) index)
    # instead of the whole table on every chunk.
    written = relabelled = 0
    guard = f"m.computed_digest IS NOT DISTINCT FROM r.{_READ_DIGEST}"
    if rows:
        _copy_into(cursor, "_recompute", (*WRITE_COLUMNS, "id", _READ_DIGEST), rows)
        assignments = ", ".join(f"{c} = r.{c}" for c in WRITE_COLUMNS)
        cursor.execute(
            f"UPDATE growth_measurement AS m SET {assignments}, kbm_table_id = %s, "  # noqa: S608
            "computed_at = %s FROM _recompute AS r "
            f"WHERE m.id = r.id AND m.child_id BETWEEN %s AND %s AND {guard}",
            [table_id, now, *children],
        )
        written = cursor.rowcount
    if relabel:
        _copy_into(cursor, "_relabel", ("id", _READ_DIGEST), relabel)
        cursor.execute(
            "UPDATE growth_measurement AS m SET kbm_table_id = %s, computed_at = %s "  # noqa: S608
            f"FROM _relabel AS r WHERE m.id = r.id AND m.child_id BETWEEN %s AND %s AND {guard}",
            [table_id, now, *children],
        )
        relabelled = cursor.rowcount
    return written, relabelled


def write_computed(
    rows: list[tuple],
    *,
    table_id: int | None,
    now,
    children: tuple[int, int],
    relabel: Sequence[tuple] = (),
) -> tuple[int, int]:
    """Write computed rows (``WRITE_COLUMNS``, id, then the digest the row had when read)
    with the database's bulk path, with ``kbm_table_id`` and ``computed_at`` (a value adapted
    by the backend) on every row; and only those two on the rows of ``relabel`` (id, digest
    read). Every row belongs to a child whose id is in the inclusive range ``children``. A
    row whose digest is no longer the one read (an edit recomputed it since) is left as it
    is. Returns the numbers of rows written whole and relabelled."""
    if not rows and not relabel:
        return 0, 0
    with connection.cursor() as cursor:
        write = _write_postgresql if connection.vendor == "postgresql" else _write_sqlite
        return write(cursor, rows, list(relabel), table_id, now, children)


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


def _child_chunks(child_ids: list[int], size: int):
    for i in range(0, len(child_ids), size):
        chunk = child_ids[i : i + size]
        yield chunk[0], chunk[-1], len(chunk)


def _writes_overlap() -> bool:
    """Whether chunks are written by other connections while the next one is read.

    On PostgreSQL, outside a caller's transaction (inside one, everything must be written in
    it, by this connection). Not on SQLite: measured there, the reading connection slowed
    down more than the overlap saved (it reads through the writer's fresh WAL pages, and the
    two threads share the interpreter for building rows and binding parameters).
    """
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.get_autocommit()  # nor in a transaction opened by hand
    )


def _write_chunk(
    changed: list[tuple], relabel: list[tuple], table_id, now, children
) -> tuple[int, int]:
    """Write one chunk in its own transaction, on the calling thread's connection."""
    with transaction.atomic():
        return write_computed(
            changed, table_id=table_id, now=now, children=children, relabel=relabel
        )


def _close_connection(barrier: threading.Barrier) -> None:
    barrier.wait()
    connection.close()


#: Children per chunk (a transaction each): about 15,000-20,000 rows of two years of monthly
#: weighings, small enough for the writing of one chunk to overlap the computing of the next.
DEFAULT_BATCH_CHILDREN = 1000


def measurements_recompute_all(
    *,
    batch_children: int = DEFAULT_BATCH_CHILDREN,
    children=None,
    kbm=None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RecomputeResult:
    """Recompute the derived columns of every stored measurement (or of ``children`` only).

    ``batch_children`` children are read, computed and written per transaction; ``kbm`` is a
    ``(KBMTable, KBMRule)`` pair and defaults to the default table; ``progress`` is called
    with (rows done, children done) after each chunk is written.

    The digest of the stored computed values is read along with the raw ones, and only rows
    whose computed values differ from it are written (with the new ``computed_at``); rows
    where only the KBM table differs get just that and ``computed_at``; the others are left
    as they are, so ``computed_at`` is when a row's values last changed. ``force`` writes
    every row, for stored values changed behind the application's back (by hand, in SQL),
    which their digests do not show.

    On PostgreSQL outside a transaction, chunks are written by ``WRITERS`` threads (each with
    its own connection, each chunk its own transaction) while this one reads and computes the
    next: the database's work of writing and the work here of computing overlap instead of
    taking turns. Chunks hold disjoint children, and a child's growth codes depend only on
    that child's rows, so the order of the writes does not matter. Inside a caller's
    transaction every chunk is written here, in that transaction.

    Rows left with another KBM table when the pass ends (written meanwhile by an import that
    began before a switch of the default table) are gone over again, up to
    ``STALE_SWEEPS`` times.
    """
    started = time.perf_counter()
    table, rule = kbm if kbm is not None else default_kbm()
    table_id = table.pk if table is not None else None
    measurements = Measurement.objects.all()
    if children is not None:
        measurements = measurements.filter(child__in=children)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    totals = {"rows": 0, "children": 0, "written": 0, "relabelled": 0}

    def done(n_rows: int, n_children: int, counts: tuple[int, int]) -> None:
        totals["rows"] += n_rows
        totals["children"] += n_children
        totals["written"] += counts[0]
        totals["relabelled"] += counts[1]
        if progress is not None:
            progress(totals["rows"], totals["children"])

    # Each chunk makes a few million tuples and values that live until it is written; the
    # cyclic collector would scan them again and again (they hold no cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        child_ids = _child_ids(measurements)
        for sweep in range(1 + STALE_SWEEPS):
            _recompute_children(
                measurements, child_ids, batch_children, rule, table_id, now, force, done
            )
            # Rows another write computed with an earlier default table while this ran (an
            # import that started before the switch and committed after its children were
            # read): go over their children again, until there are none.
            if children is not None or table_id is None or sweep == STALE_SWEEPS:
                break
            child_ids = _child_ids(measurements.exclude(kbm_table_id=table_id))  # NULL too
            if not child_ids:
                break
    finally:
        if collecting:
            gc.enable()
    if totals["written"] or totals["relabelled"]:
        from kampungkb.growth.services import analytics_refresh_on_commit

        analytics_refresh_on_commit()
    return RecomputeResult(
        rows=totals["rows"],
        children=totals["children"],
        seconds=time.perf_counter() - started,
        written=totals["written"],
        relabelled=totals["relabelled"],
    )


#: Passes over the children left with rows of another KBM table after the main pass.
STALE_SWEEPS = 2
#: Connections writing chunks at once on PostgreSQL while the next chunk is computed: the
#: server's rewriting of rows is the slowest part, and two writers use both cores for it.
WRITERS = 2


def _child_ids(measurements) -> list[int]:
    return list(measurements.order_by("child_id").values_list("child_id", flat=True).distinct())


def _recompute_children(measurements, child_ids, batch_children, rule, table_id, now, force, done):
    """One pass over ``child_ids``: read, compute and write chunk by chunk, calling
    ``done(rows, children, (written, relabelled))`` after each chunk is written (in order)."""
    writers = WRITERS if _writes_overlap() else 0
    pool = ThreadPoolExecutor(max_workers=writers) if writers else None
    in_flight: deque[tuple[Future, int, int]] = deque()  # writes, and their chunks' counts

    def wait_for_oldest() -> None:
        write, n_rows, n_children = in_flight.popleft()
        done(n_rows, n_children, write.result())

    try:
        for low, high, n_children in _child_chunks(child_ids, max(1, batch_children)):
            raw = _read_raw(
                measurements.filter(child_id__gte=low, child_id__lte=high)
                .annotate(**_READ)
                .order_by("child_id", "tanggal")
                .values_list(*_RAW, *_STORED)
            )
            changed, relabel = changed_rows(raw, rule=rule, table_id=table_id, force=force)
            chunk = (changed, relabel, table_id, now, (low, high))
            if pool is None:
                done(len(raw), n_children, _write_chunk(*chunk))
                continue
            if len(in_flight) == writers:  # memory stays that of writers + 1 chunks
                wait_for_oldest()
            in_flight.append((pool.submit(_write_chunk, *chunk), len(raw), n_children))
        while in_flight:
            wait_for_oldest()
    finally:
        if pool is not None:
            # Each worker thread has its own connection: one close per thread, the barrier
            # making every thread take exactly one.
            barrier = threading.Barrier(writers)
            closes = [pool.submit(_close_connection, barrier) for _ in range(writers)]
            for close in closes:
                close.result()
            pool.shutdown()
