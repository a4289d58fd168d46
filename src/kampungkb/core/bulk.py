"""Rows written in bulk by the fastest path each database has: COPY on PostgreSQL, INSERTs of a
few hundred rows each elsewhere (SQLite: several times faster than one prepared INSERT run
with ``executemany``, which starts and ends a statement for every row).

For the writes the ORM is too slow for (a demo's or a benchmark's hundreds of thousands of raw
measurements, an import's new rows, a recompute's changed rows): values go to the database as
they are, without a model instance or a conversion per value. Each value must therefore already
be what the database driver takes for its column: numbers, strings, ``None``, dates and
``Decimal``; a datetime adapted with ``connection.ops.adapt_datetimefield_value`` (SQLite's
driver would store an aware one with its offset). Table and column names are read from the
model's ``_meta``: no caller writes them into SQL by hand.
"""

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, islice

from django.db import connection, models


def _field(model: type[models.Model], name: str) -> models.Field:
    """The concrete field called ``name`` (its name or its attname: ``child`` or ``child_id``)."""
    opts = model._meta
    for field in opts.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise ValueError(f"{opts.label} has no column for {name!r}")


def column_names(model: type[models.Model], fields: Iterable[str]) -> list[str]:
    """Return the database columns of ``model``'s ``fields`` (names or attnames), in order."""
    return [_field(model, name).column for name in fields]


def bulk_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    into: str = "",
    like: Mapping[str, str] | None = None,
    binary: bool = False,
) -> None:
    """Insert ``rows`` into ``model``'s table, each row the values of ``fields`` in that order.

    ``fields`` are fields of ``model`` (names or attnames). ``into`` names a temporary table to
    fill instead, whose columns are made like those of ``model``'s fields (when it does not
    exist yet on this connection) and which is emptied first; its columns are the fields'
    column names, and a name in ``like`` is a column made like the field it maps to
    (``like={"read_digest": "computed_digest"}``). The rows go to the database on the calling
    thread's connection, inside its current transaction; the driver's errors are raised as
    Django's (``IntegrityError`` for a duplicate key).

    On PostgreSQL this is one COPY, with ``binary`` in binary format: nothing is formatted as
    text and parsed again, but each value must then have its column's Python type exactly (an
    int for an integer, a float for a double). Elsewhere (SQLite), INSERTs of a few hundred
    rows each.
    """
    like = dict(like or {})
    source = [_field(model, like.get(name, name)) for name in fields]
    columns = [
        name if name in like else field.column for name, field in zip(fields, source, strict=True)
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    table = quote(into) if into else quote(model._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if into:
            _temp_table_empty(cursor, model, into, columns, source, postgresql=postgresql)
        if not postgresql:
            head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from _meta
            with connection.wrap_database_errors:  # sqlite3's errors as Django's
                _insert_many(head, len(columns), rows)
            return
        sql = f"COPY {table} ({names}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
        # psycopg's errors as Django's
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            if binary:
                # PostgreSQL type names for the binary format (``varchar(200)`` -> ``varchar``).
                copy.set_types([f.db_type(connection).split("(")[0] for f in source])
            for row in rows:
                copy.write_row(row)


ROWS_PER_INSERT = 500  # rows per INSERT statement on SQLite (within its limit of parameters)


def _rows_per_insert(width: int) -> int:
    """How many rows of ``width`` values one INSERT takes: ROWS_PER_INSERT, or fewer when
    SQLite's limit of parameters in one statement (999 before 3.32) is lower."""
    try:
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):  # not sqlite3, or a Python without getlimit
        limit = connection.features.max_query_params
    return max(1, min(ROWS_PER_INSERT, limit // max(width, 1)))


def _insert_many(head: str, width: int, rows: Iterable[Sequence]) -> None:
    """Run ``head`` (``INSERT INTO t (a, b) VALUES ``) for ``rows`` a few hundred rows per
    statement: SQLite runs a statement of many rows several times faster than the same
    statement once per row (``executemany``), whose every run has its own start and end.
    The statements go to the sqlite3 connection as they are (``?`` placeholders): Django's
    cursor would rewrite each statement's thousands of ``%s`` by a regular expression."""
    per = _rows_per_insert(width)
    one = "(" + ", ".join(["?"] * width) + ")"
    full = head + ", ".join([one] * per)
    raw = connection.connection  # in the caller's transaction: the same connection
    rows = iter(rows)
    while chunk := list(islice(rows, per)):
        sql = full if len(chunk) == per else head + ", ".join([one] * len(chunk))
        raw.execute(sql, list(chain.from_iterable(chunk)))


def _temp_table_empty(cursor, model, name, columns, source, *, postgresql: bool) -> None:
    """Make the temporary table ``name`` with ``columns`` like the ``source`` fields' columns
    of ``model``'s table, unless it exists, and empty it."""
    quote = connection.ops.quote_name
    selected = ", ".join(
        quote(f.column) if f.column == c else f"{quote(f.column)} AS {quote(c)}"
        for c, f in zip(columns, source, strict=True)
    )
    table, into = quote(model._meta.db_table), quote(name)
    if postgresql:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {into} AS SELECT {selected} "  # noqa: S608
            f"FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {into}")
    else:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {into} AS SELECT {selected} "  # noqa: S608
            f"FROM {table} LIMIT 0"
        )
        cursor.execute(f"DELETE FROM {into}")  # noqa: S608


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """Take ``count`` ids from the sequence of ``model``'s primary key, in ascending order, in
    one query (PostgreSQL): rows written by COPY get their ids before they are written, so
    that rows referring to them can be written too."""
    opts = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())
