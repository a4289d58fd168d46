"""The import service: store an e-PPGBM file all at once or not at all.

A file is read and checked as a whole (``dry_run`` stops there: the preview), then written
with bulk statements in one transaction. Children are matched by NIK, else by
``child_match_key``; a measurement of a matched child on a date already stored updates that
measurement when its values differ. Growth codes depend on the whole series of a child, so
every touched child's series is recomputed: z-scores and growth codes each in one vectorised
call over all of them. On PostgreSQL new children and measurements go in with COPY.
"""

import functools
import gc
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit
from kampungkb.core.privacy import mask_nik
from kampungkb.core.scoping import covered_kode
from kampungkb.growth.compute import (
    COMPUTED_FIELDS,
    apply_anthro,
    apply_digests,
    apply_growth_codes,
)
from kampungkb.growth.importing.parse import ImportFileError, read_table
from kampungkb.growth.importing.rows import (
    FIELD_COLUMN,
    MEASUREMENT_COLUMNS,
    ZSCORE_COLUMNS,
    Row,
    RowError,
    read_row,
)
from kampungkb.growth.importing.wilayah import WilayahIndex
from kampungkb.growth.kbm.selectors import default_kbm
from kampungkb.growth.models import (
    Child,
    ImportBatch,
    Measurement,
    MeasurementSource,
    Posyandu,
    Puskesmas,
)
from kampungkb.growth.services import (
    analytics_refresh_on_commit,
    child_match_key,
    normalise_name,
    validate_measurement_values,
)

__all__ = ["ImportFileError", "ImportResult", "file_sha256", "measurements_import"]

