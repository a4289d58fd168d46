"""The rows of a file grouped into survey rounds, checked as families, and compared with what
is stored.

A round is keyed by (No KK, year of Tanggal Pendataan), as ``FamilySurvey`` is. The family's
own columns (desa, RT, RW, Alamat, Sumber Air Minum, Jamban; ``headers.FAMILY_COLUMNS``)
repeat on every member row: where two rows of one round disagree, **the round is not written
at all** and each of its rows is rejected with the columns that disagree and the row they
disagree with (a person decides which row is right; the import never picks one). The other
rounds of the file are written.

A family already registered in another desa is not moved by an import: its rows are rejected
with one reason whether that desa is inside the user's area or not (a row never tells whether a
No KK exists outside the area).

A person belongs to one family card at a time: a NIK in two families (two No KK) for one survey
year, in the file (``rows_nik_in_two_families``) or in the file and stored
(``rounds_nik_stored_elsewhere``), rejects the member's rows, every one of them; the other rows
of their families are kept, as for any rejected member row.

A stored round is replaced (its answers updated, its members written again, each person still
in it keeping their member row: ``writing``) only when something differs: the survey date,
water, latrine or any member (in file order, including the growth child each is linked to);
otherwise it is left as it is.
"""

import operator
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from kampungkb.core.lookups import keys_in
from kampungkb.core.privacy import mask_nik
from kampungkb.families.importing.parse import FamilyTable
from kampungkb.families.importing.rows import MemberRow
from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga

# (family column key, MemberRow attribute compared, case-insensitive)
_FAMILY_FIELDS = (
    ("desa", "desa_kode", False),
    ("rt", "rt", True),
    ("rw", "rw", True),
    ("alamat", "alamat", True),
    ("sumber_air", "sumber_air", False),
    ("jamban", "jamban", False),
)
# Member fields as stored, in this order (``child_id`` last: the link).
MEMBER_FIELDS = (
    "nik", "nama", "hubungan", "jenis_kelamin", "tanggal_lahir", "status_kawin",
    "usia_kawin_pertama", "hamil", "anak_lahir_hidup", "ber_kb", "metode_kb", "jkn",
    "akta_lahir", "child_id",
)  # fmt: skip


def moved_family_reason() -> str:
    """Why the rows of a No KK registered in another desa are not imported: one text whether
    that desa is inside the user's area or not."""
    return _(
        "This family card number is already registered in another desa, or outside your area; "
        "the family was not moved. Check the No KK and the desa."
    )


@dataclass
class Round:
    """One family's rows of one survey year in the file."""

    no_kk: str
    tahun: int
    rows: list[MemberRow] = field(default_factory=list)
    keluarga_id: int | None = None
    survey_id: int | None = None
    state: str = ""  # "new", "updated" or "unchanged"
    # The family's latest round, in the file and stored: its address is the family's.
    carries_address: bool = False

    @property
    def first(self) -> MemberRow:
        return self.rows[0]

    @cached_property
    def tanggal(self):
        """The round's survey date: the latest of its rows (asked once the rows are in)."""
        return max(r.tanggal for r in self.rows)

    def member_values(self) -> list[tuple]:
        return list(map(_MEMBER_VALUES, self.rows))


_MEMBER_VALUES = operator.attrgetter(*MEMBER_FIELDS)  # a row's member fields, as a tuple
_FAMILY_VALUES = operator.attrgetter(*(attr for _k, attr, _f in _FAMILY_FIELDS))
_FOLDED = tuple(fold for _k, _a, fold in _FAMILY_FIELDS)


def _family_values(row: MemberRow) -> tuple:
    """The family's columns of a row, as compared (text without regard to case)."""
    return tuple(
        v.casefold() if fold else v for v, fold in zip(_FAMILY_VALUES(row), _FOLDED, strict=True)
    )


def nik_in_two_families_reason(no_kk: str, row: int) -> str:
    return _(
        "This NIK is also in another family (No KK %(no_kk)s) in row %(row)d, for the same "
        "survey year; a person belongs to one family card. Keep the person in one family."
    ) % {"no_kk": mask_nik(no_kk), "row": row}


