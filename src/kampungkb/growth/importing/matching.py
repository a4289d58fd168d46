"""Which child each row of an import is about: matched by NIK, else by ``child_match_key``
(name, date of birth, mother, desa), among the children stored and those earlier rows of the
file bring in; a child found nowhere is made (unsaved).

A NIK match is the same child only when the sex and the date of birth agree exactly (no
tolerance: a typo in either is for a person to correct, in the file or in the child's record);
a different name or mother alone is a corrected spelling and still matches. Otherwise the row
is a NIK conflict: rejected at the NIK column, never merged. A NIK registered outside the
user's area is rejected with the very same reason, whatever its sex and date of birth, so a
row tells nothing about a child the user may not see (``services.child_nik_conflict_reason``).

Each child of the file gets one :class:`ChildSlot` holding its rows. A row is checked here
against its child (``services.validate_measurement_values``, the same rules as the form) and
rejected with its reasons; so is a second row of one child on one date. New children that
look like another child are listed as possible duplicates (never merged: a person decides).
"""

import datetime

from django.utils.translation import gettext as _

from kampungkb.core.lookups import filtered_in
from kampungkb.core.privacy import mask_nik
from kampungkb.growth.importing.instances import InstanceMaker, stored_instances
from kampungkb.growth.importing.parse import Table
from kampungkb.growth.importing.places import ImportPlaces, PosyanduChoices
from kampungkb.growth.importing.rows import FIELD_COLUMN, Row
from kampungkb.growth.importing.wilayah import WilayahIndex
from kampungkb.growth.models import Child
from kampungkb.growth.services import (
    child_match_key,
    child_nik_conflict_reason,
    measurement_values_clear,
    normalise_name,
    posyandu_outside,
    validate_measurement_values,
)


class ChildSlot:
    """One child of the file: an existing Child or one to create, with its rows."""

    __slots__ = ("child", "dates", "fills", "is_new", "rows")

    def __init__(self, child: Child, *, is_new: bool):
        self.child = child
        self.is_new = is_new
        self.rows: list[Row] = []
        self.dates: dict = {}  # tanggal -> row number
        self.fills: dict = {}  # child field -> value the file offers where it is empty


#: What an import does not read of a stored child: the write sets ``updated_at`` of those it
#: fills and never writes ``created_at`` (PostgreSQL's driver converts each time with its
#: zone, a third of reading the children).
NOT_READ = ("created_at", "updated_at")


def _existing_children(rows: list[Row]) -> tuple[dict[str, Child], dict[str, Child]]:
    niks = {r.nik for r in rows if r.nik}
    by_nik: dict[str, Child] = {}
    by_key: dict[str, Child] = {}
    for found in filtered_in(Child.objects.all(), "nik", niks):
        by_nik.update((c.nik, c) for c in stored_instances(found, defer=NOT_READ))
    # A row whose NIK is registered is that child's or rejected: only the other rows look
    # for a child by key (a re-import's NIK children are not read twice).
    keys = {r.match_key for r in rows if not r.nik or r.nik not in by_nik}
    for found in filtered_in(Child.objects.order_by("pk"), "match_key", keys):
        for c in stored_instances(found, defer=NOT_READ):
            by_key.setdefault(c.match_key, c)
    for c in by_nik.values():
        by_key.setdefault(c.match_key, c)
    return by_nik, by_key


def same_child(row: Row, child: Child) -> bool:
    """May ``row`` be about ``child``, whose NIK it carries? Only with the same sex and date of
    birth (a different name or mother alone is a corrected spelling)."""
    return row.jenis_kelamin == child.jenis_kelamin and row.tanggal_lahir == child.tanggal_lahir


def _new_child(row: Row, make: InstanceMaker) -> Child:
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


