"""One spreadsheet row into typed values, or into reasons it cannot be stored.

Only what can be read from the row itself is checked here (a date that is not a date, a
missing sex, a NIK that is not 16 digits). What depends on the child or the database (a
measurement before birth, an impossible weight) is checked by
``growth.services.validate_measurement_values``, the same rules as the form.
"""

import datetime
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from django.utils.translation import gettext as _

from kampungkb.core.validators import is_in_future
from kampungkb.growth.importing import parse as p
from kampungkb.growth.importing.parse import Table

# Measurement model field -> file column key, for the reasons of the shared validation.
FIELD_COLUMN = {
    "tanggal": "tanggal",
    "berat": "berat",
    "tinggi": "tinggi",
    "lila": "lila",
    "lingkar_kepala": "berat",
    "cara_ukur": "cara_ukur",
    "posyandu": "posyandu",
}
# Measurement fields an import sets, with the file column each comes from.
MEASUREMENT_COLUMNS = {
    "berat": "berat",
    "tinggi": "tinggi",
    "cara_ukur": "cara_ukur",
    "lila": "lila",
    "pmt_kg": "pmt",
    "vitamin_a": "vit_a",
}
ZSCORE_COLUMNS = (("zs_bbu", "zwei"), ("zs_tbu", "zlen"), ("zs_bbtb", "zwfl"))
_NO_ZSCORES: Mapping[str, float] = MappingProxyType({})


def _text(value) -> str:
    # Interned: places, names and addresses repeat row after row (one object, not 200,000).
    return sys.intern(p.text(value))


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass(slots=True)
class Row:
    """A row's values, typed. ``errors`` is empty when the row can be stored.

    A file makes hundreds of thousands of rows: they hold no cells (``Table.cells_of`` reads
    the cells of the rejected ones again) and no dict (slots).
    """

    number: int
    errors: list[RowError] | tuple = ()  # a list from the first reason on
    nik: str | None = None
    nama: str = ""
    jenis_kelamin: str | None = None
    tanggal_lahir: datetime.date | None = None
    berat_lahir: Decimal | None = None
    panjang_lahir: Decimal | None = None
    nama_ibu: str = ""
    kec: str = ""
    desa: str = ""
    puskesmas: str = ""
    posyandu: str = ""
    rt: str = ""
    rw: str = ""
    alamat: str = ""
    tanggal: datetime.date | None = None
    berat: Decimal | None = None
    tinggi: Decimal | None = None
    cara_ukur: str = ""
    lila: Decimal | None = None
    pmt_kg: Decimal | None = None
    vitamin_a: bool = False
    punya_buku_kia: bool | None = None
    # model field -> the file's z; one shared empty mapping for the rows without any
    zscores: Mapping[str, float] = field(default_factory=lambda: _NO_ZSCORES)
    desa_kode: str = ""
    match_key: str = ""
    date_unreadable: bool = False

    def reject(self, table: Table, key: str, reason: str) -> None:
        if not self.errors:
            self.errors = []
        self.errors.append(RowError(self.number, table.header_of(key), reason))


def read_row(table: Table, number: int, cells: list) -> Row:
    """Read the cells of one row; reasons for what cannot be read go to ``row.errors``."""
    row = Row(number=number)
    n = len(cells)
    # The row's cells by column key, once (a key the file lacks, or a short row, gives None).
    get = {key: cells[i] for key, i in table.columns.items() if i < n}.get

    def typed(key, parser, reason, *args):
        value = get(key)
        try:
            return parser(value, *args)
        except (ValueError, OverflowError):
            row.reject(table, key, reason % {"value": p.text(value)})
            return None

    date_reason = _("'%(value)s' is not a date; write it as dd/mm/yyyy.")
    number_reason = _("'%(value)s' is not a number.")

    try:
        row.nik = p.parse_nik(get("nik"))
    except ValueError:
        row.reject(table, "nik", _("A NIK has exactly 16 digits."))
    row.nama = _text(get("nama"))
    if not row.nama:
        row.reject(table, "nama", _("Fill in the child's name."))
    try:
        row.jenis_kelamin = p.parse_sex(get("jk"))
        if row.jenis_kelamin is None:
            row.reject(table, "jk", _("Fill in the sex: L or P."))
    except ValueError:
        row.reject(
            table, "jk", _("'%(value)s' is not a sex; write L or P.") % {"value": p.text(get("jk"))}
        )
    row.tanggal_lahir = typed("tgl_lahir", p.parse_date, date_reason)
    if row.tanggal_lahir is None and p.is_blank(get("tgl_lahir")):
        row.reject(table, "tgl_lahir", _("Fill in the date of birth."))
    elif is_in_future(row.tanggal_lahir):
        row.reject(table, "tgl_lahir", _("The date of birth cannot be in the future."))
    row.berat_lahir = typed("bb_lahir", p.parse_decimal, number_reason, 2)
    row.panjang_lahir = typed("tb_lahir", p.parse_decimal, number_reason, 1)
    # e-PPGBM writes 0 for "not known" in the birth columns.
    if row.berat_lahir is not None and not Decimal("0.3") <= row.berat_lahir <= 7:
        row.berat_lahir = None
    if row.panjang_lahir is not None and not 20 <= row.panjang_lahir <= 65:
        row.panjang_lahir = None
    row.nama_ibu = _text(get("nama_ortu"))[:150]
    row.kec = _text(get("kec"))
    row.desa = _text(get("desa"))
    row.puskesmas = _text(get("puskesmas"))[:150]
    row.posyandu = _text(get("posyandu"))[:150]
    row.rt = _text(get("rt"))[:3]
    row.rw = _text(get("rw"))[:3]
    row.alamat = _text(get("alamat"))[:250]
    row.tanggal = typed("tanggal", p.parse_date, date_reason)
    row.date_unreadable = row.tanggal is None and not p.is_blank(get("tanggal"))
    row.berat = typed("berat", p.parse_decimal, number_reason, 3)
    row.tinggi = typed("tinggi", p.parse_decimal, number_reason, 2)
    row.lila = typed("lila", p.parse_decimal, number_reason, 2)
    row.pmt_kg = typed("pmt", p.parse_decimal, number_reason, 2)
    if row.pmt_kg is not None and not 0 <= row.pmt_kg < 10_000:
        between = _("Must be between %(low)s and %(high)s.") % {"low": 0, "high": 9999}
        row.reject(table, "pmt", between)
    try:
        row.cara_ukur = p.parse_method(get("cara_ukur"))
    except ValueError:
        row.reject(
            table,
            "cara_ukur",
            _("'%(value)s' is not a way of measuring; write Telentang (PB) or Berdiri (TB).")
            % {"value": p.text(get("cara_ukur"))},
        )
    vit_a = typed("vit_a", p.parse_decimal, number_reason, 0)
    row.vitamin_a = bool(vit_a and vit_a > 0)
    try:
        row.punya_buku_kia = p.parse_yes_no(get("kia"))
    except ValueError:
        row.reject(
            table, "kia", _("'%(value)s' is not Ya or Tidak.") % {"value": p.text(get("kia"))}
        )
    zscores = {}
    for key, z_field in ZSCORE_COLUMNS:
        try:
            z = p.parse_float(get(key))
        except ValueError:
            z = None  # the file's own z-scores are only compared, never required
        if z is not None:
            zscores[z_field] = z
    if zscores:
        row.zscores = zscores
    return row