def nik_stored_elsewhere_reason() -> str:
    """Why a member whose NIK is stored in another family for the year is not imported: one
    text whether that family is inside the user's area or not (as ``moved_family_reason``)."""
    return _(
        "This NIK is already stored in another family for the same survey year, in your area "
        "or outside it; a person belongs to one family card. Check the NIK; if the person "
        "moved, upload the family they left, without them, in the same file."
    )


def rows_nik_in_two_families(rows: list[MemberRow], *, table: FamilyTable) -> None:
    """Reject every row of a NIK that the file gives in two or more families (No KK) for one
    survey year, each naming the first row of another family.

    Every occurrence is rejected, not all but the first: nothing in the file says which
    family is right (the first row is only the first written, and the file's order is the
    export's), so keeping one would count the person in a family chosen by chance; rejected,
    the rows come back in the rejected-rows workbook with the rest of both families
    (``rows_beside_rejected``) for a person to decide. The other rows of the families are kept,
    as for any rejected member row. A row read with another error counts too when its No KK,
    NIK and survey date were read: it still claims the person for its family, and both
    problems are reported at once. Twice in one family is ``rounds_group``'s duplicate member.
    A member without a NIK is not compared across families (a name and a date of birth do not
    tell two people apart in a district). One dict pass, no query.
    """
    first: dict[tuple[str, int], MemberRow] = {}
    clashing: dict[tuple[str, int], list[MemberRow]] = {}
    for row in rows:
        if not row.nik or not row.no_kk or row.tanggal is None:
            continue
        key = (row.nik, row.tanggal.year)
        seen = first.setdefault(key, row)
        if seen is not row:  # rare: a list only for a NIK met again
            clashing.setdefault(key, [seen]).append(row)
    for found in clashing.values():
        if len({r.no_kk for r in found}) < 2:
            continue  # twice in one family only
        for row in found:
            other = next(r for r in found if r.no_kk != row.no_kk)
            row.reject(table, "nik", nik_in_two_families_reason(other.no_kk, other.number))


def rounds_group(rows: list[MemberRow], *, table: FamilyTable) -> tuple[list[Round], list[dict]]:
    """Group the valid rows into rounds (file order), after rejecting the rows of a NIK in
    two families (``rows_nik_in_two_families``); reject every row of a round whose family
    columns disagree and return the kept rounds and the conflicts listed."""
    rows_nik_in_two_families(rows, table=table)
    rounds: dict[tuple[str, int], Round] = {}
    seen: dict[tuple, int] = {}  # a member of a round (NIK, else name and birth) -> row
    for row in rows:
        if row.errors:
            continue
        key = (row.no_kk, row.tanggal.year)
        member = (*key, row.nik or (row.nama.casefold(), row.tanggal_lahir))
        if member in seen:
            column = "nik" if row.nik else "nama"
            row.reject(
                table,
                column,
                _("The same member is already in row %(row)d of this family.")
                % {"row": seen[member]},
            )
            continue
        seen[member] = row.number
        rnd = rounds.get(key)
        if rnd is None:  # not setdefault: that would make a Round for every row
            rnd = rounds[key] = Round(no_kk=row.no_kk, tahun=row.tanggal.year)
        rnd.rows.append(row)
    kept: list[Round] = []
    conflicts: list[dict] = []
    for rnd in rounds.values():
        first_raw = _FAMILY_VALUES(rnd.first)
        first = None
        differing: dict[str, list[int]] = {}
        for row in rnd.rows[1:]:
            if _FAMILY_VALUES(row) == first_raw:  # the same as written: no need to fold case
                continue
            first = first or _family_values(rnd.first)
            values = _family_values(row)
            if values == first:
                continue
            for (key, _a, _f), mine, theirs in zip(_FAMILY_FIELDS, values, first, strict=True):
                if mine != theirs:
                    differing.setdefault(key, []).append(row.number)
        if not differing:
            kept.append(rnd)
            continue
        columns = [table.header_of(k) for k in differing]
        numbers = [r.number for r in rnd.rows]
        reason = _(
            "The family's rows disagree on %(columns)s (rows %(rows)s); the family was not "
            "imported. Make these columns the same on every row of the family."
        ) % {"columns": ", ".join(columns), "rows": ", ".join(str(n) for n in numbers)}
        for row in rnd.rows:
            row.reject(table, next(iter(differing)), reason)
        conflicts.append(
            {
                "no_kk": mask_nik(rnd.no_kk),
                "tahun": rnd.tahun,
                "rows": numbers,
                "columns": columns,
            }
        )
    return kept, conflicts


