"""The xlsx reader's fast path (plain rows read by regular expressions, rows of one shape a
batch at a time) gives exactly what expat alone gives: the same rows, typed cells, width and
refusals, on workbooks written by openpyxl and on crafted sheets with everything that sends
a row, or the rest of the sheet, back to expat."""

import datetime

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from kampungkb.growth.importing.reader_rows import MAX_CELL_CHARS, Refused
from kampungkb.growth.importing.reader_xlsx import read_sheet
from tests.growth import hostile_files as hostile

LIMITS = {"max_rows": 5_000, "max_columns": 300, "max_uncompressed_mb": 100}


class _Rows:
    """Where the reader writes its rows (in place of the frames it writes in its process)."""

    def __init__(self):
        self.rows = []

    def row(self, number, cells, special, chars):
        self.rows.append((number, list(cells), list(special) if special else None))


def _read(path, *, fast: bool, limits=LIMITS):
    out = _Rows()
    try:
        reader = read_sheet(str(path), limits, out, fast=fast)
    except Refused as refused:
        return out.rows, ("refused", refused.args[0], refused.details), (0, 0)
    return (
        out.rows,
        (reader.written, reader.width, reader.far),
        (
            reader.read_fast,
            reader.read_batched,
        ),
    )


def _same(path, *, limits=LIMITS) -> tuple[list, int]:
    """The rows, the same both ways; and how many the fast path read (and of them, how many
    in batches of one shape)."""
    rows, outcome, fast_rows = _read(path, fast=True, limits=limits)
    expected, expected_outcome, none = _read(path, fast=False, limits=limits)
    assert none == (0, 0)
    assert outcome == expected_outcome
    assert len(rows) == len(expected)
    for mine, theirs in zip(rows, expected, strict=True):
        assert mine == theirs
    return rows, fast_rows


def _export(path, rows: int, *, write_only: bool, epoch1904: bool = False):
    """An e-PPGBM-like export: text, numbers, dates, times, booleans, empty and sparse cells,
    a few hundred rows of one shape broken now and then."""
    workbook = openpyxl.Workbook(write_only=write_only)
    if epoch1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.create_sheet("e-PPGBM") if write_only else workbook.active
    sheet.append(["NIK", "Nama", "Tgl Lahir", "Berat", "Jam", "Ya", "Lama", "Catatan"])
    born = datetime.date(2022, 1, 1)
    for i in range(rows):
        row = [
            f"19060101012{i:05d}",
            f"  Anak {i} Désa  " if i % 7 else "tab_x0009_kode",
            born + datetime.timedelta(days=i % 900),
            round(6 + (i % 130) / 10, 2),
            datetime.time(8 + i % 9, 30),
            i % 3 == 0,
            datetime.timedelta(hours=i % 50, minutes=15),
            "",
        ]
        if i % 97 == 5:
            row[3] = None  # a sparse row: another shape
        if i % 211 == 7:
            row += [None] * 40 + ["jauh"]  # a wide one
        if i % 53 == 0:
            row[1] = " "  # a row blank but for numbers
        sheet.append(row)
    sheet.append([None, "", "   "])  # blank
    sheet.append([datetime.datetime(2024, 2, 29, 13, 45, 10), 1e20, -0.5, "=1+2"])
    workbook.save(path)


@pytest.mark.parametrize("write_only", [True, False], ids=["write-only", "normal"])
@pytest.mark.parametrize("epoch1904", [False, True], ids=["1900", "1904"])
def test_an_openpyxl_export_reads_fast_as_expat_reads_it(tmp_path, write_only, epoch1904):
    path = tmp_path / "ekspor.xlsx"
    _export(path, 4_500, write_only=write_only, epoch1904=epoch1904)
    rows, fast_rows = _same(path)
    assert len(rows) > 4_000
    assert fast_rows[0] > 4_000  # the fast path did read them
    assert fast_rows[1] > 2_500  # most in batches (one shape broken every few rows here)
    by_number = {number: cells for number, cells, _ in rows}
    assert by_number[2][2] == "d2022-01-01"
    assert any(len(cells) == 49 for cells in by_number.values())  # the wide rows


def test_a_family_survey_of_rows_with_and_without_text_reads_fast_as_expat_reads_it(tmp_path):
    # Members of a family differ in which cells they fill (a wife's KB method, a child's
    # school): in one batch, a cell written empty, with text, or with text kept as it is.
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("KRS")
    sheet.append(["No KK", "NIK", "Nama", "Hubungan", "KB", "Metode", "Catatan", "Umur"])
    for i in range(3_000):
        relation = ("1", "2", "3", "3")[i % 4]
        wife = relation == "2"
        sheet.append(
            [
                f"19{i // 4:014d}",
                "" if i % 5 == 0 else f"19{i:014d}",
                f"  Anggota {i}  " if i % 3 == 0 else f"Anggota {i}",
                relation,
                "Y" if wife else "",
                "Suntik_x000D_" if wife and i % 8 == 1 else "",
                " " if i % 11 == 0 else "",
                "" if i % 13 else "7",
            ][: 8 - (i % 6 == 0) * 3]
        )
    sheet.append(["", "", ""])  # no value at all
    path = tmp_path / "krs.xlsx"
    workbook.save(path)
    rows, fast_rows = _same(path)
    assert len(rows) == 3_001  # and the header
    assert fast_rows[1] > 1_500  # in batches: all but the shorter rows and those after them
    assert {len(cells) for _, cells, _ in rows} == {4, 5, 6, 7, 8}


