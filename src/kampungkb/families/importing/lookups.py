"""Rows looked up by many keys in one query: the keys go to the database as one parameter
(a PostgreSQL array, a JSON array on SQLite) instead of one parameter each in queries of 900.

An import looks up tens of thousands of No KK, NIK, rounds and members; Django built each
query of 900 parameters in about 10 ms, and there were hundreds of them.
"""

import json
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models.expressions import RawSQL

KEYS_PER_QUERY = 50_000  # a bounded statement, whatever the file


def keys_in(keys: Iterable, *, kind: str = "text", size: int = KEYS_PER_QUERY) -> Iterator[RawSQL]:
    """``keys`` (str for ``kind`` text, int for bigint) as subqueries to filter with
    ``field__in=``, at most ``size`` keys each (none for no keys)."""
    if kind not in ("text", "bigint"):
        raise ValueError(kind)
    keys = list(keys)
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        if connection.vendor == "postgresql":
            yield RawSQL(f"SELECT unnest(%s::{kind}[])", [chunk])  # noqa: S611 - no user text
        else:
            yield RawSQL("SELECT value FROM json_each(%s)", [json.dumps(chunk)])
