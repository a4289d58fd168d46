"""What an import will write, computed: the measurements to create, to update and to
recompute, and the children whose empty fields the file fills.

A measurement of a matched child on a date already stored updates that measurement when its
values differ. Growth codes depend on the whole series of a child, so every touched child's
series is recomputed: z-scores and growth codes each in one vectorised call over all of them.
Where the file carries its own z-scores, those that differ from ours are warned about.
"""

import datetime
from dataclasses import dataclass, field
from operator import attrgetter

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.lookups import filtered_in
from kampungkb.growth import plausibility
from kampungkb.growth.compute import (
    ANTHRO_FIELDS,
    COMPUTED_FIELDS,
    DIGEST_FIELDS,
    anthro_columns,
    computed_digests,
    grading_weights,
    stored_columns,
)
from kampungkb.growth.importing.instances import stored_instances
from kampungkb.growth.importing.matching import ChildMatcher, ChildSlot
from kampungkb.growth.importing.new_rows import NewRows
from kampungkb.growth.importing.parse import Table
from kampungkb.growth.importing.rows import MEASUREMENT_COLUMNS, ZSCORE_COLUMNS, Row
from kampungkb.growth.models import Child, Measurement
from kampungkb.growth.rules import growth_codes_arrays

#: What the plan computes again for every stored measurement of a child the file touches,
#: before anything reads it: not read from the database (a third of a re-import's reading).
#: The file's z-scores are compared with the stored ones of the rows it leaves unchanged.
RECOMPUTED = tuple(f for f in COMPUTED_FIELDS if f not in {"zlen", "zwei", "zwfl"})
#: What the plan does not read of a stored measurement either: the write sets ``updated_at``
#: of those it changes and never writes ``created_at``. PostgreSQL's driver converts each
#: time with its zone, and the two were half of reading 100,000 stored rows.
NOT_READ = ("created_at", "updated_at")

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

    # The new measurements, as columns (``new_rows``): most of a first import.
    new: NewRows = field(default_factory=NewRows)
    to_update: list[Measurement] = field(default_factory=list)
    # For each of to_update, in order: {field: [stored, new]} of the values the file changes
    # (what the audit trail keeps of the update).
    update_changes: list[dict] = field(default_factory=list)
    # Stored measurements of a touched child that the file does not change: only recomputed.
    to_recompute: list[Measurement] = field(default_factory=list)
    children_to_update: list[Child] = field(default_factory=list)
    n_created: int = 0
    n_updated: int = 0
    n_unchanged: int = 0
    warnings: list[dict] = field(default_factory=list)

    @property
    def to_create(self) -> list[Measurement]:
        """The new measurements as Measurement instances (built when asked for: the write
        takes them from the columns)."""
        return self.new.instances()


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
        plan.n_created += len(chunk.new)
        plan.n_updated += len(chunk.to_update)
        plan.n_unchanged += chunk.n_unchanged
        plan.children_to_update.extend(chunk.children_to_update)
        plan.warnings.extend(chunk.warnings)
        if keep:
            plan.new.extend(chunk.new)
            plan.to_update.extend(chunk.to_update)
            plan.update_changes.extend(chunk.update_changes)  # one per measurement updated
            plan.to_recompute.extend(chunk.to_recompute)
    return plan


