"""An import's plan written in bulk, inside the import's transaction: new places, new children,
the fills of stored children, the import batch, new measurements, then the updated and
recomputed ones.

Updated and recomputed measurements and the fills of stored children are rewritten by id with
:func:`~kampungkb.growth.importing.update_write.rows_update` (``bulk_update`` grows with the
square of the rows: a monthly re-import updating thousands of rows took minutes).

New children and measurements go in with ``core.bulk`` (COPY) on PostgreSQL, new children with
ids taken from their sequence first, since their measurements refer to them; elsewhere with
``bulk_create``, which also gives each new child its id and converts every value as Django
does. On SQLite the new measurements' values are converted by :func:`rows_prepare` before the
write transaction (the ORM takes seconds for 20,000 rows, and every other writer would wait
them out), and only the ids known once written (child, posyandu, batch) are filled in then.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from django.db import connection, models
from django.utils import timezone

from kampungkb.core.audit import audit_records_bulk
from kampungkb.core.bulk import bulk_insert, next_ids
from kampungkb.core.models import AuditAction
from kampungkb.core.scoping import covered_kode
from kampungkb.growth.compute import COMPUTED_FIELDS
from kampungkb.growth.importing.instances import BATCH_SIZE
from kampungkb.growth.importing.matching import ChildMatcher
from kampungkb.growth.importing.new_rows import ATTNAMES, WRITE_TIME, NewRows
from kampungkb.growth.importing.planning import ImportPlan
from kampungkb.growth.importing.rows import MEASUREMENT_COLUMNS
from kampungkb.growth.importing.update_write import (
    bools_as_ints,
    converted_column,
    rows_update,
)
from kampungkb.growth.models import Child, ImportBatch, Measurement

# Child fields an import fills when the stored child has them empty (never overwrites).
CHILD_FILL_FIELDS = (
    "nik", "berat_lahir", "panjang_lahir", "posyandu", "punya_buku_kia", "rt", "rw", "alamat",
)  # fmt: skip
RAW_FIELDS = ("posyandu", *MEASUREMENT_COLUMNS)
#: What an update writes of a measurement the file changed.
UPDATE_FIELDS = (
    *RAW_FIELDS, *COMPUTED_FIELDS, "needs_check", "check_reasons", "import_batch", "updated_at",
)  # fmt: skip


@dataclass
class PreparedRows:
    """The database values of the new children (rows, in ``child_attnames`` order) and of
    the new measurements (columns by attname, but those of ``new_rows.WRITE_TIME``),
    converted ahead of the write; the ids known only then are filled in by it."""

    child_attnames: list[str]
    child_rows: list[list]
    columns: dict[str, list]


def _converted(model, objects) -> tuple[list[str], list[list]]:
    """The objects' values of ``model``'s concrete fields (but the key) as ``bulk_create``
    sends them (``get_db_prep_save``), a row per object; ``created_at`` and ``updated_at``
    set to now first.

    Column by column: a column whose values the field stores as they are (``update_write``'s
    table) is taken as it is, and in the others each distinct value is converted once (every
    row has the same two times, and dates and weights repeat): converting 100,000 rows of 60
    values one call each was most of an import's time on SQLite."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for obj in objects:
        obj.created_at = obj.updated_at = now
    if not objects:
        return [f.attname for f in fields], []
    columns = list(zip(*_values(objects, [f.attname for f in fields]), strict=True))
    columns = [converted_column(c, f, connection) for c, f in zip(columns, fields, strict=True)]
    return [f.attname for f in fields], [list(row) for row in zip(*columns, strict=True)]


def _values(objects, attnames: list[str]):
    """Each object's values of ``attnames``, a tuple each: read from the instance dict (a
    dict lookup a value, not an attribute lookup through the class), or through the
    attributes for an object missing one there (a deferred field, read as Django reads it)."""
    from_dict, from_attributes = itemgetter(*attnames), attrgetter(*attnames)
    for obj in objects:
        try:
            yield from_dict(obj.__dict__)
        except KeyError:
            yield from_attributes(obj)


