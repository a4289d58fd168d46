"""Stored rows rewritten by id in bulk, through the fastest path each database has, as the KBM
recompute writes its rows (``growth.kbm.recompute_write``).

Django's ``bulk_update`` sends one ``CASE WHEN id = ... THEN ...`` per field and batch, which
the database evaluates row by row against every branch: its cost grows with the square of the
batch, and a re-import updating 20,000 measurements took many minutes. Here, on PostgreSQL a
binary COPY of (new values..., id) into a temporary table (``core.bulk``) and one
``UPDATE ... FROM`` it joined on id; on SQLite one prepared ``UPDATE ... WHERE id = %s`` run
with ``executemany``. Values are converted as ``bulk_update`` converts them
(``get_db_prep_save`` of each field), so the stored rows are the same.
"""

import zlib
from collections.abc import Sequence

from django.db import connection, models

from kampungkb.core.bulk import bulk_insert, column_names


def _rows(objects: Sequence[models.Model], fields: list[models.Field], *, sqlite: bool):
    """Each object's values of ``fields`` as the database stores them, then its id."""
    preps = [(f.attname, f.get_db_prep_save) for f in fields]
    bools = {i for i, f in enumerate(fields) if isinstance(f, models.BooleanField)}
    for obj in objects:
        row = [prep(getattr(obj, attname), connection) for attname, prep in preps]
        if sqlite:
            # SQLite stores a bool as 1 or 0 anyway; an int binds faster than a bool.
            for i in bools:
                if row[i] is not None:
                    row[i] = int(row[i])
        row.append(obj.pk)
        yield row


def rows_update(model: type[models.Model], objects: Sequence[models.Model], fields) -> None:
    """Write ``fields`` (names, as for ``bulk_update``) of each of ``objects`` (stored rows of
    ``model``) to its row, in one statement (PostgreSQL) or one prepared one (SQLite); on the
    calling thread's connection, inside its current transaction.

    As ``bulk_update``: a related object saved since it was assigned gives its id to the
    foreign key first (a posyandu new in the same import), and ``auto_now`` is not applied:
    the caller sets ``updated_at``."""
    if not objects:
        return
    opts = model._meta
    concrete = [opts.get_field(name) for name in fields]
    if any(not f.concrete or f.many_to_many or f.primary_key for f in concrete):
        raise ValueError("rows_update() can only write concrete fields other than the key")
    if any(obj.pk is None for obj in objects):
        raise ValueError("All rows_update() objects must have a primary key set.")
    if any(f.is_relation for f in concrete):
        for obj in objects:
            obj._prepare_related_fields_for_save(operation_name="rows_update", fields=concrete)
    attnames = [f.attname for f in concrete]
    columns = column_names(model, attnames)
    quote = connection.ops.quote_name
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    sqlite = connection.vendor != "postgresql"
    rows = _rows(objects, concrete, sqlite=sqlite)
    if sqlite:
        assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                rows,
            )
        return
    # One temporary table per set of columns: it lives as long as the connection, and a later
    # update of other columns must not find it with the wrong ones.
    digest = zlib.crc32(",".join((opts.db_table, *columns)).encode())
    into = f"_update_{digest:08x}"
    bulk_insert(model, (*attnames, opts.pk.attname), rows, into=into, binary=True)
    assignments = ", ".join(f"{quote(c)} = r.{quote(c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET {assignments} "  # noqa: S608
            f"FROM {quote(into)} AS r WHERE m.{pk} = r.{pk}"
        )
