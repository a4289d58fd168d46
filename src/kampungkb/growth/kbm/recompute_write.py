"""One chunk of the recompute, written back: the rows whose computed values changed, and the
rows where only the KBM table did, through the fastest path each database has.

On SQLite, ``executemany`` of one prepared UPDATE; on PostgreSQL, a binary COPY into a
temporary table (``core.bulk``) and one ``UPDATE ... FROM`` it. Either way a row is written only
if it still has the digest it was read with, so a recompute never overwrites what an edit
computed for the row in the meantime.
"""

from collections.abc import Sequence

from django.db import connection

from kampungkb.core.bulk import bulk_insert, column_names
from kampungkb.growth.kbm.recompute_rows import READ_DIGEST, WRITE_COLUMNS
from kampungkb.growth.models import Measurement


def _write_sqlite(
    cursor, rows: list[tuple], relabel: list[tuple], table_id, now, _children
) -> tuple[int, int]:
    # The two per-chunk constants are written into the statement (an int, and a timestamp
    # the backend itself formatted): fewer parameters to bind per row is most of the speed.
    constants = f"kbm_table_id = {int(table_id) if table_id is not None else 'NULL'}, "
    constants += f"computed_at = '{now}'"
    table = connection.ops.quote_name(Measurement._meta.db_table)
    written = relabelled = 0
    if rows:
        assignments = ", ".join(f"{c} = %s" for c in column_names(Measurement, WRITE_COLUMNS))
        cursor.executemany(
            f"UPDATE {table} SET {assignments}, {constants} "  # noqa: S608
            "WHERE id = %s AND computed_digest IS %s",
            rows,
        )
        written = cursor.rowcount
    if relabel:
        cursor.executemany(
            f"UPDATE {table} SET {constants} "  # noqa: S608
            "WHERE id = %s AND computed_digest IS %s",
            relabel,
        )
        relabelled = cursor.rowcount
    return written, relabelled


def _write_postgresql(
    cursor, rows: list[tuple], relabel: list[tuple], table_id, now, children: tuple[int, int]
) -> tuple[int, int]:
    # COPY into a temporary table, then one UPDATE joined on id. The temporary table is not
    # analysed (that cost a fifth of the write): the planner sizes a never-analysed table by
    # its pages, which is enough for it to hash the chunk and join it in one pass. The
    # chunk's range of children lets it read only their rows (by the (child, tanggal) index)
    # instead of the whole table on every chunk.
    table = connection.ops.quote_name(Measurement._meta.db_table)
    like = {READ_DIGEST: "computed_digest"}
    written = relabelled = 0
    guard = f"m.computed_digest IS NOT DISTINCT FROM r.{READ_DIGEST}"
    if rows:
        columns = (*WRITE_COLUMNS, "id", READ_DIGEST)
        bulk_insert(Measurement, columns, rows, into="_recompute", like=like, binary=True)
        assignments = ", ".join(f"{c} = r.{c}" for c in column_names(Measurement, WRITE_COLUMNS))
        cursor.execute(
            f"UPDATE {table} AS m SET {assignments}, kbm_table_id = %s, "  # noqa: S608
            "computed_at = %s FROM _recompute AS r "
            f"WHERE m.id = r.id AND m.child_id BETWEEN %s AND %s AND {guard}",
            [table_id, now, *children],
        )
        written = cursor.rowcount
    if relabel:
        bulk_insert(
            Measurement, ("id", READ_DIGEST), relabel, into="_relabel", like=like, binary=True
        )
        cursor.execute(
            f"UPDATE {table} AS m SET kbm_table_id = %s, computed_at = %s "  # noqa: S608
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