_FIELDS = {f.attname: f for f in Measurement._meta.concrete_fields}


_FLAGS = frozenset(name for name, f in _FIELDS.items() if isinstance(f, models.BooleanField))


def _converted_columns(columns: dict[str, list]) -> dict[str, list]:
    """The new measurements' columns as ``bulk_create`` would send them (SQLite): each
    distinct value converted once where its field does not store it as it is, and flags
    as the 1 and 0 SQLite stores for them (bound faster than bools)."""
    out = {}
    for name, values in columns.items():
        values = converted_column(values, _FIELDS[name], connection)
        out[name] = bools_as_ints(values) if name in _FLAGS else values
    return out


def rows_prepare(plan: ImportPlan, matched: ChildMatcher) -> PreparedRows | None:
    """Convert the new children's and measurements' values for the database now, outside the
    write transaction (SQLite; None elsewhere: COPY converts little and fast)."""
    if connection.vendor == "postgresql":
        return None
    child_attnames, child_rows = _converted(Child, [s.child for s in matched.slots if s.is_new])
    columns = {k: v for k, v in plan.new.columns.items() if k not in WRITE_TIME}
    return PreparedRows(child_attnames, child_rows, _converted_columns(columns))


def import_write(
    plan: ImportPlan,
    matched: ChildMatcher,
    *,
    user,
    counts: dict[str, int],
    file_name: str,
    sha256: str,
    progress: Callable[[str], None],
    prepared: PreparedRows | None = None,
) -> ImportBatch:
    """Write ``plan`` and return the ``ImportBatch`` recorded with ``counts``; ``progress`` is
    called with the name of each step once it is written. ``prepared``: the new measurements'
    values from :func:`rows_prepare` (SQLite), else they are converted here."""
    matched.places.save()
    progress("places")
    new_children = [s.child for s in matched.slots if s.is_new]
    if prepared is not None:
        _insert_prepared_children(new_children, prepared)
    else:
        _insert_children(new_children)
    fills = []
    for slot in matched.slots:
        if slot.fills and not slot.is_new:
            before = {k: _stored(slot.child, k) for k in slot.fills}
            for key, value in slot.fills.items():
                setattr(slot.child, key, value)
            fills.append((slot.child, {k: [before[k], _stored(slot.child, k)] for k in before}))
    if plan.children_to_update:
        now = timezone.now()
        for c in plan.children_to_update:
            c.updated_at = now
        rows_update(Child, plan.children_to_update, [*CHILD_FILL_FIELDS, "updated_at"])
    progress("children")
    batch = ImportBatch.objects.create(
        file_name=file_name[:255],
        sha256=sha256,
        imported_by=user if getattr(user, "pk", None) else None,
        wilayah_kode=("" if user is None else covered_kode(user)) or "",
        **{k: v for k, v in counts.items() if hasattr(ImportBatch, k)},
    )
    now = timezone.now()
    for m in plan.to_update:
        _batch_set(m, batch)
        m.updated_at = now
    _insert_new(plan.new, prepared, batch)
    progress("measurements")
    rows_update(Measurement, plan.to_update, UPDATE_FIELDS)
    rows_update(Measurement, plan.to_recompute, COMPUTED_FIELDS)
    progress("recomputed")
    _audit_updates(plan, fills, user=user, batch=batch)
    return batch


def _batch_set(m: Measurement, batch: ImportBatch) -> None:
    """``m.import_batch = batch`` as the foreign key's descriptor does it (the id, the batch
    cached), without its checks: it runs for every row of the file."""
    m.__dict__["import_batch_id"] = batch.pk
    m._state.fields_cache["import_batch"] = batch


def _stored(obj, key: str):
    """The value of ``key`` as stored: a foreign key as its id."""
    return obj.posyandu_id if key == "posyandu" else getattr(obj, key)


