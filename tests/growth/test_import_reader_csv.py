"""The csv reader's plain path (a block of lines split by C code, for a csv without quotes)
gives exactly the rows the ``csv`` module gives, which read every csv before: every file
here is read by the reader in its child process, as an import reads it, and compared with
the module reading the same text. Files with quotes go the module's way from the start or,
when the first quote comes late, after the plain path has written rows (which are dropped).
"""

import csv
import dataclasses
import io

import pytest

from kampungkb.growth.importing.limits import ParseLimits
from kampungkb.growth.importing.reader_rows import BLOCK_CHARS, FRAME_ROWS, is_blank
from kampungkb.growth.importing.sandbox import SheetRefused, sheet_spool

ROW = ["3201010101010001", "Manggar", "Lalang", "001", "002", "Jl. Mawar 3", "Siti Aminah"]


def _read(path, limits=None) -> list[tuple[int, list]]:
    spool = sheet_spool(path, kind="csv", limits=limits or ParseLimits.from_settings())
    try:
        return list(spool.records())
    finally:
        spool.close()


def _module(text: str, delimiter: str) -> list[tuple[int, list]]:
    """The rows as the reader wrote them when the ``csv`` module read every csv."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(n, cells) for n, cells in enumerate(reader, start=1) if not is_blank(cells)]


def _same_rows(tmp_path, text: str, delimiter: str, encoding: str = "utf-8"):
    path = tmp_path / "berkas.csv"
    path.write_bytes(text.encode(encoding))
    rows = _read(path)
    assert rows == _module(text, delimiter)
    return rows


def _lines(count: int, delimiter: str = ";", end: str = "\n") -> str:
    return "".join(delimiter.join([*ROW, str(i)]) + end for i in range(count))


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_plain_csv_gives_the_rows_of_the_csv_module(tmp_path, delimiter, end):
    rows = _same_rows(tmp_path, _lines(5000, delimiter, end), delimiter)
    assert len(rows) == 5000
    assert rows[-1] == (5000, [*ROW, "4999"])


def test_blank_lines_and_white_space_rows_are_skipped_and_counted(tmp_path):
    text = "a;b;c\n\n1;2;3\n ; \t;\n;;\n4;5;6\r\n\r\n  x ;;\n   \n7;8;9"  # no final line end
    rows = _same_rows(tmp_path, text, ";")
    assert [n for n, _cells in rows] == [1, 3, 6, 8, 10]
    assert rows[3] == (8, ["  x ", "", ""])


def test_lines_across_blocks_and_a_cr_lf_cut_between_two_blocks(tmp_path):
    line = "1;2;3;" + "x" * 89 + "\r\n"  # 100 characters
    count = BLOCK_CHARS // len(line)
    filler = "y" * (BLOCK_CHARS - 1 - count * len(line))  # its CR is the block's last character
    text = line * count + filler + "\r\n" + line * (2 * count)
    assert text[BLOCK_CHARS - 1 : BLOCK_CHARS + 1] == "\r\n"
    rows = _same_rows(tmp_path, text, ";")
    assert len(rows) == 3 * count + 1
    assert rows[count] == (count + 1, [filler])


def test_rows_read_again_by_number_across_frames(tmp_path):
    path = tmp_path / "berkas.csv"
    path.write_text(_lines(3 * FRAME_ROWS + 7).replace("\n", "\n\n"), encoding="utf-8")
    spool = sheet_spool(path, kind="csv", limits=ParseLimits.from_settings())
    try:
        assert len(spool) == 3 * FRAME_ROWS + 7
        assert list(spool.numbers[:3]) == [1, 3, 5]
        for index in (0, FRAME_ROWS - 1, FRAME_ROWS, 3 * FRAME_ROWS + 6):
            assert spool.cells_at(2 * index + 1) == [*ROW, str(index)]
        with pytest.raises(KeyError):
            spool.cells_at(2)
        tail = list(spool.records(FRAME_ROWS + 1))
        assert tail[0] == (2 * FRAME_ROWS + 3, [*ROW, str(FRAME_ROWS + 1)])
        assert len(tail) == 2 * FRAME_ROWS + 6
        cells = spool.cells_of([5, 1])
        assert list(cells) == [1, 5] and cells[5] == [*ROW, "2"]
    finally:
        spool.close()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('Nama;Alamat\n"Siti; Aminah";"Jl. ""Mawar""\n3"\n', id="quotes-first"),
        pytest.param(_lines(4000) + 'Nama;"Jl. Mawar; 3"\n' + _lines(10), id="quote-after-blocks"),
        pytest.param(_lines(3) + "a\x1fb;c\x1e\n", id="separator-characters"),
        pytest.param(_lines(3) + "x" * 30_000 + ";" + "y" * 30_000 + "\n", id="a-long-line"),
    ],
)
def test_a_csv_the_plain_path_cannot_read_is_read_by_the_csv_module(tmp_path, text):
    _same_rows(tmp_path, text, ";")


def test_a_windows_1252_csv_reads_alike(tmp_path):
    _same_rows(tmp_path, "Nama;Kota\nJosé;Tanjung Pandan\nÇelik;Manggar\n", ";", "cp1252")


@pytest.mark.parametrize(
    ("text", "reason", "details"),
    [
        pytest.param(_lines(30), "rows", {"limit": 20}, id="rows"),
        pytest.param(_lines(5) + ";" * 45 + "\n" + _lines(30), "columns", {"row": 6}, id="columns"),
        pytest.param(_lines(19) + "\n" + ";" * 45 + "\n", "rows", {"limit": 20}, id="rows-first"),
        pytest.param(_lines(3) + "x" * 40_000 + "\n", "cell", {"row": 4}, id="cell"),
    ],
)
def test_the_plain_path_refuses_as_the_csv_module_did(tmp_path, text, reason, details):
    path = tmp_path / "berkas.csv"
    path.write_text(text, encoding="utf-8")
    limits = dataclasses.replace(ParseLimits.from_settings(), max_rows=20, max_columns=40)
    with pytest.raises(SheetRefused) as refused:
        _read(path, limits)
    assert refused.value.reason == reason
    assert details.items() <= refused.value.details.items()


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize(
    "title",
    ["", "Laporan Penimbangan Agustus 2025", "Data Posyandu, Desa Kurnia Jaya; Agustus"],
    ids=["blank-line", "title-without-delimiters", "title-with-other-delimiters"],
)
def test_the_delimiter_is_the_headers_not_that_of_a_title_line_above_it(tmp_path, delimiter, title):
    # Titles are looked past for the header (``parse.header_row_find``): their delimiters,
    # or their lack of any, must not split the rows under them.
    text = f"{title}\n" + delimiter.join(["NIK", "Nama", "JK", "Tgl Lahir"]) + "\n"
    text += _lines(3, delimiter)
    rows = _same_rows(tmp_path, text, delimiter)
    assert rows[-1][1] == [*ROW, "2"]


@pytest.mark.parametrize(
    "addresses",
    [
        ["Jl. A, RT 1, RW 2, Dusun I, Desa X"],
        ["Jl. A, RT 1, RW 2, Dusun I, Desa X, Kec. Y", "Jl. B, RT 3, RW 4"],
    ],
    ids=["as-many-commas-as-tabs", "more-commas-than-tabs"],
)
def test_the_commas_of_an_address_do_not_split_a_tab_separated_file(tmp_path, addresses):
    # Excel writes a tab-separated file without quoting the commas of a cell: a row whose
    # address has as many commas as the header has tabs, or more, made the comma the
    # delimiter, and the file was refused as having no header row.
    text = "NIK\tNama\tJK\tAlamat\tTanggal\n"
    text += "".join(f"{i}\tA\tL\t{address}\t10/08/2025\n" for i, address in enumerate(addresses))
    rows = _same_rows(tmp_path, text, "\t")
    assert rows[0][1] == ["NIK", "Nama", "JK", "Alamat", "Tanggal"]
    assert rows[1][1][3] == addresses[0]
