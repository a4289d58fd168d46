"""One row of a family-survey file into typed values, or into reasons it cannot be stored.

Only what can be read from the row itself is checked here (a date that is not a date, a code
that is no code, a NIK that is not 16 digits, a pregnant man); what depends on the other rows
of the family (the family's columns disagreeing) is checked in ``planning``.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.core.validators import is_in_future
from kampungkb.families.importing.codes import parse_code
from kampungkb.families.importing.parse import FamilyTable
from kampungkb.growth.importing import parse as p
from kampungkb.growth.importing.rows import NIK_AS_NUMBER, RowError

NO_KK_AS_NUMBER = gettext_lazy(
    "This family card number is stored as a number, and a spreadsheet cannot hold a number this "
    "large to its last digit: format the column as text and type the number again."
)

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
WHOLE_PLACES = 6  # the decimals a whole-number cell is read with before it is checked


class NotWhole(ValueError):
    """A number cell with a fraction where a whole number is asked for."""


__all__ = ["MemberRow", "RowError", "read_row"]

# Why a coded cell is refused (translated only for a row that has one).
REASONS = {
    "relation": gettext_lazy(
        "'%(value)s' is not a relation; write 1 Kepala keluarga, 2 Istri/Suami, 3 Anak or "
        "4 Lainnya."
    ),
    "marital": gettext_lazy(
        "'%(value)s' is not a marital status; write 1 Belum kawin, 2 Kawin, 3 Cerai hidup or "
        "4 Cerai mati."
    ),
    "method": gettext_lazy(
        "'%(value)s' is not a contraceptive method; write Pil, Suntik, IUD, Implan, MOW, MOP, "
        "Kondom, MAL or Tradisional."
    ),
    "water": gettext_lazy(
        "'%(value)s' is not a drinking-water source; write a code from 1 to 10 or its name."
    ),
    "latrine": gettext_lazy("'%(value)s' is not a latrine; write a code from 1 to 4 or its name."),
}


@dataclass(slots=True)
class MemberRow:
    """A member row's values, typed. ``errors`` is empty when the row can be stored."""

    number: int
    errors: list[RowError] = field(default_factory=list)
    no_kk: str = ""
    kec: str = ""
    desa: str = ""
    rt: str = ""
    rw: str = ""
    alamat: str = ""
    nik: str = ""
    nama: str = ""
    hubungan: int | None = None
    jenis_kelamin: str | None = None
    tanggal_lahir: datetime.date | None = None
    status_kawin: int | None = None
    usia_kawin_pertama: int | None = None
    hamil: bool = False
    anak_lahir_hidup: int | None = None
    ber_kb: bool = False
    metode_kb: str = ""
    sumber_air: int | None = None
    jamban: int | None = None
    jkn: bool | None = None
    akta_lahir: bool | None = None
    tanggal: datetime.date | None = None
    desa_kode: str = ""
    child_id: int | None = None

    def reject(self, table: FamilyTable, key: str, reason: str) -> None:
        self.errors.append(RowError(self.number, table.header_of(key), reason))


def _coded(row, table, get, key, name, reason):
    try:
        return parse_code(get(key), name)
    except ValueError:
        row.reject(table, key, str(reason) % {"value": p.text(get(key))})
        return None


def whole_number(value):
    """The whole number of a cell (3, 3.0, "3,0"); ``None`` for an empty cell; ValueError
    when it is no number, :class:`NotWhole` when it has a fraction (a count or an age in
    years is never rounded: 3.5 live births would become 4, "more than 3")."""
    number = p.parse_decimal(value, WHOLE_PLACES)
    if number is not None and number != number.to_integral_value():
        raise NotWhole(value)
    return number


