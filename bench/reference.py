"""Shared by the benchmarks: the physical reference of a write, measured in the same run.

The shared machines' speed drifts by 2x between runs, so a rows/s figure alone says little.
What the machine can do right now with the same rows is the bare load of them into a table
that has no index, no constraint and no trigger: ``COPY`` on PostgreSQL, one ``executemany``
in one transaction on SQLite. An import or a recompute is judged by its rate as a share of
that one (``ratio``), a figure that stays put when the whole machine slows down.

Used after the benchmark has written its rows: ``bare_copy("growth_measurement")`` reads the
table's rows (not timed), makes an empty table of the same columns (``LIKE``: no index, no
key), times loading the rows into it, and drops it.

A write that stores rows in several tables for each input row (the family import: the family,
its survey round and its members for the member rows of a file) is judged against the bare load
of all of them: ``bare_copy_all(["families_keluarga", "families_familysurvey",
"families_familymember"], per="families_familymember")`` loads each table in turn the same way
and sums the times; its rate is counted in rows of ``per`` (the input rows), so it compares
with the write's own rows/s.

On PostgreSQL a second, informative figure: ``server_floor`` loads the same rows, the same way,
into copies of the tables *with* their indexes, checks and foreign keys (deferred, checked at
COMMIT, as Django declares them), in one transaction. No import can store its rows faster than
that, whoever sends them: ``floor_line`` prints it as a multiple of the bare load and what the
import's ratio target leaves for everything the client does (reading, checking, matching,
planning) while the server has nothing to do.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

#: Targets as shares of the bare load of the same rows (issue 15 item 6).
IMPORT_RATIO_TARGET = 0.25
RECOMPUTE_RATIO_TARGET = 0.5


@dataclass(frozen=True)
class Reference:
    name: str  # "bare COPY"
    what: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")

    def ratio(self, rows_per_second: float) -> float:
        """``rows_per_second`` as a share of this reference's rate."""
        return rows_per_second / self.rows_per_second

    def line(self) -> str:
        return (
            f"reference, {self.what}: {self.rows:,} rows in {self.seconds:.2f} s = "
            f"{self.rows_per_second:,.0f} rows/s"
        )


def verdict_line(label: str, rows_per_second: float, ref: Reference, target: float) -> str:
    """``PASS: import 0.31x the bare COPY (target >= 0.25x; 4,676 vs 15,083 rows/s)``."""
    ratio = ref.ratio(rows_per_second)
    verdict = "PASS" if ratio >= target else "FAIL"
    return (
        f"{verdict}: {label} {ratio:.2f}x the {ref.name} (target >= "
        f"{target:g}x; {rows_per_second:,.0f} vs {ref.rows_per_second:,.0f} rows/s, same run)"
    )


def _load(table: str, limit: int | None) -> tuple[int, float]:
    """Load ``table``'s rows (its first ``limit`` by primary key) into an unindexed scratch
    table of the same columns, dropped afterwards; return (rows, seconds of the load)."""
    from django.db import connection

    scratch = f"bench_reference_{table}"
    quoted, quoted_scratch = connection.ops.quote_name(table), connection.ops.quote_name(scratch)
    bound = f" ORDER BY id LIMIT {int(limit)}" if limit else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quoted_scratch}")
        cursor.execute(f"SELECT * FROM {quoted}{bound}")  # noqa: S608 - our own table name
        columns = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TABLE {quoted_scratch} (LIKE {quoted})")
            raw = connection.connection  # psycopg 3
            start = time.perf_counter()
            sql = f"COPY {quoted_scratch} ({names}) FROM STDIN"
            with raw.transaction(), raw.cursor() as cur, cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            seconds = time.perf_counter() - start
        else:
            raw = connection.connection  # sqlite3
            raw.execute(f"CREATE TABLE {quoted_scratch} AS SELECT * FROM {quoted} WHERE 0")  # noqa: S608
            marks = ", ".join("?" * len(columns))
            start = time.perf_counter()
            raw.execute("BEGIN")
            sql = f"INSERT INTO {quoted_scratch} ({names}) VALUES ({marks})"  # noqa: S608
            raw.executemany(sql, rows)
            raw.execute("COMMIT")
            seconds = time.perf_counter() - start
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quoted_scratch}")
    return len(rows), seconds


def _name() -> str:
    from django.db import connection

    return "bare COPY" if connection.vendor == "postgresql" else "bare executemany"


