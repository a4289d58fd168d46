"""Model instances by the hundred thousand: built fast, looked up in chunks, saved in batches."""

from collections.abc import Iterable
from itertools import chain

from django.db.models.base import ModelState
from django.db.models.sql.constants import MULTI

#: Objects per bulk_create / bulk_update statement.
BATCH_SIZE = 1000
#: Values per IN (...) list of a lookup; well under SQLite's parameter limit.
QUERY_CHUNK = 900


def in_chunks(items: Iterable, size: int = QUERY_CHUNK):
    """Yield ``items`` as lists of at most ``size``, for ``field__in=`` lookups."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class InstanceMaker:
    """Build unsaved model instances fast: what ``Model.__init__`` with positional values does
    (a fresh ``ModelState`` and every concrete field's value, its default computed once, in
    the instance dict), without its per-field ``setattr`` and the init signals, which no
    receiver listens to for these models. Most of the time of a 100,000-row import would
    otherwise go to ``Model.__init__``."""

    def __init__(self, model):
        self.model = model
        fields = model._meta.concrete_fields
        self.attname = {f.attname: f.attname for f in fields}
        self.attname.update({f.name: f.attname for f in fields})
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.plain = frozenset(f.attname for f in fields)
        # Foreign keys by name: (attname, the target's attname), set as the descriptor does.
        self.related = {
            f.name: (f.attname, f.target_field.attname) for f in fields if f.many_to_one
        }

    def __call__(self, values: dict, related: dict):
        obj = self.model.__new__(self.model)
        state = self.defaults.copy()
        if values.keys() <= self.plain:  # every key an attname: one C call
            state.update(values)
        else:
            attname = self.attname
            for key, value in values.items():
                state[attname[key]] = value
        obj.__dict__ = state
        obj._state = ModelState()
        cache = obj._state.fields_cache
        for key, value in related.items():
            # What the foreign key's descriptor does for a model instance (or None) of the
            # right class, without its checks and per-call lookups: the id (None while the
            # related object is unsaved) and the object itself, cached.
            attname, target = self.related[key]
            obj.__dict__[attname] = None if value is None else getattr(value, target)
            cache[key] = value
        return obj


def stored_instances(queryset, *, defer: Iterable[str] = ()):
    """Yield the rows of ``queryset`` as model instances, as ``Model.from_db`` makes them
    (every concrete field's value, converted from the database as any query converts it, and
    the state of a stored row) without ``Model.__init__``: an import reads the stored
    measurements of every child it touches, and building them took longer than the query.

    The fields named in ``defer`` are not read: deferred, as ``QuerySet.defer`` leaves them
    (read from the database, one query per instance, only if someone asks for them)."""
    model = queryset.model
    deferred = {model._meta.get_field(name).attname for name in defer}
    attnames = [f.attname for f in model._meta.concrete_fields if f.attname not in deferred]
    db = queryset.db
    new = model.__new__
    for values in converted_rows(queryset.values_list(*attnames)):
        obj = new(model)
        obj.__dict__.update(zip(attnames, values, strict=True))
        state = obj._state = ModelState()
        state.adding = False
        state.db = db
        yield obj


def converted_rows(queryset) -> Iterable[tuple]:
    """The rows of a ``values_list`` queryset, converted from the database as iterating it
    converts them (its compiler's converters), but each distinct database value converted
    once per column instead of once per row: a re-import reads the stored measurements of
    every child it touches, and converting their dates, weights, flags and times value by
    value took longer than the query. The converters are functions of the value alone (and
    the column and connection), so the values are the same."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    results = compiler.execute_sql(MULTI)
    if results is None:
        return []
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = compiler.get_converters(fields)
    rows = list(chain.from_iterable(results))
    if not rows or not converters:
        return rows
    columns = list(zip(*rows, strict=True))
    connection = compiler.connection
    for pos, (functions, expression) in converters.items():
        # Keyed by class and value (1, 1.0 and True are equal but may convert differently);
        # each key is looked up as the very object it was stored as, so a NaN finds itself.
        keys = list(zip(map(type, columns[pos]), columns[pos], strict=True))
        try:
            distinct = dict.fromkeys(keys)
        except TypeError:  # an unhashable value (a JSON object): each one converted
            distinct = None
        if distinct is None:
            columns[pos] = [_convert(v, functions, expression, connection) for _t, v in keys]
            continue
        converted = {k: _convert(k[1], functions, expression, connection) for k in distinct}
        columns[pos] = list(map(converted.__getitem__, keys))
    return zip(*columns, strict=True)


def _convert(value, functions, expression, connection):
    for function in functions:
        value = function(value, expression, connection)
    return value