def _whole(row, table, get, key, low, high):
    try:
        number = whole_number(get(key))
    except NotWhole:
        row.reject(
            table, key, _("'%(value)s' is not a whole number.") % {"value": p.text(get(key))}
        )
        return None
    except (ValueError, OverflowError):
        row.reject(table, key, _("'%(value)s' is not a number.") % {"value": p.text(get(key))})
        return None
    if number is None:
        return None
    if not low <= number <= high:
        row.reject(
            table, key, _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
        return None
    return int(number)


def _yes_no(row, table, get, key):
    try:
        return p.parse_yes_no(get(key))
    except ValueError:
        row.reject(table, key, _("'%(value)s' is not Ya or Tidak.") % {"value": p.text(get(key))})
        return None


def _date(row, table, get, key, missing):
    value = get(key)
    try:
        day = p.parse_date(value)
    except (ValueError, OverflowError):
        row.reject(
            table,
            key,
            _("'%(value)s' is not a date; write it as dd/mm/yyyy.") % {"value": p.text(value)},
        )
        return None
    if day is None:
        row.reject(table, key, str(missing))
    return day


def read_row(table: FamilyTable, number: int, cells: list) -> MemberRow:
    """Read the cells of one row; reasons for what cannot be read go to ``row.errors``."""
    row = MemberRow(number=number)
    n = len(cells)
    get = {key: cells[i] for key, i in table.columns.items() if i < n}.get

    try:
        row.no_kk = p.parse_nik(get("no_kk")) or ""
    except p.NumberNotExact:
        row.reject(table, "no_kk", str(NO_KK_AS_NUMBER))
    except ValueError:
        row.reject(table, "no_kk", _("A family card number has exactly 16 digits."))
    else:
        if not row.no_kk:
            row.reject(table, "no_kk", _("Fill in the family card number (No KK)."))
    row.kec = p.text(get("kec"))
    row.desa = p.text(get("desa"))
    row.rt = p.text(get("rt"))[:10]
    row.rw = p.text(get("rw"))[:10]
    row.alamat = p.text(get("alamat"))[:255]
    try:
        row.nik = p.parse_nik(get("nik")) or ""
    except p.NumberNotExact:
        row.reject(table, "nik", str(NIK_AS_NUMBER))
    except ValueError:
        row.reject(table, "nik", _("A NIK has exactly 16 digits."))
    row.nama = p.text(get("nama"))[:150]
    if not row.nama:
        row.reject(table, "nama", _("Fill in the member's name."))
    row.hubungan = _coded(row, table, get, "hubungan", "relation", REASONS["relation"])
    if row.hubungan is None and p.is_blank(get("hubungan")):
        row.reject(table, "hubungan", _("Fill in the relation to the head of the family."))
    try:
        row.jenis_kelamin = p.parse_sex(get("jk"))
        if row.jenis_kelamin is None:
            row.reject(table, "jk", _("Fill in the sex: L or P."))
    except ValueError:
        row.reject(
            table, "jk", _("'%(value)s' is not a sex; write L or P.") % {"value": p.text(get("jk"))}
        )
    row.tanggal_lahir = _date(
        row, table, get, "tgl_lahir", gettext_lazy("Fill in the date of birth.")
    )
    row.tanggal = _date(row, table, get, "tanggal", gettext_lazy("Fill in the survey date."))
    if row.tanggal_lahir is not None:
        if is_in_future(row.tanggal_lahir, today=table.today):
            row.reject(table, "tgl_lahir", _("The date of birth cannot be in the future."))
        elif row.tanggal_lahir < EARLIEST_BIRTH:
            row.reject(table, "tgl_lahir", _("The date of birth is before 1900."))
        elif row.tanggal is not None and row.tanggal_lahir > row.tanggal:
            row.reject(table, "tgl_lahir", _("The date of birth is after the survey date."))
    if row.tanggal is not None and is_in_future(row.tanggal, today=table.today):
        row.reject(table, "tanggal", _("The survey date cannot be in the future."))
    row.status_kawin = _coded(row, table, get, "status_kawin", "marital", REASONS["marital"])
    row.usia_kawin_pertama = _whole(row, table, get, "usia_kawin", 10, 80)
    row.hamil = bool(_yes_no(row, table, get, "hamil"))
    if row.hamil and row.jenis_kelamin == "L":
        row.reject(table, "hamil", _("Only a woman can be pregnant; check Hamil and JK."))
    row.anak_lahir_hidup = _whole(row, table, get, "anak_lahir_hidup", 0, 30)
    ber_kb = _yes_no(row, table, get, "ber_kb")
    row.metode_kb = _coded(row, table, get, "metode_kb", "method", REASONS["method"]) or ""
    if row.metode_kb and ber_kb is False:
        row.reject(
            table, "metode_kb", _("A method is given but Ber-KB says Tidak; correct one of them.")
        )
    row.ber_kb = bool(ber_kb) or bool(row.metode_kb)
    row.sumber_air = _coded(row, table, get, "sumber_air", "water", REASONS["water"])
    row.jamban = _coded(row, table, get, "jamban", "latrine", REASONS["latrine"])
    row.jkn = _yes_no(row, table, get, "jkn")
    row.akta_lahir = _yes_no(row, table, get, "akta")
    return row