def _plan_chunk(
    slots: list[ChildSlot], matched: ChildMatcher, *, table: Table, kbm, user, now
) -> ImportPlan:
    """Plan the rows of ``slots``. A series is a list of entries in date order: a stored
    Measurement, or the position (an int) of a new measurement in ``plan.new``."""
    plan = ImportPlan()
    new = plan.new
    columns = table.columns
    present = [f for f, key in MEASUREMENT_COLUMNS.items() if key in columns]
    has_posyandu = "posyandu" in columns
    places = matched.places
    stored: dict[int, dict] = {}
    existing_ids = [s.child.pk for s in slots if not s.is_new]
    for found in filtered_in(Measurement.objects.all(), "child_id", existing_ids):
        for m in stored_instances(found, defer=(*RECOMPUTED, *NOT_READ)):
            # The child as its foreign key's descriptor would cache it (same id), unchecked.
            m._state.fields_cache["child"] = matched.slot_of_child[m.child_id].child
            stored.setdefault(m.child_id, {})[m.tanggal] = m
    series_of: dict[int, list] = {}
    row_entry: list[tuple[Row, object]] = []
    new_rows, new_children, new_posyandu = new.rows, new.children, new.posyandu
    for n, slot in enumerate(slots):
        child = slot.child
        if slot.is_new:
            # Every row new: no stored series to compare with or recompute.
            first = len(new_rows)
            for row in slot.rows:
                posyandu = places.posyandu_for(row)
                row_entry.append((row, len(new_rows)))
                new_rows.append(row)
                new_children.append(child)
                new_posyandu.append(posyandu if has_posyandu else None)
                _plan_fills(slot, row, posyandu, ())
            mine = range(first, len(new_rows))
            series_of[n] = sorted(mine, key=lambda j: new_rows[j].tanggal)
            continue
        by_date = stored.get(child.pk, {})
        touched = False
        updated_here: set[int] = set()
        mine: list = []
        empty = _empty_fields(child)  # the same for all its rows
        for row in slot.rows:
            posyandu = places.posyandu_for(row)
            m = by_date.get(row.tanggal)
            if m is None:
                entry = len(new_rows)
                new_rows.append(row)
                new_children.append(child)
                new_posyandu.append(posyandu if has_posyandu else None)
                touched = True
            else:
                entry = m
                values = {f: getattr(row, f) for f in present}
                if has_posyandu and posyandu is not None:
                    values["posyandu"] = posyandu
                if _differs(m, values):
                    plan.update_changes.append(_changes(m, values))
                    _assign(m, values)
                    plan.to_update.append(m)
                    updated_here.add(id(m))
                    touched = True
                else:
                    plan.n_unchanged += 1
            mine.append(entry)
            row_entry.append((row, entry))
            _plan_fills(slot, row, posyandu, empty)
        if slot.fills:
            plan.children_to_update.append(child)
        if touched:
            in_file = {id(e) for e in mine if e.__class__ is not int}
            others = [m for m in by_date.values() if id(m) not in in_file]
            # Every stored row the file does not change is written recomputed, named in the
            # file or not: a new or changed visit changes the growth codes of later ones
            # (before, a later row the file repeated unchanged kept its old code).
            plan.to_recompute.extend(m for m in by_date.values() if id(m) not in updated_here)
            series_of[n] = sorted(
                mine + others,
                key=lambda e: new_rows[e].tanggal if e.__class__ is int else e.tanggal,
            )
    new.raw_columns(present, user_id=getattr(user, "pk", None))
    new.columns.update(_compute(series_of, new, kbm, now, written={id(m) for m in plan.to_update}))
    plan.warnings = _zscore_warnings(row_entry, new, table)
    return plan


def _assign(m: Measurement, values: dict) -> None:
    """Set the file's values on a stored measurement: plain fields in its instance dict, the
    posyandu as its foreign key's descriptor sets it (the id, None while the posyandu is
    unsaved, and the posyandu cached) without the descriptor's checks: a re-import changing
    every row runs this for each."""
    posyandu = values.pop("posyandu", None)
    m.__dict__.update(values)
    if posyandu is not None:
        m.__dict__["posyandu_id"] = posyandu.pk
        m._state.fields_cache["posyandu"] = posyandu


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


#: A stored measurement's inputs of the engine and the rules, in ``_INPUTS`` order.
_STORED_INPUTS = attrgetter(
    "tanggal", "berat", "tinggi", "cara_ukur", "oedema", "lila", "lingkar_kepala", "needs_check"
)
_INPUTS = ("tanggal", "berat", "tinggi", "cara_ukur", "oedema", "lila", "lingkar_kepala")


def _take(values, at) -> list:
    """``values`` at the positions ``at``, in that order."""
    return list(map(values.__getitem__, at))