def _audit_updates(plan: ImportPlan, fills: list, *, user, batch: ImportBatch) -> None:
    """One UPDATE entry per measurement the file changed and per child whose empty fields it
    filled, each with ``{field: [old, new]}`` (NIKs masked by the audit trail), in bulk; a
    measurement's entry names the import that changed it (``import_batch``)."""

    def items():
        for m, changes in zip(plan.to_update, plan.update_changes, strict=True):
            if "posyandu" in changes:
                changes["posyandu"] = [changes["posyandu"][0], m.posyandu_id]
            changes["import_batch"] = [changes["import_batch"], batch.pk]
            yield m, m.child.desa_id, changes
        for child, changes in fills:
            yield child, child.desa_id, changes

    audit_records_bulk(actor=user, action=AuditAction.UPDATE, items=items())


def _insert_children(children: list[Child]) -> None:
    """bulk_create, or on PostgreSQL COPY with ids taken from the table's sequence in one
    query; either way each child has its id afterwards (its measurements refer to it)."""
    if connection.vendor != "postgresql" or not children:
        Child.objects.bulk_create(children, batch_size=BATCH_SIZE)
        return
    now = timezone.now()
    attnames = [f.attname for f in Child._meta.concrete_fields]
    ids = next_ids(Child, len(children))  # in file order, as bulk_create
    alias = connection.alias  # read once: the proxy looks the connection up on each read

    def rows():
        for child, pk in zip(children, ids, strict=True):
            state = child.__dict__
            # The key, and the id of the posyandu saved just before (as bulk_create does),
            # set as their descriptors set them: a new id drops the cached posyandu.
            state["id"] = pk
            cache = child._state.fields_cache
            posyandu = cache.get("posyandu")
            if state["posyandu_id"] is None and posyandu is not None:
                del cache["posyandu"]
                state["posyandu_id"] = posyandu.pk
            state["created_at"] = state["updated_at"] = now
            child._state.adding = False
            child._state.db = alias
            yield child

    # Binary: nothing formatted as text and parsed again (a third of the time of text).
    bulk_insert(Child, attnames, _values(rows(), attnames), binary=True)


def _posyandu_fill(obj, row: list, at: int) -> None:
    """A posyandu new in this import has its id only now (saved just before)."""
    posyandu = obj._state.fields_cache.get("posyandu")
    if row[at] is None and posyandu is not None:
        row[at] = obj.posyandu_id = posyandu.pk


def _insert_prepared_children(children: list[Child], prepared: PreparedRows) -> None:
    """Insert the prepared children with one prepared INSERT and give each its id.

    Inside the write transaction SQLite's write lock is ours, so the rows get consecutive
    ids ending at ``last_insert_rowid()``; counted again to be sure."""
    if not children:
        return
    at = prepared.child_attnames.index("posyandu_id")
    for child, row in zip(children, prepared.child_rows, strict=True):
        _posyandu_fill(child, row, at)
    bulk_insert(Child, prepared.child_attnames, prepared.child_rows)
    table = connection.ops.quote_name(Child._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        first = last - len(children) + 1
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE id BETWEEN %s AND %s",  # noqa: S608
            [first, last],
        )
        if cursor.fetchone()[0] != len(children):
            raise RuntimeError("the new children's ids are not consecutive")
    for pk, child in enumerate(children, start=first):
        child.pk = pk
        child._state.adding = False
        child._state.db = connection.alias


def _insert_new(new: NewRows, prepared: PreparedRows | None, batch: ImportBatch) -> None:
    """Insert the new measurements from their columns: COPY on PostgreSQL (binary: each value
    has its column's Python type already), INSERTs of a few hundred rows elsewhere, their
    values converted by :func:`rows_prepare` before the write transaction. Nothing refers to
    their ids afterwards."""
    if not len(new):
        return
    columns = new.write_columns(batch_id=batch.pk, now=timezone.now())
    postgresql = connection.vendor == "postgresql"
    if not postgresql:
        written = {name: columns[name] for name in WRITE_TIME}
        if prepared is None:  # not converted ahead: all of them now
            written = columns
        columns = {**(prepared.columns if prepared else {}), **_converted_columns(written)}
    rows = zip(*map(columns.get, ATTNAMES), strict=True)
    bulk_insert(Measurement, ATTNAMES, rows, binary=postgresql)
