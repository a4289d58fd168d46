"""What an import will write, computed: the measurements to create, to update and to
recompute, and the children whose empty fields the file fills.

A measurement of a matched child on a date already stored updates that measurement when its
values differ. Growth codes depend on the whole series of a child, so every touched child's
series is recomputed: z-scores and growth codes each in one vectorised call over all of them.
Where the file carries its own z-scores, those that differ from ours are warned about.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.lookups import filtered_in
from kampungkb.growth import plausibility
from kampungkb.growth.compute import (
    COMPUTED_FIELDS,
    apply_anthro,
    apply_digests,
    apply_growth_codes,
)
from kampungkb.growth.importing.instances import InstanceMaker, stored_instances
from kampungkb.growth.importing.matching import ChildMatcher, ChildSlot
from kampungkb.growth.importing.parse import Table
from kampungkb.growth.importing.rows import MEASUREMENT_COLUMNS, ZSCORE_COLUMNS, Row
from kampungkb.growth.models import Child, Measurement, MeasurementSource

#: What the plan computes again for every stored measurement of a child the file touches,
#: before anything reads it: not read from the database (a third of a re-import's reading).
#: The file's z-scores are compared with the stored ones of the rows it leaves unchanged.
RECOMPUTED = tuple(f for f in COMPUTED_FIELDS if f not in {"zlen", "zwei", "zwfl"})

#: How far the file's z-score may be from ours before it is warned about.
Z_TOLERANCE = 0.1


#: Rows whose measurements are built and computed at a time. A dry run keeps only what it
#: counts and warns about, so a 200,000-row file never holds 200,000 Measurement instances.
CHUNK_ROWS = 10_000


@dataclass
class ImportPlan:
    """The writes of an import, every measurement in them computed.

    The lists are kept only for writing (``keep``); the counts are there either way.
    """

    to_create: list[Measurement] = field(default_factory=list)
    to_update: list[Measurement] = field(default_factory=list)
    # For each of to_update, in order: {field: [stored, new]} of the values the file changes
    # (what the audit trail keeps of the update).
    update_changes: list[dict] = field(default_factory=list)
    # Stored measurements of a touched child that the file does not name: only recomputed.
    to_recompute: list[Measurement] = field(default_factory=list)
    children_to_update: list[Child] = field(default_factory=list)
    n_created: int = 0
    n_updated: int = 0
    n_unchanged: int = 0
    warnings: list[dict] = field(default_factory=list)


def _chunks(slots: list[ChildSlot], size: int):
    chunk, rows = [], 0
    for slot in slots:
        chunk.append(slot)
        rows += len(slot.rows)
        if rows >= size:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def import_plan(
    matched: ChildMatcher,
    *,
    table: Table,
    kbm,
    user,
    keep: bool = True,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportPlan:
    """Plan the writes of the matched rows, computed with ``kbm`` (a (KBMTable, KBMRule)
    pair); ``user`` is recorded as who measured the new measurements. ``keep=False`` (a dry
    run) counts and warns without keeping the measurements. Children are planned about
    ``chunk_rows`` rows at a time, each with its whole series."""
    plan = ImportPlan()
    now = timezone.now()
    for slots in _chunks(matched.slots, chunk_rows):
        chunk = _plan_chunk(slots, matched, table=table, kbm=kbm, user=user, now=now)
        plan.n_created += len(chunk.to_create)
        plan.n_updated += len(chunk.to_update)
        plan.n_unchanged += chunk.n_unchanged
        plan.children_to_update.extend(chunk.children_to_update)
        plan.warnings.extend(chunk.warnings)
        if keep:
            plan.to_create.extend(chunk.to_create)
            plan.to_update.extend(chunk.to_update)
            plan.update_changes.extend(chunk.update_changes)  # one per measurement updated
            plan.to_recompute.extend(chunk.to_recompute)
    return plan


def _plan_chunk(
    slots: list[ChildSlot], matched: ChildMatcher, *, table: Table, kbm, user, now
) -> ImportPlan:
    plan = ImportPlan()
    columns = table.columns
    present = [f for f, key in MEASUREMENT_COLUMNS.items() if key in columns]
    has_posyandu = "posyandu" in columns
    places = matched.places
    stored: dict[int, dict] = {}
    existing_ids = [s.child.pk for s in slots if not s.is_new]
    for found in filtered_in(Measurement.objects.all(), "child_id", existing_ids):
        for m in stored_instances(found, defer=RECOMPUTED):
            # The child as its foreign key's descriptor would cache it (same id), unchecked.
            m._state.fields_cache["child"] = matched.slot_of_child[m.child_id].child
            stored.setdefault(m.child_id, {})[m.tanggal] = m
    make_measurement = InstanceMaker(Measurement)
    series_of: dict[int, list[Measurement]] = {}
    row_measurement: list[tuple[Row, Measurement]] = []
    user_id = getattr(user, "pk", None)
    for n, slot in enumerate(slots):
        child = slot.child
        by_date = stored.get(child.pk, {}) if not slot.is_new else {}
        touched = slot.is_new
        mine: list[Measurement] = []
        empty = () if slot.is_new else _empty_fields(child)  # the same for all its rows
        for row in slot.rows:
            posyandu = places.posyandu_for(row)
            m = by_date.get(row.tanggal)
            values = {f: getattr(row, f) for f in present}
            if has_posyandu and posyandu is not None:
                values["posyandu"] = posyandu
            if m is None:
                related = {"child": child}
                if "posyandu" in values:
                    related["posyandu"] = values.pop("posyandu")
                values.update(
                    tanggal=row.tanggal, sumber=MeasurementSource.IMPORT, recorded_by_id=user_id
                )
                m = make_measurement(values, related)
                plan.to_create.append(m)
                touched = True
            elif _differs(m, values):
                plan.update_changes.append(_changes(m, values))
                for key, value in values.items():
                    setattr(m, key, value)
                plan.to_update.append(m)
                touched = True
            else:
                plan.n_unchanged += 1
            mine.append(m)
            row_measurement.append((row, m))
            _plan_fills(slot, row, posyandu, empty)
        if slot.fills and not slot.is_new:
            plan.children_to_update.append(child)
        if touched:
            in_file = {id(m) for m in mine}
            others = [m for m in by_date.values() if id(m) not in in_file]
            plan.to_recompute.extend(others)
            series_of[n] = sorted(mine + others, key=lambda m: m.tanggal)
    _compute(series_of, kbm, now, written={id(m) for m in (*plan.to_create, *plan.to_update)})
    plan.warnings = _zscore_warnings(row_measurement, table)
    return plan


def _differs(m: Measurement, values: dict) -> bool:
    for key, value in values.items():
        if key == "posyandu":
            if value.pk is None or m.posyandu_id != value.pk:
                return True
        elif getattr(m, key) != value:
            return True
    return False


def _changes(m: Measurement, values: dict) -> dict[str, list]:
    """``{field: [stored, new]}`` of the values that differ; the posyandu as the stored id
    and the new posyandu itself (a new one has its id only once written); ``import_batch``
    the stored batch only (the new one is made when the plan is written)."""
    out: dict = {"import_batch": m.import_batch_id}
    for key, value in values.items():
        if key == "posyandu":
            if value.pk is None or m.posyandu_id != value.pk:
                out[key] = [m.posyandu_id, value]
        else:
            old = getattr(m, key)
            if old != value:
                out[key] = [old, value]
    return out


def _plan_fills(slot: ChildSlot, row: Row, posyandu, empty: tuple[str, ...]) -> None:
    """Note the child fields the row fills where the stored child has them empty (``empty``,
    of :func:`_empty_fields`: an import never overwrites them); a new child takes the
    posyandu of its first row that names one."""
    child = slot.child
    if slot.is_new:
        # ``child.posyandu is None`` without the descriptor (a call per row): a new child's
        # posyandu is only ever set here, and cached.
        cache = child._state.fields_cache
        if posyandu is not None and cache.get("posyandu") is None:
            # What the foreign key's descriptor does (the id, None while the posyandu is
            # unsaved, and the posyandu cached), without its checks.
            child.__dict__["posyandu_id"] = posyandu.pk
            cache["posyandu"] = posyandu
        return
    for key in empty:  # the stored child's empty fields, in the order of ``FILLED``
        if key not in slot.fills:
            value = posyandu if key == "posyandu" else getattr(row, key)
            if value not in (None, ""):
                slot.fills[key] = value


#: The fields of a stored child that a row fills where they are empty, in this order.
FILLED = ("berat_lahir", "panjang_lahir", "posyandu", "punya_buku_kia", "rt", "rw", "alamat")


def _empty_fields(child: Child) -> tuple[str, ...]:
    """Which of ``FILLED`` the stored ``child`` has empty (None or blank)."""
    return tuple(
        key
        for key in FILLED
        if (child.posyandu_id if key == "posyandu" else getattr(child, key)) in (None, "")
    )


def _compute(series_of: dict[int, list[Measurement]], kbm, now, *, written: set[int]) -> None:
    everything = [m for series in series_of.values() for m in series]
    columns = apply_anthro(everything)
    # The file's new and changed values that the plausibility rules question are written
    # marked "needs checking" (no one is there to confirm them), and then give no status.
    numbers = [n for n, series in enumerate(series_of.values()) for _m in series]
    targets_of = [id(m) in written for m in everything]
    clear = plausibility.series_clear(numbers, targets_of, columns).tolist()
    for n, series in enumerate(series_of.values()):
        if clear[n]:  # what check_series would find: nothing
            for m in series:
                if id(m) in written:
                    m.needs_check, m.check_reasons = False, ""
            continue
        targets = {i for i, m in enumerate(series) if id(m) in written}
        found = plausibility.check_series(series, targets)
        for i in targets:
            m = series[i]
            m.needs_check = i in found
            m.check_reasons = plausibility.reason_codes(found.get(i, []))
    # The statuses were computed with the mark each measurement had: again for those whose
    # mark the rules changed (questioned now, or a stored questioned value the file corrects).
    marked = zip(everything, columns.get("needs_check", ()), targets_of, strict=True)
    apply_anthro([m for m, before, target in marked if target and m.needs_check != before])
    table, rule = kbm
    apply_growth_codes(everything, table=table, rule=rule, series=numbers)
    apply_digests(everything)
    for m in everything:
        m.computed_at = now


def _zscore_warnings(row_measurement: list[tuple[Row, Measurement]], table: Table) -> list[dict]:
    warnings = []
    for row, m in row_measurement:
        if not row.zscores:  # the file gives no z-score for this row (most files none)
            continue
        for key, z_field in ZSCORE_COLUMNS:
            theirs, ours = row.zscores.get(z_field), getattr(m, z_field)
            if theirs is None or ours is None or abs(theirs - ours) <= Z_TOLERANCE:
                continue
            warnings.append(
                {
                    "row": row.number,
                    "column": table.header_of(key),
                    "theirs": round(theirs, 2),
                    "ours": round(ours, 2),
                    "message": _("%(column)s: the file says %(theirs).2f, computed %(ours).2f.")
                    % {"column": table.header_of(key), "theirs": theirs, "ours": ours},
                }
            )
    return warnings