def _how() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return "COPY into unindexed tables (PostgreSQL)"
    return "executemany into unindexed tables (SQLite)"


def bare_copy(table: str, *, limit: int | None = None) -> Reference:
    """Time the bare load of ``table``'s rows (its first ``limit`` by primary key) into an
    unindexed table of the same columns, on Django's default connection."""
    from django.db import connection

    rows, seconds = _load(table, limit)
    if connection.vendor == "postgresql":
        what = "bare COPY of the same rows into an unindexed table (PostgreSQL)"
    else:
        what = "bare executemany of the same rows into an unindexed table (SQLite)"
    return Reference(name=_name(), what=what, rows=rows, seconds=seconds)


def server_floor(tables: Sequence[str], *, per: str) -> Reference | None:
    """PostgreSQL only (``None`` on SQLite): time loading every row of each of ``tables`` by
    ``COPY``, as the bare reference does, into copies made ``LIKE ... INCLUDING ALL`` (indexes,
    unique and check constraints) with the real tables' foreign keys (to the real parents,
    deferrable and initially deferred), all in one transaction whose COMMIT (the deferred key
    checks) is timed too. The rate is in rows of ``per``."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    if per not in tables:
        raise ValueError(f"{per!r} is not one of {list(tables)!r}")
    quote = connection.ops.quote_name
    loads = []
    try:
        with connection.cursor() as cursor:
            for table in tables:
                scratch = quote(f"bench_floor_{table}")
                cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - our own table
                columns = ", ".join(quote(c[0]) for c in cursor.description)
                rows = cursor.fetchall()
                cursor.execute(f"CREATE TABLE {scratch} (LIKE {quote(table)} INCLUDING ALL)")
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(
                        f"ALTER TABLE {scratch} ADD CONSTRAINT {quote(name[:50] + '_floor')} "
                        f"{definition}"
                    )
                loads.append((table, scratch, columns, rows))
        raw = connection.connection  # psycopg 3
        start = time.perf_counter()
        with raw.transaction(), raw.cursor() as cur:
            for _table, scratch, columns, rows in loads:
                with cur.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        seconds = time.perf_counter() - start
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(f'bench_floor_{table}')}")
    parts = ", ".join(f"{table} {len(rows):,} rows" for table, _s, _c, rows in loads)
    what = (
        "the server's floor, the same rows by COPY into copies of the tables with their "
        f"indexes, checks and foreign keys, COMMIT included (PostgreSQL): {parts}; counted in "
        f"{per} rows"
    )
    rows = next(len(r) for table, _s, _c, r in loads if table == per)
    return Reference(name="server's floor", what=what, rows=rows, seconds=seconds)


def floor_line(
    seconds: float, cpu_seconds: float, ref: Reference, floor: Reference, target: float
) -> str:
    """What the ratio target leaves the client once the server's own work is done, beside
    what this write took (wall) and what its process spent (CPU), all as multiples of the
    bare load: information for judging the target, not a verdict."""
    allowed = 1 / target
    server = floor.seconds / ref.seconds
    return (
        f"information: the server's floor is {server:.1f}x the {ref.name} ({floor.seconds:.2f} "
        f"s); {target:g}x allows {allowed:.0f}x ({allowed * ref.seconds:.2f} s), leaving "
        f"{allowed - server:.1f}x ({(allowed - server) * ref.seconds:.2f} s) for the client's "
        f"work unless it runs beside the server's; this write took {seconds / ref.seconds:.1f}x "
        f"({seconds:.2f} s), its process's CPU {cpu_seconds / ref.seconds:.1f}x "
        f"({cpu_seconds:.2f} s)"
    )


def bare_copy_all(tables: Sequence[str], *, per: str) -> Reference:
    """Time the bare load of every row of each of ``tables`` (each into its own unindexed
    table, one after the other) and sum the times; the rate is in rows of ``per``, one of
    ``tables``: what a write that stores all of them for its input rows is compared with."""
    if per not in tables:
        raise ValueError(f"{per!r} is not one of {list(tables)!r}")
    loaded = {table: _load(table, None) for table in tables}
    seconds = sum(s for _rows, s in loaded.values())
    parts = ", ".join(f"{table} {rows:,} rows {s:.2f} s" for table, (rows, s) in loaded.items())
    what = f"bare load of everything written, {_how()}: {parts}; counted in {per} rows"
    return Reference(
        name=_name() + " of every table", what=what, rows=loaded[per][0], seconds=seconds
    )