def _compute(series_of: dict[int, list], new: NewRows, kbm, now, *, written: set[int]) -> dict:
    """Compute every series of ``series_of`` (entries: a stored Measurement, set in place,
    or the position of a new measurement in ``new``), all series in one vectorised call per
    step, column by column; ``written`` holds the id() of the stored measurements the file
    changes. Returns the computed columns of the new measurements, in ``new``'s order."""
    everything = [e for series in series_of.values() for e in series]
    numbers = [n for n, series in enumerate(series_of.values()) for _e in series]
    n_new = len(new)
    if not everything:
        return {}
    stored: list[Measurement] = []
    source = []  # each entry's place among the new measurements, then the stored ones
    for e in everything:
        if e.__class__ is int:
            source.append(e)
        else:
            source.append(n_new + len(stored))
            stored.append(e)
    new_at = np.empty(n_new, dtype=np.int64)  # each new measurement's place in everything
    new_at[[s for s in source if s < n_new]] = [p for p, s in enumerate(source) if s < n_new]
    new_at = new_at.tolist()
    stored_at = [p for p, s in enumerate(source) if s >= n_new]

    # The inputs as columns in ``everything``'s order: the new ones' from their columns, the
    # stored ones' from their instances (the child its foreign key's descriptor gives: the
    # cached one, read without a call into the descriptor a row).
    kids = [m._state.fields_cache.get("child") or m.child for m in stored]
    read = list(zip(*map(_STORED_INPUTS, stored), strict=True)) or [()] * 8
    inputs = {}
    for name, stored_values in zip((*_INPUTS, "needs_check"), read, strict=True):
        inputs[name] = _gather(new.columns[name], stored_values, source)
    dob = _gather([c.tanggal_lahir for c in new.children], [c.tanggal_lahir for c in kids], source)
    sex = _gather([c.jenis_kelamin for c in new.children], [c.jenis_kelamin for c in kids], source)
    day = _ordinals(inputs["tanggal"])
    age = day - _ordinals(dob)
    needs_check = inputs["needs_check"]
    targets_of = np.array([s < n_new for s in source], dtype=bool)
    targets_of[stored_at] = [id(m) in written for m in stored]

    def anthro(at, checked):
        cols = anthro_columns(
            sex=sex[at],
            age_days=age[at],
            weight=inputs["berat"][at],
            lenhei=inputs["tinggi"][at],
            method=inputs["cara_ukur"][at],
            oedema=inputs["oedema"][at],
            armc=inputs["lila"][at],
            headc=inputs["lingkar_kepala"][at],
            needs_check=checked,
        )
        return cols, stored_columns(cols)

    everywhere = np.arange(len(everything))
    cols, values = anthro(everywhere, needs_check)
    # The file's new and changed values that the plausibility rules question are written
    # marked "needs checking" (no one is there to confirm them), and then give no status.
    checked = needs_check.copy()
    reasons = np.full(len(everything), "", dtype=object)
    checked[targets_of] = False
    columns = {
        **cols,
        "weight": inputs["berat"],
        "lenhei": inputs["tinggi"],
        "method": inputs["cara_ukur"],
        "needs_check": needs_check,
        "age_days": age,
    }
    clear = plausibility.series_clear(numbers, targets_of, columns).tolist()
    start = 0
    for n, series in enumerate(series_of.values()):
        end = start + len(series)
        if not clear[n]:
            # The rules read what was just computed: set on the stored measurements (all
            # of them get it at the end), on stand-ins for the new ones.
            entries = [
                _Checked(new, e, values, start + i)
                if e.__class__ is int
                else _with_anthro(e, values, start + i)
                for i, e in enumerate(series)
            ]
            targets = {i for i in range(len(series)) if targets_of[start + i]}
            found = plausibility.check_series(entries, targets)
            for i in found:
                checked[start + i] = True
                reasons[start + i] = plausibility.reason_codes(found[i])
        start = end
    for m, p in zip(stored, stored_at, strict=True):
        if targets_of[p]:
            m.needs_check, m.check_reasons = bool(checked[p]), reasons[p]
    # The statuses were computed with the mark each measurement had: again for those whose
    # mark the rules changed (questioned now, or a stored questioned value the file corrects).
    marked = np.flatnonzero(targets_of & (checked.astype(bool) != needs_check.astype(bool)))
    if len(marked):
        _cols, again = anthro(marked, checked[marked])
        for field_name in ANTHRO_FIELDS:
            column = values[field_name]
            for p, value in zip(marked.tolist(), again[field_name], strict=True):
                column[p] = value
    table, rule = kbm
    code, gain, kbm_gram, two_t = growth_codes_arrays(
        np.asarray(numbers, dtype=np.int64),
        *_year_month(day),
        np.asarray(values["umur_hari"], dtype=float),
        grading_weights(inputs["berat"], fwei=values["fwei"], needs_check=checked),
        rule,
    )
    values.update(
        growth_code=code.tolist(), kenaikan_gram=gain.tolist(), kbm_gram=kbm_gram.tolist(),
        two_t=two_t.tolist(),
    )  # fmt: skip
    values["computed_digest"] = computed_digests(values).tolist()
    table_id = None if table is None else table.pk
    _set(stored, stored_at, values, (*DIGEST_FIELDS, "computed_digest"))
    for m in stored:
        m.__dict__.update(kbm_table_id=table_id, computed_at=now)
        m._state.fields_cache["kbm_table"] = table
    out = {name: _take(values[name], new_at) for name in (*DIGEST_FIELDS, "computed_digest")}
    out["needs_check"] = [bool(v) for v in checked[new_at]] if n_new else []
    out["check_reasons"] = _take(reasons, new_at)
    out["kbm_table_id"] = [table_id] * n_new
    out["computed_at"] = [now] * n_new
    return out