def rows_beside_rejected(rows: list[MemberRow], rounds: list[Round]) -> list[int]:
    """The numbers of the kept rows of each round that also has a rejected row in the file
    (by No KK, and by year where the rejected row's survey date could be read). A file's rows
    of a round replace the stored round, so these rows go back out with the rejected ones
    (``report``): fixed and uploaded again, the file gives the whole family, not the fixed
    rows alone (which would delete the family's other members)."""
    rejected: dict[str, set[int | None]] = {}
    for row in rows:
        if row.errors and row.no_kk:
            year = row.tanggal.year if row.tanggal is not None else None
            rejected.setdefault(row.no_kk, set()).add(year)
    numbers: list[int] = []
    for rnd in rounds:
        years = rejected.get(rnd.no_kk)
        if years and (rnd.tahun in years or None in years):
            numbers.extend(row.number for row in rnd.rows)
    return sorted(numbers)


def rounds_existing(rounds: list[Round], *, table: FamilyTable) -> tuple[list[Round], dict]:
    """Find each round's stored family and round; reject the rounds of families registered
    in another desa. Returns the kept rounds and the stored families by No KK."""
    families: dict[str, dict] = {}
    for keys in keys_in({r.no_kk for r in rounds}):
        for values in (
            Keluarga.objects.filter(no_kk__in=keys)
            .order_by()
            .values("pk", "no_kk", "desa_id", "rt", "rw", "alamat")
        ):
            families[values["no_kk"]] = values
    kept: list[Round] = []
    for rnd in rounds:
        stored = families.get(rnd.no_kk)
        if stored is not None and stored["desa_id"] != rnd.first.desa_kode:
            for row in rnd.rows:
                row.reject(table, "no_kk", moved_family_reason())
            continue
        rnd.keluarga_id = stored["pk"] if stored else None
        kept.append(rnd)
    return kept, families


def _stored_elsewhere(niks, tahun: int, *, replaced=(), only=None):
    """(NIK, family id) of the members stored for year ``tahun`` whose NIK is in ``niks``,
    but not in the families ``replaced`` (the file replaces their round of the year), or, with
    ``only``, in those families alone. The families are filtered first: a file's families are
    left out in SQL, so importing a file again reads no member back."""
    stored = FamilyMember.objects.filter(survey__tahun=tahun).order_by()
    if only is not None:
        stored = stored.filter(survey__keluarga_id__in=only)
    for keys in keys_in(replaced, kind="bigint"):
        stored = stored.exclude(survey__keluarga_id__in=keys)
    for keys in keys_in(niks):
        yield from stored.filter(nik__in=keys).values_list("nik", "survey__keluarga_id")