BATCH_SIZE = 1000
QUERY_CHUNK = 900  # ids per IN (...) list; well under SQLite's parameter limit
Z_TOLERANCE = 0.1
# Child fields an import fills when the stored child has them empty (never overwrites).
CHILD_FILL_FIELDS = (
    "nik", "berat_lahir", "panjang_lahir", "posyandu", "punya_buku_kia", "rt", "rw", "alamat",
)  # fmt: skip
RAW_FIELDS = ("posyandu", *MEASUREMENT_COLUMNS)


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    file_name: str
    sha256: str
    dry_run: bool
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    n_rows: int = 0
    n_created: int = 0
    n_updated: int = 0
    n_unchanged: int = 0
    n_rejected: int = 0
    n_children_created: int = 0
    n_children_updated: int = 0
    n_posyandu_created: int = 0
    n_puskesmas_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    rejected_cells: dict[int, list] = field(default_factory=dict)
    batch: ImportBatch | None = None

    @property
    def changes_anything(self) -> bool:
        return bool(self.n_created or self.n_updated or self.n_children_created)

    def reasons_by_row(self) -> dict[int, list[RowError]]:
        out: dict[int, list[RowError]] = {}
        for error in self.errors:
            out.setdefault(error.row, []).append(error)
        return out

    def counts(self) -> dict[str, int]:
        return {
            k: getattr(self, k)
            for k in (
                "n_rows", "n_created", "n_updated", "n_unchanged", "n_rejected",
                "n_children_created", "n_children_updated", "n_posyandu_created",
                "n_puskesmas_created",
            )
        }  # fmt: skip

    def report(self) -> dict:
        """The result as JSON-ready data (what ImportBatch.report keeps)."""
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            **self.counts(),
            "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors],
            "warnings": self.warnings,
            "duplicates": self.duplicates,
        }


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chunks(items: Iterable, size: int = QUERY_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Slot:
    """One child of the file: an existing Child or one to create, with its rows."""

    __slots__ = ("child", "dates", "fills", "is_new", "rows")

    def __init__(self, child: Child, *, is_new: bool):
        self.child = child
        self.is_new = is_new
        self.rows: list[Row] = []
        self.dates: dict = {}  # tanggal -> row number
        self.fills: dict = {}


class _Places:
    """Posyandu and puskesmas named in the file: found by normalised name, else made."""

    def __init__(self, desa_codes: set[str]):
        self.posyandu: dict[tuple[str, str], Posyandu] = {}
        self.puskesmas: dict[tuple[str, str], Puskesmas] = {}
        self.new_posyandu: dict[tuple[str, str], Posyandu] = {}
        self.new_puskesmas: dict[tuple[str, str], Puskesmas] = {}
        for chunk in _chunks(desa_codes):
            for p in Posyandu.objects.filter(desa_id__in=chunk):
                self.posyandu.setdefault((p.desa_id, self.token(p.nama)), p)
        kec_codes = {k[:8] for k in desa_codes}
        for chunk in _chunks(kec_codes):
            for p in Puskesmas.objects.filter(kecamatan_id__in=chunk):
                self.puskesmas.setdefault((p.kecamatan_id, self.token(p.nama)), p)

    @staticmethod
    @functools.lru_cache(maxsize=8192)
    def token(name: str) -> str:
        words = normalise_name(name).split()
        if words and words[0] in {"posyandu", "puskesmas", "pkm", "pusk"} and len(words) > 1:
            words = words[1:]
        return " ".join(words)

    def find_posyandu(self, row: Row) -> Posyandu | None:
        """The existing posyandu the row names, or None (also when it is new)."""
        if not row.posyandu:
            return None
        return self.posyandu.get((row.desa_kode, self.token(row.posyandu)))

    def posyandu_for(self, row: Row) -> Posyandu | None:
        """The posyandu of a row that will be stored, made (unsaved) when it is new."""
        found = self.find_posyandu(row)
        if found is not None or not row.posyandu:
            return found
        key = (row.desa_kode, self.token(row.posyandu))
        if key not in self.new_posyandu:
            self.new_posyandu[key] = Posyandu(
                nama=row.posyandu, desa_id=row.desa_kode, puskesmas=self._puskesmas_for(row)
            )
        return self.new_posyandu[key]

    def _puskesmas_for(self, row: Row) -> Puskesmas | None:
        if not row.puskesmas:
            return None
        key = (row.desa_kode[:8], self.token(row.puskesmas))
        found = self.puskesmas.get(key) or self.new_puskesmas.get(key)
        if found is None:
            found = self.new_puskesmas[key] = Puskesmas(
                nama=row.puskesmas, kecamatan_id=row.desa_kode[:8]
            )
            found._kerja = set()
        if found.pk is None:
            found._kerja.add(row.desa_kode)
        return found

    def save(self) -> None:
        puskesmas = list(self.new_puskesmas.values())
        Puskesmas.objects.bulk_create(puskesmas, batch_size=BATCH_SIZE)
        Through = Puskesmas.wilayah_kerja.through
        Through.objects.bulk_create(
            [Through(puskesmas_id=p.pk, wilayah_id=k) for p in puskesmas for k in sorted(p._kerja)],
            batch_size=BATCH_SIZE,
        )
        Posyandu.objects.bulk_create(list(self.new_posyandu.values()), batch_size=BATCH_SIZE)


class _Maker:
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

    def __call__(self, values: dict, related: dict):
        obj = self.model.__new__(self.model)
        state = dict(self.defaults)
        attname = self.attname
        for key, value in values.items():
            state[attname[key]] = value
        obj.__dict__.update(state)
        obj._state = ModelState()
        for key, value in related.items():  # through the descriptor: caches unsaved objects
            setattr(obj, key, value)
        return obj


def _existing_children(rows: list[Row]) -> tuple[dict[str, Child], dict[str, Child]]:
    niks = {r.nik for r in rows if r.nik}
    keys = {r.match_key for r in rows}
    by_nik: dict[str, Child] = {}
    by_key: dict[str, Child] = {}
    for chunk in _chunks(niks):
        by_nik.update((c.nik, c) for c in Child.objects.filter(nik__in=chunk))
    for chunk in _chunks(keys):
        for c in Child.objects.filter(match_key__in=chunk).order_by("pk"):
            by_key.setdefault(c.match_key, c)
    for c in by_nik.values():
        by_key.setdefault(c.match_key, c)
    return by_nik, by_key


def _new_child(row: Row, make=None) -> Child:
    make = make or _Maker(Child)
    return make(
        {
            "nik": row.nik,
            "nama": row.nama[:150],
            "jenis_kelamin": row.jenis_kelamin,
            "tanggal_lahir": row.tanggal_lahir,
            "berat_lahir": row.berat_lahir,
            "panjang_lahir": row.panjang_lahir,
            "nama_ibu": row.nama_ibu,
            "desa_id": row.desa_kode,
            "rt": row.rt,
            "rw": row.rw,
            "alamat": row.alamat,
            "punya_buku_kia": row.punya_buku_kia,
            "match_key": row.match_key,
        },
        {},
    )


class _Importer:
    def __init__(self, *, user, table, result: ImportResult):
        self.user = user
        self.table = table
        self.result = result
        self.slots: list[_Slot] = []
        self.nik_slots: dict[str, _Slot] = {}
        self.key_slots: dict[str, _Slot] = {}
        self.slot_of_child: dict[int, _Slot] = {}
        self.make_child = _Maker(Child)
        self.make_measurement = _Maker(Measurement)

    # reading and checking ------------------------------------------------------------

    def read(self) -> list[Row]:
        table = self.table
        rows = [read_row(table, number, cells) for number, cells in table.rows]
        places = WilayahIndex(user=self.user)
        for row in rows:
            resolved = places.resolve(row.kec, row.desa)
            if resolved.kode is None:
                row.reject(table, resolved.column, resolved.reason)
            else:
                row.desa_kode = resolved.kode
        self.index = places
        return rows

    def _slot_for(self, row: Row, by_nik, by_key) -> _Slot | None:
        """Find (without registering) the slot of a row; None means reject (already said)."""
        if row.nik:
            if row.nik in self.nik_slots:
                return self.nik_slots[row.nik]
            child = by_nik.get(row.nik)
            if child is not None:
                if not self.index.covers(child.desa_id):
                    row.reject(
                        self.table,
                        "nik",
                        _("A child with this NIK is registered in a desa outside your area."),
                    )
                    return None
                return self.slot_of_child.get(child.pk) or _Slot(child, is_new=False)
            child = by_key.get(row.match_key)
            if child is not None and not child.nik:
                slot = self.slot_of_child.get(child.pk) or _Slot(child, is_new=False)
                slot.fills["nik"] = row.nik
                return slot
            slot = self.key_slots.get(row.match_key)
            if slot is not None and not slot.child.nik:
                return slot
            return _Slot(_new_child(row, self.make_child), is_new=True)
        slot = self.key_slots.get(row.match_key)
        if slot is not None:
            return slot
        child = by_key.get(row.match_key)
        if child is not None:
            return self.slot_of_child.get(child.pk) or _Slot(child, is_new=False)
        return _Slot(_new_child(row, self.make_child), is_new=True)

    def _register(self, slot: _Slot, row: Row) -> None:
        if not slot.rows:
            self.slots.append(slot)
            if slot.child.pk:
                self.slot_of_child[slot.child.pk] = slot
        slot.rows.append(row)
        slot.dates[row.tanggal] = row.number
        nik = slot.fills.get("nik") or slot.child.nik
        if nik:
            self.nik_slots.setdefault(nik, slot)
        self.key_slots.setdefault(row.match_key, slot)
        self.key_slots.setdefault(slot.child.match_key, slot)

    def match(self, rows: list[Row]) -> None:
        table = self.table
        valid = [r for r in rows if not r.errors]
        for row in valid:
            row.match_key = child_match_key(
                nama=row.nama,
                tanggal_lahir=row.tanggal_lahir,
                nama_ibu=row.nama_ibu,
                desa_kode=row.desa_kode,
            )
        by_nik, by_key = _existing_children(valid)
        self.places = _Places({r.desa_kode for r in valid})
        for row in valid:
            slot = self._slot_for(row, by_nik, by_key)
            if slot is None:
                continue
            values = {
                "tanggal": row.tanggal,
                "berat": row.berat,
                "tinggi": row.tinggi,
                "lila": row.lila,
                "cara_ukur": row.cara_ukur,
                "posyandu": self.places.find_posyandu(row),
            }
            errors = validate_measurement_values(child=slot.child, values=values)
            if row.date_unreadable:
                errors.pop("tanggal", None)
            for field_name, reason in errors.items():
                row.reject(table, FIELD_COLUMN.get(field_name, "berat"), str(reason))
            if row.date_unreadable:
                continue
            if row.errors:
                continue
            if row.tanggal in slot.dates:
                row.reject(
                    table,
                    "tanggal",
                    _("This child's measurement on this date is already in row %(row)d.")
                    % {"row": slot.dates[row.tanggal]},
                )
                continue
            self._register(slot, row)

    # what to write -----------------------------------------------------------------

    def plan(self, kbm) -> None:
        result = self.result
        columns = self.table.columns
        present = [f for f, key in MEASUREMENT_COLUMNS.items() if key in columns]
        has_posyandu = "posyandu" in columns
        stored: dict[int, dict] = {}
        existing_ids = [s.child.pk for s in self.slots if not s.is_new]
        for chunk in _chunks(existing_ids):
            for m in Measurement.objects.filter(child_id__in=chunk):
                m.child = self.slot_of_child[m.child_id].child
                stored.setdefault(m.child_id, {})[m.tanggal] = m
        self.to_create: list[Measurement] = []
        self.to_update: list[Measurement] = []
        self.to_recompute: list[Measurement] = []
        self.children_to_update: list[Child] = []
        self.row_measurement: list[tuple[Row, Measurement]] = []
        series_of: dict[int, list[Measurement]] = {}
        user_id = getattr(self.user, "pk", None)
        for n, slot in enumerate(self.slots):
            child = slot.child
            by_date = stored.get(child.pk, {}) if not slot.is_new else {}
            touched = slot.is_new
            mine: list[Measurement] = []
            for row in slot.rows:
                posyandu = self.places.posyandu_for(row)
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
                    m = self.make_measurement(values, related)
                    self.to_create.append(m)
                    touched = True
                elif self._differs(m, values):
                    for key, value in values.items():
                        setattr(m, key, value)
                    self.to_update.append(m)
                    touched = True
                else:
                    result.n_unchanged += 1
                mine.append(m)
                self.row_measurement.append((row, m))
                self._plan_fills(slot, row, posyandu)
            if slot.fills and not slot.is_new:
                self.children_to_update.append(child)
            if touched:
                in_file = {id(m) for m in mine}
                others = [m for m in by_date.values() if id(m) not in in_file]
                self.to_recompute.extend(others)
                series_of[n] = sorted(mine + others, key=lambda m: m.tanggal)
        result.n_created = len(self.to_create)
        result.n_updated = len(self.to_update)
        result.n_children_created = sum(1 for s in self.slots if s.is_new)
        result.n_children_updated = len(self.children_to_update)
        result.n_posyandu_created = len(self.places.new_posyandu)
        result.n_puskesmas_created = len(self.places.new_puskesmas)
        self._compute(series_of, kbm)

    @staticmethod
    def _differs(m: Measurement, values: dict) -> bool:
        for key, value in values.items():
            if key == "posyandu":
                if value.pk is None or m.posyandu_id != value.pk:
                    return True
            elif getattr(m, key) != value:
                return True
        return False

    def _plan_fills(self, slot: _Slot, row: Row, posyandu) -> None:
        child = slot.child
        if slot.is_new:
            if child.posyandu is None and posyandu is not None:
                child.posyandu = posyandu
            return
        offered = {
            "berat_lahir": row.berat_lahir,
            "panjang_lahir": row.panjang_lahir,
            "posyandu": posyandu,
            "punya_buku_kia": row.punya_buku_kia,
            "rt": row.rt,
            "rw": row.rw,
            "alamat": row.alamat,
        }
        for key, value in offered.items():
            current = child.posyandu_id if key == "posyandu" else getattr(child, key)
            if current in (None, "") and value not in (None, "") and key not in slot.fills:
                slot.fills[key] = value

    def _compute(self, series_of: dict[int, list[Measurement]], kbm) -> None:
        everything = [m for series in series_of.values() for m in series]
        apply_anthro(everything)
        table, rule = kbm
        numbers = [n for n, series in enumerate(series_of.values()) for _m in series]
        apply_growth_codes(everything, table=table, rule=rule, series=numbers)
        apply_digests(everything)
        now = timezone.now()
        for m in everything:
            m.computed_at = now
        for row, m in self.row_measurement:
            for key, z_field in ZSCORE_COLUMNS:
                theirs, ours = row.zscores.get(z_field), getattr(m, z_field)
                if theirs is None or ours is None or abs(theirs - ours) <= Z_TOLERANCE:
                    continue
                self.result.warnings.append(
                    {
                        "row": row.number,
                        "column": self.table.header_of(key),
                        "theirs": round(theirs, 2),
                        "ours": round(ours, 2),
                        "message": _("%(column)s: the file says %(theirs).2f, computed %(ours).2f.")
                        % {"column": self.table.header_of(key), "theirs": theirs, "ours": ours},
                    }
                )

    def find_duplicates(self) -> None:
        """List new children that look like another child (not merged: a person decides)."""
        new = [s for s in self.slots if s.is_new]
        if not new:
            return
        ident = lambda nama, dob, desa: (normalise_name(nama), dob, desa)  # noqa: E731
        seen: dict[tuple, list[dict]] = {}
        desas = {s.child.desa_id for s in new}
        dobs = {s.child.tanggal_lahir for s in new}
        for chunk in _chunks(dobs):
            existing = Child.objects.filter(desa_id__in=desas, tanggal_lahir__in=chunk)
            for c in existing.values("pk", "nama", "nama_ibu", "nik", "tanggal_lahir", "desa_id"):
                seen.setdefault(ident(c["nama"], c["tanggal_lahir"], c["desa_id"]), []).append(
                    {"what": _("registered child"), **c}
                )
        for slot in new:
            c = slot.child
            key = ident(c.nama, c.tanggal_lahir, c.desa_id)
            row = slot.rows[0].number
            for other in seen.get(key, []):
                self.result.duplicates.append(
                    {
                        "row": row,
                        "nama": c.nama,
                        "tanggal_lahir": c.tanggal_lahir.isoformat(),
                        "desa": self.index.names.get(c.desa_id, c.desa_id),
                        "nama_ibu": c.nama_ibu,
                        "nik": mask_nik(c.nik),
                        "other": _("%(what)s %(nama)s, mother %(ibu)s, NIK %(nik)s")
                        % {
                            "what": other["what"],
                            "nama": other["nama"],
                            "ibu": other["nama_ibu"] or "–",
                            "nik": mask_nik(other["nik"]) or "–",
                        },
                    }
                )
            seen.setdefault(key, []).append(
                {
                    "what": _("row %(row)d:") % {"row": row},
                    "pk": None,
                    "nama": c.nama,
                    "nama_ibu": c.nama_ibu,
                    "nik": c.nik,
                }
            )

    # writing -------------------------------------------------------------------------

    def write(self, *, file_name: str, sha256: str, progress: Callable[[str], None]) -> None:
        result, user = self.result, self.user
        self.places.save()
        progress("places")
        _insert_children([s.child for s in self.slots if s.is_new])
        for slot in self.slots:
            if slot.fills and not slot.is_new:
                for key, value in slot.fills.items():
                    setattr(slot.child, key, value)
        if self.children_to_update:
            now = timezone.now()
            for c in self.children_to_update:
                c.updated_at = now
            Child.objects.bulk_update(
                self.children_to_update, [*CHILD_FILL_FIELDS, "updated_at"], batch_size=BATCH_SIZE
            )
        progress("children")
        batch = ImportBatch.objects.create(
            file_name=file_name[:255],
            sha256=sha256,
            imported_by=user if getattr(user, "pk", None) else None,
            wilayah_kode=("" if user is None else covered_kode(user)) or "",
            **{k: v for k, v in result.counts().items() if hasattr(ImportBatch, k)},
        )
        now = timezone.now()
        for m in self.to_create:
            m.import_batch = batch
        for m in self.to_update:
            m.import_batch = batch
            m.updated_at = now
        _insert_measurements(self.to_create)
        progress("measurements")
        Measurement.objects.bulk_update(
            self.to_update,
            [*RAW_FIELDS, *COMPUTED_FIELDS, "import_batch", "updated_at"],
            batch_size=BATCH_SIZE,
        )
        Measurement.objects.bulk_update(self.to_recompute, COMPUTED_FIELDS, batch_size=BATCH_SIZE)
        progress("recomputed")
        result.batch = batch
        batch.report = result.report()
        batch.save(update_fields=["report"])
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=batch,
            wilayah_kode=batch.wilayah_kode,
            changes={"file_name": batch.file_name, "sha256": sha256, **result.counts()},
        )