def _merges(path, *, fast: bool, limits=LIMITS) -> list[int]:
    return read_sheet(str(path), limits, _Rows(), fast=fast).merges.tolist()


def test_merged_ranges_are_read_fast_as_expat_reads_them(tmp_path):
    # A family's No KK and address merged over its members' rows (after the rows, in
    # <mergeCells>): the same ranges, and the same rows, both ways.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DATA KELUARGA"])
    sheet.append(["No KK", "Alamat", "Nama", "Hubungan"])
    for i in range(300):
        sheet.append([f"19{i // 3:014d}", f"Jl. {i // 3}", f"Anggota {i}", str(1 + i % 3)])
    sheet.merge_cells("A1:D1")
    for first in range(3, 303, 3):
        sheet.merge_cells(f"A{first}:B{first + 2}")
    path = tmp_path / "gabung.xlsx"
    workbook.save(path)
    rows, _ = _same(path)
    assert len(rows) == 302
    merges = _merges(path, fast=True)
    assert merges == _merges(path, fast=False)
    ranges = sorted(zip(*[iter(merges)] * 4, strict=True))  # as openpyxl lists them: any order
    assert len(ranges) == 101
    assert ranges[:2] == [(1, 0, 1, 3), (3, 0, 5, 1)]  # top, first column (A: 0), bottom, last
    assert ranges[-1] == (300, 0, 302, 1)


def test_merged_ranges_of_a_prefixed_sheet_are_read_fast_as_expat_reads_them(tmp_path):
    # Prefixed elements; a range named in a comment among the rows is none, a range of one
    # cell neither; a range past the limits (5,000 rows, 300 columns) is kept within them.
    rows = (
        _plain_rows(1, 40, "x:") + '<!-- <x:mergeCell ref="C1:C9"/> -->' + _plain_rows(40, 60, "x:")
    )
    merges = '<x:mergeCells count="3"><x:mergeCell ref="A2:B4"/><x:mergeCell ref="D7"/>'
    merges += '<x:mergeCell ref="E50:XFD1048576"/>'
    content = _sheet(rows, prefix="x:").replace(
        b"</x:sheetData>", b"</x:sheetData>" + merges.encode() + b"</x:mergeCells>"
    )
    path = tmp_path / "x.xlsx"
    path.write_bytes(hostile.xlsx(content, shared=_SHARED, styles=_STYLES))
    _same(path)
    assert _merges(path, fast=True) == _merges(path, fast=False) == [2, 0, 4, 1, 50, 4, 5_000, 299]


def _sheet(rows: str, *, prolog: str = "", prefix: str = "") -> bytes:
    p = prefix
    ns = f":{p[:-1]}" if p else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<{p}worksheet xmlns{ns}='
        f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><{p}sheetData>{rows}'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()


def _plain(number: int, prefix: str = "", *, text: str = "teks", value: str = "7") -> str:
    p = prefix
    return (
        f'<{p}row r="{number}"><{p}c r="A{number}" t="inlineStr"><{p}is><{p}t>{text}</{p}t>'
        f'</{p}is></{p}c><{p}c r="B{number}" t="s"><{p}v>{number % 3}</{p}v></{p}c>'
        f'<{p}c r="C{number}" s="1"><{p}v>{value}</{p}v></{p}c><{p}c r="D{number}" t="b">'
        f'<{p}v>{number % 2}</{p}v></{p}c><{p}c r="E{number}"><{p}f>C{number}*2</{p}f>'
        f"<{p}v>{number * 2}</{p}v></{p}c></{p}row>"
    )


_STYLES = (
    f'<styleSheet xmlns="{hostile._MAIN}"><numFmts count="1">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2">'
    '<xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>'
)
_SHARED = hostile.shared_strings_xml(["<t>satu</t>", "<t>dua</t>", "<t>tiga</t>"])


def _plain_rows(first: int, last: int, prefix: str = "", **kwargs) -> str:
    return "".join(_plain(n, prefix, **kwargs) for n in range(first, last))


