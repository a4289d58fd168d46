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
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from kampungkb.core.bulk import bulk_insert, column_names

# Values that ``get_db_prep_save`` returns as they are, by the field's exact class and the
# value's exact class (numpy's floats and bools, Decimals in a float column... still go
# through it): converting 20,000 rows of 45 values a call each was most of an update's time.
_AS_IS: dict[type[models.Field], frozenset[type]] = {
    models.FloatField: frozenset({float}),
    models.BooleanField: frozenset({bool}),
    models.IntegerField: frozenset({int}),
    models.SmallIntegerField: frozenset({int}),
    models.BigIntegerField: frozenset({int}),
    models.CharField: frozenset({str}),
}
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.BigIntegerField, models.IntegerField)
# Fields whose ``get_db_prep_save`` gives None for None when they are nullable.
_NULL_AS_IS = (*_AS_IS, models.DecimalField, models.ForeignKey)


def as_is(field: models.Field) -> frozenset[type]:
    """The classes of the values ``field`` stores without converting them (a foreign key to
    an integer key: the int ids)."""
    kinds = _AS_IS.get(type(field), frozenset())
    if type(field) is models.ForeignKey and isinstance(field.target_field, _INTEGER_KEYS):
        kinds = frozenset({int})
    if field.null and type(field) in _NULL_AS_IS:
        kinds |= {type(None)}
    return kinds


def converted_column(column: Sequence, field: models.Field, db) -> Sequence:
    """``column``'s values as ``field.get_db_prep_save`` gives them: as they are when the field
    stores them so, else converted once per distinct object (a write puts the same time and
    batch into every row, and an import's equal cells share one parsed value).

    Objects are told apart by identity, never by equality (Decimal 10.2 and 10.20 are equal
    but written differently); ``column`` keeps them alive meanwhile, so an id is never reused.
    """
    kinds = as_is(field)
    if set(map(type, column)) <= kinds:  # most columns: one C pass, no Python step a value
        return column
    # Each distinct object once (by id, in C), then every value looked up by its id (in C):
    # the Python work is per distinct value, not per row.
    prep = field.get_db_prep_save
    distinct = dict(zip(map(id, column), column, strict=True))
    stored = {
        key: value if value.__class__ in kinds else prep(value, db)
        for key, value in distinct.items()
    }
    return list(map(stored.__getitem__, map(id, column)))


#: A flag as SQLite stores it (1 or 0 either way): an int binds more than twice as fast as a
#: bool, which goes through the adapter lookup first.
_AS_INT = {True: 1, False: 0, None: None}.__getitem__


def bools_as_ints(column: Sequence) -> list:
    """A column of bools (or None) as the ints SQLite stores for them, in one C pass."""
    return list(map(_AS_INT, column))


def _rows(objects: Sequence[models.Model], fields: list[models.Field], *, sqlite: bool):
    """Each object's values of ``fields`` as the database stores them, then its id."""
    db = connections[DEFAULT_DB_ALIAS]
    read = attrgetter(*(f.attname for f in fields), "pk")
    columns = list(zip(*map(read, objects), strict=True))
    for i, field in enumerate(fields):
        column = converted_column(columns[i], field, db)
        if sqlite and isinstance(field, models.BooleanField):
            column = bools_as_ints(column)
        columns[i] = column
    return zip(*columns, strict=True)


def _related_ids_fill(objects: Sequence[models.Model], relations: list[models.Field]) -> None:
    """What ``bulk_update`` does first (``Model._prepare_related_fields_for_save``), for
    ``relations`` only: a related object saved since it was assigned gives its id to the
    foreign key; an unsaved one is refused."""
    for field in relations:
        name, attname, target = field.name, field.attname, field.target_field.attname
        cache_name, empty = field.cache_name, field.empty_values
        ids: dict[int, object] = {}  # by id() of a related object: its id, looked up once
        for obj in objects:
            related = obj._state.fields_cache.get(cache_name)
            if not related:
                continue
            key = id(related)  # ``objects`` keep every related object alive meanwhile
            pk = ids.get(key, _UNSET)
            if pk is _UNSET:
                if not related._is_pk_set():
                    raise ValueError(
                        "rows_update() prohibited to prevent data loss due to unsaved "
                        f"related object '{name}'."
                    )
                pk = ids[key] = getattr(related, target)
            # The foreign key's value from the instance dict (through the attribute only
            # when it is not there: deferred); an int id is never one of the empty values.
            value = obj.__dict__.get(attname, _UNSET)
            if value is _UNSET:
                value = getattr(obj, attname)
            if value.__class__ is not int and value in empty:
                setattr(obj, name, related)
                value = getattr(obj, attname)
            if pk != value:
                field.delete_cached_value(obj)


_UNSET = object()


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
    _related_ids_fill(objects, [f for f in concrete if f.is_relation])
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
