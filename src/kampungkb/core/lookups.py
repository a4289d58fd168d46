"""Rows looked up by many values in one query: the values go to the database as one parameter
(a PostgreSQL array, a JSON array on SQLite) instead of one parameter each in queries of 900.

The imports look up tens of thousands of NIKs, No KK, match keys, dates and ids; Django built
each ``field__in`` query of 900 parameters in about as long as the database ran it (~10 ms),
and there were hundreds of them.
"""

import json
import re
from collections.abc import Iterable, Iterator

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

#: Values per array parameter: a bounded statement, whatever the file.
KEYS_PER_QUERY = 50_000
#: A column type as Django's fields name it (``text``, ``bigint``, ``varchar(16)``, ``date``):
#: it is written into the SQL, so nothing else passes.
_SQL_TYPE = re.compile(r"[a-z][a-z0-9_ ]*(\(\d+(, ?\d+)?\))?", re.IGNORECASE)


def keys_in(
    keys: Iterable, *, kind: str = "text", size: int = KEYS_PER_QUERY, using: str = "default"
) -> Iterator[RawSQL]:
    """``keys`` (of the SQL type ``kind``: str for text, int for bigint; on SQLite, values
    JSON can carry) as subqueries to filter with ``field__in=``, at most ``size`` keys each
    (none for no keys)."""
    if not _SQL_TYPE.fullmatch(kind):
        raise ValueError(kind)
    keys = list(keys)
    postgres = connections[using].vendor == "postgresql"
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        if postgres:
            array = _array_text(chunk)
            yield RawSQL(  # noqa: S611 - checked type
                f"SELECT unnest(%s::{kind}[])", [chunk if array is None else array]
            )
        else:
            yield RawSQL("SELECT value FROM json_each(%s)", [json.dumps(chunk)])


def _array_text(values: list) -> str | None:
    """``values`` in PostgreSQL's text form of an array (``{1,2}``, ``{"a","b \\"c\\""}``)
    when all are ints or all are strings, else ``None``: psycopg dumps a list parameter
    element by element in Python (about 0.1 s for 45,000 No KK), one string in C."""
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    if all(type(v) is str for v in values):
        quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
        return '{"' + '","'.join(quoted) + '"}'
    return None


def filtered_in(
    queryset: QuerySet, field: str, values: Iterable, *, size: int = KEYS_PER_QUERY
) -> Iterator[QuerySet]:
    """Yield ``queryset`` narrowed to the rows whose ``field`` is one of ``values``, in
    queries of at most ``size`` values each sent as one parameter (:func:`keys_in`, of the
    field's column type; on SQLite dates and other values as the column stores them)."""
    connection = connections[queryset.db]
    target = queryset.model._meta.get_field(field)
    if target.is_relation:
        target = target.target_field
    values = list(values)
    if connection.vendor != "postgresql":
        prep = target.get_db_prep_value
        values = [v if isinstance(v, int | str) else prep(v, connection) for v in values]
    kind = target.cast_db_type(connection)
    for subquery in keys_in(values, kind=kind, size=size, using=queryset.db):
        yield queryset.filter(**{f"{field}__in": subquery})
