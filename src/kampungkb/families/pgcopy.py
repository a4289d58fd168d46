"""Columns of 64-bit integers moved between PostgreSQL and numpy with no Python object per
value (the label recompute reads and writes hundreds of thousands of rows).

Reading: the server packs the rows into one ``bytea`` (``int8send`` gives a bigint as 8
big-endian bytes, ``string_agg`` joins them), which ``np.frombuffer`` takes as it comes; a
``COPY ... TO STDOUT`` would cost one message, hence several Python calls, per row.

Writing: one binary ``COPY ... FROM STDIN`` whose stream is a numpy structured array. The
binary COPY format is a fixed header, then per row a 16-bit field count and per field a 32-bit
length and the value (big-endian), then a 16-bit -1: with every field a non-NULL ``bigint``,
every row has the same size.
"""

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"  # no flags
TRAILER = b"\xff\xff"


def read_int64(cursor, select: str, width: int, *, ordered: bool = False) -> np.ndarray:
    """The rows of ``select`` (an SQL query with no parameters giving ``width`` integer
    columns, none NULL) as an ``(n, width)`` int64 array; ``ordered``: by the first column.
    ``cursor``: a Django cursor on PostgreSQL."""
    columns = [f"c{i}" for i in range(width)]
    row = " || ".join(f"int8send(CAST(t.{c} AS bigint))" for c in columns)
    order = f" ORDER BY t.{columns[0]}" if ordered else ""
    cursor.cursor.execute(
        f"SELECT string_agg({row}, ''::bytea{order}) "  # noqa: S608
        f"FROM ({select}) AS t({', '.join(columns)})",
    )
    (data,) = cursor.cursor.fetchone()
    if data is None:  # no rows
        return np.zeros((0, width), dtype=np.int64)
    return np.frombuffer(data, dtype=">i8").reshape(-1, width).astype(np.int64)


def write_int64(cursor, table: str, columns: list[str], values: list[np.ndarray]) -> None:
    """Append ``values`` (one int64 array per column, all of one length) to the ``bigint``
    ``columns`` of ``table`` (quoted names) by one binary COPY. ``cursor``: a Django cursor on
    PostgreSQL."""
    width = len(columns)
    fields = [("count", ">i2")]
    for i in range(width):
        fields += [(f"size{i}", ">i4"), (f"value{i}", ">i8")]
    rows = np.empty(values[0].size, dtype=np.dtype(fields))
    rows["count"] = width
    for i, column in enumerate(values):
        rows[f"size{i}"] = 8
        rows[f"value{i}"] = column
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with cursor.cursor.copy(sql) as copy:
        copy.write(HEADER + rows.tobytes() + TRAILER)