def _insert_children(children: list[Child]) -> None:
    """bulk_create, or on PostgreSQL COPY with ids taken from the table's sequence in one
    query; either way each child has its id afterwards (its measurements refer to it)."""
    if connection.vendor != "postgresql" or not children:
        Child.objects.bulk_create(children, batch_size=BATCH_SIZE)
        return
    now = timezone.now()
    opts = Child._meta
    fields = opts.concrete_fields
    attnames = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(opts.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(children)],
        )
        ids = sorted(pk for (pk,) in cursor.fetchall())  # in file order, as bulk_create
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for child, pk in zip(children, ids, strict=True):
                child.pk = pk
                posyandu = child._state.fields_cache.get("posyandu")
                if child.posyandu_id is None and posyandu is not None:
                    child.posyandu_id = posyandu.pk  # saved just before, as bulk_create does
                child.created_at = child.updated_at = now
                child._state.adding = False
                child._state.db = connection.alias
                copy.write_row([getattr(child, a) for a in attnames])


def _insert_measurements(measurements: list[Measurement]) -> None:
    """bulk_create, or COPY on PostgreSQL (nothing refers to the new rows' ids afterwards)."""
    if connection.vendor != "postgresql" or not measurements:
        Measurement.objects.bulk_create(measurements, batch_size=BATCH_SIZE)
        return
    now = timezone.now()
    fields = [f for f in Measurement._meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Measurement._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for m in measurements:
            cache = m._state.fields_cache
            m.child_id = m.child_id or cache["child"].pk
            if m.posyandu_id is None and cache.get("posyandu") is not None:
                m.posyandu_id = cache["posyandu"].pk
            m.created_at = m.updated_at = now
            copy.write_row([getattr(m, a) for a in attnames])


def _no_progress(stage: str) -> None:
    return None


def measurements_import(
    *,
    user,
    path,
    dry_run: bool = False,
    file_name: str = "",
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Check an e-PPGBM file and, unless ``dry_run``, store its valid rows.

    ``user`` is the acting user (``None``: the system, whole country). Rows outside the
    user's area are rejected. Raises :class:`ImportFileError` when the file cannot be read
    at all and PermissionDenied when the user may not edit records. ``progress`` is called
    with a stage name after each write step (a seam for progress output and tests).
    """
    path = Path(path)
    # Read the file before touching the database: an unreadable file is the caller's error,
    # found without opening a connection or holding a write lock.
    table = read_table(path)
    if user is not None and not can_edit(user):
        raise PermissionDenied(_("You may not change records of this area."))
    # A large file makes hundreds of thousands of small objects that all live until the end;
    # the cyclic collector would scan them again and again (a third of the time at 100k rows).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            return _import(
                user=user,
                path=path,
                table=table,
                dry_run=dry_run,
                file_name=file_name,
                progress=progress,
            )
    finally:
        if collecting:
            gc.enable()


def _import(*, user, path: Path, table, dry_run: bool, file_name: str, progress) -> ImportResult:
    result = ImportResult(
        file_name=file_name or path.name,
        sha256=file_sha256(path),
        dry_run=dry_run,
        headers=table.headers,
        header_row=table.header_row,
    )
    importer = _Importer(user=user, table=table, result=result)
    rows = importer.read()
    importer.match(rows)
    importer.plan(default_kbm())
    importer.find_duplicates()
    rejected = [r for r in rows if r.errors]
    result.n_rows = len(rows)
    result.n_rejected = len(rejected)
    result.errors = [e for r in rejected for e in r.errors]
    result.rejected_cells = {r.number: r.cells for r in rejected}
    result.duplicates.sort(key=lambda d: d["row"])
    result.warnings.sort(key=lambda w: w["row"])
    if not dry_run and result.changes_anything:
        importer.write(
            file_name=result.file_name, sha256=result.sha256, progress=progress or _no_progress
        )
        analytics_refresh_on_commit()
    return result
