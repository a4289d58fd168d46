"""One spreadsheet row into typed values, or into reasons it cannot be stored.

Only what can be read from the row itself is checked here (a date that is not a date, a
missing sex, a NIK that is not 16 digits). What depends on the child or the database (a
measurement before birth, an impossible weight) is checked by
``growth.services.validate_measurement_values``, the same rules as the form.
"""

import datetime
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from types import MappingProxyType

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.core.validators import is_in_future
from kampungkb.growth.importing import parse as p
from kampungkb.growth.importing.cells import PLACES, PMT_BELOW
from kampungkb.growth.importing.parse import Table

#: A NIK cell holding a number too large for a spreadsheet to keep exact (``parse.NumberNotExact``).
NIK_AS_NUMBER = gettext_lazy(
    "This NIK is stored as a number, and a spreadsheet cannot hold a number this large to its "
    "last digit: format the column as text and type the NIK again."
)

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


_PLAIN = frozenset((str, type(None)))
_VALUE = itemgetter(0)  # of a converter's (value, reason)


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


def _each_distinct(cells: list, convert) -> tuple[list, list[tuple[int, str]]]:
    """The values of ``convert`` (cell -> (value, reason or None)) of each cell, and the
    (position, reason) of the cells it gives a reason for. ``convert`` is called once per
    distinct cell (and cell type: 1, 1.0 and True are equal keys but differ as cells): a
    file repeats the same dates, sexes, places and weights row after row."""
    kinds = set(map(type, cells))
    if kinds <= _PLAIN:  # a csv, or text cells: no two kinds compare equal
        outcomes = {cell: convert(cell) for cell in dict.fromkeys(cells)}
        values = dict(zip(outcomes, map(_VALUE, outcomes.values()), strict=True))
        out = list(map(values.__getitem__, cells))
        bad = {cell: outcome[1] for cell, outcome in outcomes.items() if outcome[1] is not None}
        if not bad:
            return out, []
        return out, [(i, bad[cell]) for i, cell in enumerate(cells) if cell in bad]
    seen: dict = {}
    out, reasons = [], []
    for i, cell in enumerate(cells):
        try:
            key = (cell.__class__, cell)
            outcome = seen.get(key) or seen.setdefault(key, convert(cell))
        except TypeError:  # an unhashable cell value
            outcome = convert(cell)
        out.append(outcome[0])
        if outcome[1] is not None:
            reasons.append((i, outcome[1]))
    return out, reasons


def _typed(parser, reason: str, *args):
    """A converter giving (value, None), or (None, the reason) for a cell ``parser`` cannot
    read; ``reason`` has a %(value)s for the cell as written."""

    def convert(cell):
        try:
            return parser(cell, *args), None
        except (ValueError, OverflowError):
            return None, reason % {"value": p.text(cell)}

    return convert


class _Readers:
    """Each column's converter, cell -> (value, reason or None), in the order a row's
    reasons are listed; the translated reasons are made once per file, not per row."""

    def __init__(self, today: datetime.date):
        date_reason = _("'%(value)s' is not a date; write it as dd/mm/yyyy.")
        number_reason = _("'%(value)s' is not a number.")
        self.number = lambda places: _typed(p.parse_decimal, number_reason, places)
        self.date = _typed(p.parse_date, date_reason)
        self.today = today

    @staticmethod
    def nik(cell):
        try:
            return p.parse_nik(cell), None
        except p.NumberNotExact:
            return None, str(NIK_AS_NUMBER)
        except ValueError:
            return None, _("A NIK has exactly 16 digits.")

    @staticmethod
    def nama(cell):
        nama = _text(cell)
        return nama, None if nama else _("Fill in the child's name.")

    @staticmethod
    def sex(cell):
        try:
            sex = p.parse_sex(cell)
        except ValueError:
            reason = _("'%(value)s' is not a sex; write L or P.")
            return None, reason % {"value": p.text(cell)}
        return sex, None if sex is not None else _("Fill in the sex: L or P.")

    def born(self, cell):
        value, reason = self.date(cell)
        if value is None and p.is_blank(cell):
            return None, _("Fill in the date of birth.")
        if reason is None and value is not None and is_in_future(value, today=self.today):
            return value, _("The date of birth cannot be in the future.")
        return value, reason

    def birth_number(self, places: int, low, high):
        """e-PPGBM writes 0 for "not known" in the birth columns: outside [low, high] is
        not known."""
        number = self.number(places)

        def convert(cell):
            value, reason = number(cell)
            if value is not None and not low <= value <= high:
                value = None
            return value, reason

        return convert

    def pmt(self, cell):
        value, reason = self.number(PLACES["pmt"])(cell)
        if value is not None and not 0 <= value < PMT_BELOW:
            reason = _("Must be between %(low)s and %(high)s.") % {"low": 0, "high": 9999}
        return value, reason

    @staticmethod
    def method(cell):
        try:
            return p.parse_method(cell), None
        except ValueError:
            reason = _(
                "'%(value)s' is not a way of measuring; write Telentang (PB) or Berdiri (TB)."
            )
            return "", reason % {"value": p.text(cell)}

    def vitamin_a(self, cell):
        value, reason = self.number(PLACES["vit_a"])(cell)
        return bool(value and value > 0), reason

    @staticmethod
    def kia(cell):
        try:
            return p.parse_yes_no(cell), None
        except ValueError:
            return None, _("'%(value)s' is not Ya or Tidak.") % {"value": p.text(cell)}

    @staticmethod
    def z(cell):
        try:
            return p.parse_float(cell), None
        except ValueError:
            return None, None  # the file's own z-scores are only compared, never required


