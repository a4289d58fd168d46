"""The rows of a family-survey file read a column at a time: each distinct cell value of a
column is parsed once, every other cell is a dictionary lookup.

A file of 200,000 member rows holds a few thousand distinct values per column (one survey
date, a few hundred desa, codes, Y and T); reading each cell with ``rows.read_row`` parsed
the same text again and again. Here a frame of rows (a couple of thousand, as the reader
wrote them) is cut into columns; each column's new values are parsed by the same parsers
``read_row`` uses, and a value that ``read_row`` would reject marks its rows. A marked row,
and a row whose columns disagree (born after the survey, a pregnant man, a method without
Ber-KB) or whose desa does not resolve, is read again by ``read_row`` and ``desa_resolve``:
the rejected rows get exactly their reasons, in their order, and every other row exactly the
values ``read_row`` gives (the tests read files both ways and compare).
"""

import datetime
from itertools import repeat
from operator import itemgetter

from kampungkb.core.validators import is_in_future
from kampungkb.families.importing.codes import parse_code
from kampungkb.families.importing.parse import FamilyTable
from kampungkb.families.importing.places import desa_find, desa_resolve
from kampungkb.families.importing.rows import EARLIEST_BIRTH, MemberRow, read_row, whole_number
from kampungkb.growth.importing import parse as p
from kampungkb.growth.importing.wilayah import WilayahIndex

__all__ = ["rows_read", "rows_read_each"]

_BAD = object()  # the value of a cell that read_row rejects
_PLAIN = frozenset((str, type(None)))


class _Bad(Exception):
    pass


def _sixteen_digits(raw) -> bool:
    """What most NIK cells are, and what ``parse_nik`` returns as it is (its regular
    expression would take other scripts' digits too: those go to it)."""
    return type(raw) is str and len(raw) == 16 and raw.isdigit() and raw.isascii()


def _no_kk(raw, today):
    if _sixteen_digits(raw):
        return raw
    value = p.parse_nik(raw)
    if not value:
        raise _Bad
    return value


def _text(raw, today):
    return p.text(raw)


def _text10(raw, today):
    return p.text(raw)[:10]


def _text255(raw, today):
    return p.text(raw)[:255]


def _nik(raw, today):
    if _sixteen_digits(raw):
        return raw
    return p.parse_nik(raw) or ""


def _nama(raw, today):
    value = p.text(raw)[:150]
    if not value:
        raise _Bad
    return value


def _relation(raw, today):
    value = parse_code(raw, "relation")
    if value is None and p.is_blank(raw):
        raise _Bad
    return value


def _sex(raw, today):
    value = p.parse_sex(raw)
    if value is None:
        raise _Bad
    return value


def _born(raw, today):
    day = p.parse_date(raw)
    if day is None or is_in_future(day, today=today) or day < EARLIEST_BIRTH:
        raise _Bad
    return day


def _survey(raw, today):
    day = p.parse_date(raw)
    if day is None or is_in_future(day, today=today):
        raise _Bad
    return day


def _coded(name):
    def read(raw, today):
        return parse_code(raw, name)

    return read


def _method(raw, today):
    return parse_code(raw, "method") or ""


def _whole(low, high):
    def read(raw, today):
        number = whole_number(raw)
        if number is None:
            return None
        if not low <= number <= high:
            raise _Bad
        return int(number)

    return read


def _yes_no(raw, today):
    return p.parse_yes_no(raw)


# Column key and its reader, in the order of MemberRow's fields (after number and errors).
READERS = (
    ("no_kk", _no_kk),
    ("kec", _text),
    ("desa", _text),
    ("rt", _text10),
    ("rw", _text10),
    ("alamat", _text255),
    ("nik", _nik),
    ("nama", _nama),
    ("hubungan", _relation),
    ("jk", _sex),
    ("tgl_lahir", _born),
    ("status_kawin", _coded("marital")),
    ("usia_kawin", _whole(10, 80)),
    ("hamil", _yes_no),
    ("anak_lahir_hidup", _whole(0, 30)),
    ("ber_kb", _yes_no),
    ("metode_kb", _method),
    ("sumber_air", _coded("water")),
    ("jamban", _coded("latrine")),
    ("jkn", _yes_no),
    ("akta", _yes_no),
    ("tanggal", _survey),
)