def rounds_nik_stored_elsewhere(rounds: list[Round], *, table: FamilyTable) -> list[Round]:
    """Reject the members of ``rounds`` whose NIK is stored in another family for the same
    year, unless the file replaces that family's round of the year (a kept round of it: its
    stored members give way to the file's, so a person who moved is imported with both
    families in one file); return the rounds that keep a member.

    Only the file's row is rejected: the stored family was imported earlier, perhaps by
    another area, and an import never changes a family that it does not carry; the reason is
    one text whether that family is inside the user's area or not. A round left without a
    member is not written, so its stored round stays and is checked in turn. One query a
    year and chunk of NIKs (``keys_in``), compared in a dict: no query a row.
    """
    by_year: dict[int, dict[str, MemberRow]] = {}  # the file's members with a NIK
    by_kk: dict[tuple[str, int], Round] = {}
    replaced: dict[int, set[int]] = {}
    for rnd in rounds:
        found = by_year.setdefault(rnd.tahun, {})
        for row in rnd.rows:
            if row.nik:
                found[row.nik] = row
        by_kk[rnd.no_kk, rnd.tahun] = rnd
        if rnd.keluarga_id is not None:
            replaced.setdefault(rnd.tahun, set()).add(rnd.keluarga_id)
    kept = rounds
    only: dict[int, list[int]] | None = None  # after the first pass: the families let go
    while True:
        hit: dict[int, Round] = {}
        for tahun, found in by_year.items():
            if only is None:
                stored = _stored_elsewhere(found, tahun, replaced=sorted(replaced.get(tahun, ())))
            elif only.get(tahun):
                niks = [nik for nik, row in found.items() if not row.errors]
                stored = _stored_elsewhere(niks, tahun, only=only[tahun])
            else:
                continue
            for nik, keluarga_id in stored:
                row = found[nik]
                rnd = by_kk[row.no_kk, tahun]
                if rnd.keluarga_id != keluarga_id and not row.errors:
                    row.reject(table, "nik", nik_stored_elsewhere_reason())
                    hit[id(rnd)] = rnd
        if not hit:
            return kept
        only = {}
        for rnd in hit.values():
            rnd.rows = [r for r in rnd.rows if not r.errors]
            if not rnd.rows and rnd.keluarga_id is not None:
                only.setdefault(rnd.tahun, []).append(rnd.keluarga_id)
        kept = [r for r in kept if r.rows]
        if not only:
            return kept


def rounds_compare(rounds: list[Round], families: dict[str, dict]) -> None:
    """Set each round's ``state`` (and ``survey_id`` when stored) against the database. The
    latest round of a family in the file also carries its address (RT, RW, Alamat) unless a
    later round is stored (a file of an earlier round leaves the newer address): a new
    address makes that round "updated" (``families``: the stored families by No KK)."""
    by_key = {(r.keluarga_id, r.tahun): r for r in rounds if r.keluarga_id is not None}
    surveys: dict[int, tuple] = {}
    newest: dict[int, int] = {}  # the latest stored round (year) of each family
    for keys in keys_in({k for k, _t in by_key}, kind="bigint"):
        for sid, kid, tahun, tanggal, air, jamban in (
            FamilySurvey.objects.filter(keluarga_id__in=keys)
            .order_by()
            .values_list("pk", "keluarga_id", "tahun", "tanggal_pendataan", "sumber_air", "jamban")
        ):
            newest[kid] = max(newest.get(kid, tahun), tahun)
            rnd = by_key.get((kid, tahun))
            if rnd is not None:
                rnd.survey_id = sid
                surveys[sid] = (tanggal, air, jamban)
    members: dict[int, list[tuple]] = {}
    for keys in keys_in(surveys, kind="bigint"):
        for values in (
            FamilyMember.objects.filter(survey_id__in=keys)
            .order_by("survey_id", "urutan", "pk")
            .values_list("survey_id", *MEMBER_FIELDS)
        ):
            members.setdefault(values[0], []).append(tuple(values[1:]))
    latest: dict[str, Round] = {}
    for rnd in rounds:
        if rnd.no_kk not in latest or rnd.tahun > latest[rnd.no_kk].tahun:
            latest[rnd.no_kk] = rnd
    for rnd in latest.values():
        rnd.carries_address = rnd.tahun >= newest.get(rnd.keluarga_id, rnd.tahun)
    for rnd in rounds:
        if rnd.survey_id is None:
            rnd.state = "new"
            continue
        first = rnd.first
        same = surveys[rnd.survey_id] == (rnd.tanggal, first.sumber_air, first.jamban) and (
            members.get(rnd.survey_id, []) == rnd.member_values()
        )
        if same and rnd.carries_address:
            stored = families[rnd.no_kk]
            same = (stored["rt"], stored["rw"], stored["alamat"]) == (
                first.rt,
                first.rw,
                first.alamat,
            )
        rnd.state = "unchanged" if same else "updated"