def _texts(limit: int | None = None):
    if limit is None:
        return lambda cell: (_text(cell), None)
    return lambda cell: (sys.intern(_text(cell)[:limit]), None)


# Row attribute, file column key, converter (from ``_Readers``), in the order of a row's
# reasons; ``None`` as attribute: read for its reason only.
def _plan(r: _Readers):
    return (
        ("nik", "nik", r.nik),
        ("nama", "nama", r.nama),
        ("jenis_kelamin", "jk", r.sex),
        ("tanggal_lahir", "tgl_lahir", r.born),
        ("berat_lahir", "bb_lahir", r.birth_number(PLACES["bb_lahir"], Decimal("0.3"), 7)),
        ("panjang_lahir", "tb_lahir", r.birth_number(PLACES["tb_lahir"], 20, 65)),
        ("nama_ibu", "nama_ortu", _texts(150)),
        ("kec", "kec", _texts()),
        ("desa", "desa", _texts()),
        ("puskesmas", "puskesmas", _texts(150)),
        ("posyandu", "posyandu", _texts(150)),
        ("rt", "rt", _texts(3)),
        ("rw", "rw", _texts(3)),
        ("alamat", "alamat", _texts(250)),
        ("tanggal", "tanggal", r.date),
        ("berat", "berat", r.number(PLACES["berat"])),
        ("tinggi", "tinggi", r.number(PLACES["tinggi"])),
        ("lila", "lila", r.number(PLACES["lila"])),
        ("pmt_kg", "pmt", r.pmt),
        ("cara_ukur", "cara_ukur", r.method),
        ("vitamin_a", "vit_a", r.vitamin_a),
        ("punya_buku_kia", "kia", r.kia),
    )


#: The attributes of a :class:`Row`, in the order of its fields (positional arguments).
_ROW_FIELDS = tuple(f.name for f in fields(Row))


def rows_read(table: Table, records=None) -> list[Row]:
    """Read every row of ``table`` (or ``records``, (number, cells) pairs) into typed values;
    reasons for what cannot be read go to each row's ``errors``, in the order of the columns
    in ``_plan``.

    Column by column: each distinct cell of a column is converted once, and a row is made
    with all its values at once."""
    records = list(table.rows if records is None else records)
    all_cells = [cells for _number, cells in records]
    readers = _Readers(datetime.date.today())
    columns = table.columns

    width = min(map(len, all_cells), default=0)
    # Every row as wide (a csv as written, an xlsx padded to its width): the file's columns
    # in one pass in C, instead of a pass over the rows for each column read.
    even = all_cells and width == max(map(len, all_cells))
    whole = list(zip(*all_cells, strict=True)) if even else None

    def cells_at(key) -> Sequence:
        i = columns.get(key)
        if i is None:
            return [None] * len(all_cells)
        if whole is not None:
            return whole[i]
        if i < width:
            return list(map(itemgetter(i), all_cells))
        return [cells[i] if i < len(cells) else None for cells in all_cells]

    def column(key, convert):
        return _each_distinct(cells_at(key), convert)

    values: dict[str, list] = {"number": [number for number, _cells in records]}
    reasons = []
    for attr, key, convert in _plan(readers):
        values[attr], found = column(key, convert)
        reasons.append((key, found))
    n = len(records)
    unread = {"errors": (), "zscores": _NO_ZSCORES, "desa_kode": "", "match_key": ""}
    tanggal_cells = cells_at("tanggal")
    values["date_unreadable"] = [
        day is None and not p.is_blank(cell)
        for day, cell in zip(values["tanggal"], tanggal_cells, strict=True)
    ]
    zscores = [(z_field, column(key, readers.z)[0]) for key, z_field in ZSCORE_COLUMNS]
    rows = [
        Row(*row)
        for row in zip(
            *(values[f] if f in values else repeat(unread[f], n) for f in _ROW_FIELDS),
            strict=True,
        )
    ]
    for z_field, found in zscores:
        for row, z in zip(rows, found, strict=True):
            if z is not None:
                if row.zscores is _NO_ZSCORES:
                    row.zscores = {}
                row.zscores[z_field] = z
    for key, found in reasons:
        for i, reason in found:
            rows[i].reject(table, key, reason)
    return rows


def read_row(table: Table, number: int, cells: list) -> Row:
    """Read the cells of one row; reasons for what cannot be read go to ``row.errors``."""
    return rows_read(table, [(number, cells)])[0]