# Columns whose cells are nearly all distinct (a member's NIK and name): each cell is read
# as it comes, with no cache of the values seen (which would only grow), unless a cell of the
# frame is refused, when the frame's column is read as the others are.
DISTINCT = frozenset({"nik", "nama"})


def _values_distinct(cells: list, cache: dict, read, today: datetime.date) -> list:
    """:func:`_values` of a column of nearly all distinct cells: the same values."""
    try:
        return list(map(read, cells, repeat(today)))
    except (_Bad, ValueError, OverflowError):
        return _values(cells, cache, read, today)


def _values(cells: list, cache: dict, read, today: datetime.date) -> list:
    """The column's values (``_BAD`` where read_row rejects the cell), each new distinct
    cell read once. Cells are told apart by type too (1, 1.0 and True read differently)."""
    typed = not set(map(type, cells)) <= _PLAIN
    keys = list(zip(map(type, cells), cells, strict=True)) if typed else cells
    for key in set(keys).difference(cache):
        raw = key[1] if typed else key
        try:
            cache[key] = read(raw, today)
        except (_Bad, ValueError, OverflowError):
            cache[key] = _BAD
    return list(map(cache.__getitem__, keys))


def _row_each(table: FamilyTable, index: WilayahIndex, number: int, cells: list) -> MemberRow:
    row = read_row(table, number, cells)
    if not row.errors:
        desa_resolve(row, table=table, index=index)
    return row


def rows_read_each(table: FamilyTable, index: WilayahIndex) -> list[MemberRow]:
    """Every row read by ``read_row`` one at a time (what ``rows_read`` is compared with)."""
    return [_row_each(table, index, number, cells) for number, cells in table.rows]


def rows_read(table: FamilyTable, index: WilayahIndex) -> list[MemberRow]:
    """Read every row under the header (``MemberRow``, with its reasons if rejected) and
    find its desa, a column at a time."""
    caches: dict[str, dict] = {key: {} for key, _read in READERS}
    places: dict[tuple[str, str], str | None] = {}
    needed = max(table.columns.values()) + 1
    out: list[MemberRow] = []
    for numbers, frame in table.frames:
        if not frame:
            continue
        if min(map(len, frame)) < needed:  # a short csv row: its missing cells are empty
            for cells in frame:
                if len(cells) < needed:
                    cells.extend([None] * (needed - len(cells)))
        columns = []
        bad: set[int] = set()
        for key, read in READERS:
            at = table.columns.get(key)
            cells = list(map(itemgetter(at), frame)) if at is not None else [None] * len(frame)
            values = (_values_distinct if key in DISTINCT else _values)(
                cells, caches[key], read, table.today
            )
            if _BAD in values:
                bad.update(i for i, v in enumerate(values) if v is _BAD)
            columns.append(values)
        for i, row in enumerate(zip(numbers, *columns, strict=True)):
            (number, no_kk, kec, desa, rt, rw, alamat, nik, nama, hubungan, jk, born, kawin,
             usia, hamil, anak, ber_kb, metode, air, jamban, jkn, akta, survey) = row  # fmt: skip
            if i in bad or born > survey or (hamil and jk == "L") or (metode and ber_kb is False):
                out.append(_row_each(table, index, number, frame[i]))
                continue
            place = (kec, desa)
            kode = places.get(place, _BAD)
            if kode is _BAD:
                kode = places[place] = desa_find(kec, desa, index=index).kode
            if kode is None:
                out.append(_row_each(table, index, number, frame[i]))
                continue
            out.append(
                MemberRow(
                    number, [], no_kk, kec, desa, rt, rw, alamat, nik, nama, hubungan, jk,
                    born, kawin, usia, bool(hamil), anak, bool(ber_kb) or bool(metode), metode,
                    air, jamban, jkn, akta, survey, kode,
                )
            )  # fmt: skip
    return out