_EPOCH = datetime.date(1970, 1, 1).toordinal()


def _ordinals(dates) -> np.ndarray:
    """Dates as their day numbers (``date.toordinal``), in one C pass."""
    return np.fromiter(map(datetime.date.toordinal, dates), np.int64, len(dates))


def _year_month(ordinals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The year and month (1-12) of each day number."""
    days = (ordinals - _EPOCH).astype("datetime64[D]")
    return (
        days.astype("datetime64[Y]").astype(np.int64) + 1970,
        days.astype("datetime64[M]").astype(np.int64) % 12 + 1,
    )


def _gather(new_values, stored_values, source) -> np.ndarray:
    """One column in ``everything``'s order, from the new measurements' and stored ones'."""
    column = np.empty(len(new_values) + len(stored_values), dtype=object)
    column[: len(new_values)] = new_values
    column[len(new_values) :] = stored_values
    return column[source]


def _set(measurements: list, at: list[int], values: dict, names) -> None:
    """Set ``names`` on each measurement from ``values`` at its position: plain concrete
    fields, set in the instance dict in one call each."""
    if not measurements:
        return
    columns = [_take(values[name], at) for name in names]
    for m, *row in zip(measurements, *columns, strict=True):
        m.__dict__.update(zip(names, row, strict=True))


def _with_anthro(m: Measurement, values: dict, at: int) -> Measurement:
    """``m`` with the engine's values computed for it (at ``at`` in ``values``) set."""
    m.__dict__.update({name: values[name][at] for name in ANTHRO_FIELDS})
    return m


class _Checked:
    """A new measurement as :func:`plausibility.check_series` reads it: its values and what
    was computed for it."""

    def __init__(self, new: NewRows, j: int, values: dict, at: int):
        columns = new.columns
        for name in ("tanggal", "berat", "tinggi", "cara_ukur"):
            setattr(self, name, columns[name][j])
        self.needs_check = False
        for name in ANTHRO_FIELDS:
            setattr(self, name, values[name][at])


def _zscore_warnings(row_entry: list[tuple[Row, object]], new: NewRows, table: Table) -> list[dict]:
    warnings = []
    computed = new.columns
    for row, entry in row_entry:
        if not row.zscores:  # the file gives no z-score for this row (most files none)
            continue
        for key, z_field in ZSCORE_COLUMNS:
            new = entry.__class__ is int
            ours = computed[z_field][entry] if new else getattr(entry, z_field)
            theirs = row.zscores.get(z_field)
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