class ChildMatcher:
    """Match the rows of a file to children; afterwards ``slots`` holds every child of the
    file with its rows (in file order), and ``places`` the posyandu and puskesmas named
    (``posyandu``: what the importer decided for names that match none of their desa)."""

    def __init__(
        self, *, table: Table, index: WilayahIndex, posyandu: PosyanduChoices | None = None
    ):
        self.table = table
        self.index = index
        self.posyandu_choices = posyandu
        self.slots: list[ChildSlot] = []
        self.nik_slots: dict[str, ChildSlot] = {}
        self.key_slots: dict[str, ChildSlot] = {}
        self.slot_of_child: dict[int, ChildSlot] = {}
        self.make_child = InstanceMaker(Child)
        self.places: ImportPlaces | None = None

    def _slot_for(self, row: Row, by_nik, by_key) -> ChildSlot | None:
        """Find (without registering) the slot of a row; None means reject (already said)."""
        if row.nik:
            if row.nik in self.nik_slots:
                slot = self.nik_slots[row.nik]
                if not same_child(row, slot.child):
                    # Only rows of this file and children of the user's area get here.
                    row.reject(
                        self.table,
                        "nik",
                        _(
                            "Row %(row)d has this NIK with another sex or date of birth; "
                            "the row was not merged."
                        )
                        % {"row": slot.rows[0].number},
                    )
                    return None
                return slot
            child = by_nik.get(row.nik)
            if child is not None:
                # Outside the area: the same reason whatever the child's sex and date of birth.
                if not self.index.covers(child.desa_id) or not same_child(row, child):
                    row.reject(self.table, "nik", child_nik_conflict_reason())
                    return None
                return self.slot_of_child.get(child.pk) or ChildSlot(child, is_new=False)
            child = by_key.get(row.match_key)
            if child is not None and not child.nik:
                slot = self.slot_of_child.get(child.pk) or ChildSlot(child, is_new=False)
                slot.fills["nik"] = row.nik
                return slot
            slot = self.key_slots.get(row.match_key)
            if slot is not None and not slot.child.nik:
                return slot
            return ChildSlot(_new_child(row, self.make_child), is_new=True)
        slot = self.key_slots.get(row.match_key)
        if slot is not None:
            return slot
        child = by_key.get(row.match_key)
        if child is not None:
            return self.slot_of_child.get(child.pk) or ChildSlot(child, is_new=False)
        return ChildSlot(_new_child(row, self.make_child), is_new=True)

    def _register(self, slot: ChildSlot, row: Row) -> None:
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
        """Give every row without errors its child's slot, or reject it with its reasons."""
        table = self.table
        valid = [r for r in rows if not r.errors]
        keys: dict[tuple, str] = {}  # a child's rows repeat its name, birth, mother, desa
        for row in valid:
            ident = (row.nama, row.tanggal_lahir, row.nama_ibu, row.desa_kode)
            key = keys.get(ident)
            if key is None:
                key = keys[ident] = child_match_key(
                    nama=row.nama,
                    tanggal_lahir=row.tanggal_lahir,
                    nama_ibu=row.nama_ibu,
                    desa_kode=row.desa_kode,
                )
            row.match_key = key
        by_nik, by_key = _existing_children(valid)
        self.places = ImportPlaces(
            {r.desa_kode for r in valid}, user=self.index.user, choices=self.posyandu_choices
        )
        today = datetime.date.today()  # read once, not once a row
        # The form's rules, decided for all rows at once where they surely find nothing
        # (with the row's date of birth: its child's, checked below), row by row elsewhere.
        clear = measurement_values_clear(
            tanggal=[r.tanggal for r in valid],
            tanggal_lahir=[r.tanggal_lahir for r in valid],
            berat=[r.berat for r in valid],
            tinggi=[r.tinggi for r in valid],
            lila=[r.lila for r in valid],
            cara_ukur=[r.cara_ukur for r in valid],
            today=today,
        ).tolist()
        for row, fast in zip(valid, clear, strict=True):
            slot = self._slot_for(row, by_nik, by_key)
            if slot is None:
                continue
            posyandu = self.places.find_posyandu(row)
            child = slot.child
            if (
                fast
                and child.tanggal_lahir == row.tanggal_lahir
                and not posyandu_outside(posyandu, child)
            ):
                errors = {}
            else:
                values = {
                    "tanggal": row.tanggal,
                    "berat": row.berat,
                    "tinggi": row.tinggi,
                    "lila": row.lila,
                    "cara_ukur": row.cara_ukur,
                    "posyandu": posyandu,
                }
                errors = validate_measurement_values(child=child, values=values, today=today)
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


_NAME_LENGTH = Child._meta.get_field("nama").max_length


def _normalised_name(child: Child) -> str:
    """``normalise_name(child.nama)`` of a new child: the first part of its match key, made
    from the same name, unless the name was cut to fit its field (the key has it whole)."""
    if child.match_key and len(child.nama) < _NAME_LENGTH:
        return child.match_key.partition("|")[0]
    return normalise_name(child.nama)


def duplicates_find(slots: list[ChildSlot], *, names: dict[str, str]) -> list[dict]:
    """List the new children of ``slots`` that look like another child, registered or new in
    the file (same normalised name, date of birth and desa); ``names`` gives desa names."""
    duplicates: list[dict] = []
    new = [s for s in slots if s.is_new]
    if not new:
        return duplicates
    ident = lambda nama, dob, desa: (normalise_name(nama), dob, desa)  # noqa: E731
    # Translated once: a file makes tens of thousands of new children.
    row_label, registered = _("row %(row)d:"), _("registered child")
    seen: dict[tuple, list[dict]] = {}
    desas = {s.child.desa_id for s in new}
    dobs = {s.child.tanggal_lahir for s in new}
    for existing in filtered_in(Child.objects.filter(desa_id__in=desas), "tanggal_lahir", dobs):
        for c in existing.values("pk", "nama", "nama_ibu", "nik", "tanggal_lahir", "desa_id"):
            seen.setdefault(ident(c["nama"], c["tanggal_lahir"], c["desa_id"]), []).append(
                {"what": registered, **c}
            )
    for slot in new:
        c = slot.child
        key = (_normalised_name(c), c.tanggal_lahir, c.desa_id)
        row = slot.rows[0].number
        for other in seen.get(key, []):
            duplicates.append(
                {
                    "row": row,
                    "nama": c.nama,
                    "tanggal_lahir": c.tanggal_lahir.isoformat(),
                    "desa": names.get(c.desa_id, c.desa_id),
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
                "what": row_label % {"row": row},
                "pk": None,
                "nama": c.nama,
                "nama_ibu": c.nama_ibu,
                "nik": c.nik,
            }
        )
    return duplicates