CRAFTED = [
    pytest.param(_plain_rows(1, 3000), id="plain"),
    pytest.param(_plain_rows(1, 3000, "x:"), id="prefixed"),
    pytest.param(
        _plain_rows(1, 100) + _plain(100, text="A &amp; B") + _plain_rows(101, 200),
        id="an-entity-in-one-row",
    ),
    pytest.param(_plain_rows(1, 100) + "<!-- catatan -->" + _plain_rows(100, 200), id="a-comment"),
    pytest.param(
        _plain_rows(1, 100) + "<?pi data?>" + _plain_rows(100, 200), id="a-processing-instr"
    ),
    pytest.param(_plain_rows(1, 50, text="baris\r\nbaru"), id="carriage-returns"),
    pytest.param(_plain_rows(1, 50, text="  kiri_x000D_  "), id="trimmed-and-escaped"),
    pytest.param(_plain_rows(1, 50, value=" 12 ") + _plain_rows(50, 99, value="1."), id="odd"),
    pytest.param(
        _plain_rows(1, 50, value="1e400") + _plain_rows(50, 99, value="-1"),
        id="huge-and-negative-numbers",
    ),
    pytest.param(_plain_rows(1, 50) + _plain(40) + _plain_rows(51, 60), id="out-of-order"),
    pytest.param(_plain_rows(1, 50) + _plain_rows(6_000, 6_010), id="past-the-last-row"),
    pytest.param(
        _plain_rows(1, 50) + _plain(50, text="x" * (MAX_CELL_CHARS + 1)) + _plain_rows(51, 60),
        id="a-cell-too-long",
    ),
    pytest.param(
        _plain_rows(1, 50) + _plain(51).replace("<v>0</v>", "<v>9</v>") + _plain_rows(52, 60),
        id="a-shared-string-not-there",
    ),
    pytest.param(
        _plain_rows(1, 50) + '<row r="50" r="51"></row>' + _plain_rows(52, 60),
        id="a-duplicate-attribute",
    ),
    pytest.param(_plain_rows(1, 50) + "<row r='50'>" + _plain_rows(51, 60), id="unclosed"),
    pytest.param(_plain_rows(1, 50) + "\x01" + _plain_rows(50, 60), id="a-control-character"),
    pytest.param(
        _plain_rows(1, 20) + '<row r="20"><c r="B20"/><c r="XFD20"><v>1</v></c></row>',
        id="a-far-column",
    ),
    pytest.param(
        '<row r="1" spans="1:5" x14ac:dyDescent="0.25">'
        + _plain(1)[len('<row r="1">') :]
        + "".join(
            _plain(n).replace(f'<row r="{n}">', f'<row r="{n}" spans="1:5" ht="15">')
            for n in range(2, 60)
        ),
        id="excel-row-attributes",
    ),
    pytest.param(
        "".join(
            _plain(n).replace(f'<c r="B{n}" t="s"><v>{n % 3}</v></c>', "") for n in range(1, 40)
        )
        + _plain_rows(40, 45)
        + "".join(_plain(n).replace(f'r="A{n}"', f'r="B{n}"') for n in range(45, 50)),
        id="cells-left-out",
    ),
    pytest.param(
        "<row>" + _plain(1)[len('<row r="1">') :] + _plain_rows(2, 40).replace(' r="', ' x="'),
        id="no-references",
    ),
]


@pytest.mark.parametrize("rows", CRAFTED)
def test_a_crafted_sheet_reads_fast_as_expat_reads_it(tmp_path, rows):
    prefix = "x:" if "<x:row" in rows else ""
    path = tmp_path / "buku.xlsx"
    path.write_bytes(hostile.xlsx(_sheet(rows, prefix=prefix), shared=_SHARED, styles=_STYLES))
    _same(path)


def test_plain_rows_of_one_shape_are_read_by_the_fast_path(tmp_path):
    path = tmp_path / "buku.xlsx"
    path.write_bytes(hostile.xlsx(_sheet(_plain_rows(1, 3000)), shared=_SHARED, styles=_STYLES))
    rows, fast_rows = _same(path)
    assert fast_rows[0] == len(rows) == 2999
    assert fast_rows[1] > 2990
    assert rows[0] == (1, ["teks", "dua", "d1900-01-07", True, 2.0], [2])


def test_rows_that_leave_out_the_same_cells_are_read_in_batches(tmp_path):
    # As Excel writes a sheet: an empty cell is not written at all.
    rows = "".join(
        _plain(n).replace(f'<c r="B{n}" t="s"><v>{n % 3}</v></c>', "") for n in range(1, 300)
    )
    path = tmp_path / "buku.xlsx"
    path.write_bytes(hostile.xlsx(_sheet(rows), shared=_SHARED, styles=_STYLES))
    rows, fast_rows = _same(path)
    assert fast_rows[1] > 290
    assert rows[0] == (1, ["teks", "", "d1900-01-07", True, 2.0], [2])


def test_a_sheet_in_another_encoding_or_with_a_dtd_is_left_to_expat(tmp_path):
    utf16 = _sheet(_plain_rows(1, 30)).decode().replace('"UTF-8"', '"UTF-16"').encode("utf-16")
    path = tmp_path / "buku.xlsx"
    path.write_bytes(hostile.xlsx(utf16, shared=_SHARED, styles=_STYLES))
    rows, fast_rows = _same(path)
    assert (len(rows), fast_rows) == (29, (0, 0))
    path.write_bytes(hostile.xlsx(_sheet(_plain_rows(1, 30), prolog="<!DOCTYPE w>")))
    _rows, outcome, _fast = _read(path, fast=True)
    assert outcome[:2] == ("refused", "dtd")
