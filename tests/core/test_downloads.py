import datetime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ERROR_CODES

from kampungkb.core.downloads import (
    PDF_TYPE,
    XLSX_TYPE,
    Sheet,
    download_response,
    xlsx_bytes,
    xlsx_response,
    xlsx_write,
)
from tests.spreadsheets import HOSTILE, assert_kept_as_text, workbook


def _cells(content, index=0):
    return [list(row) for row in workbook(content).worksheets[index].iter_rows()]


@pytest.mark.parametrize("text", [*HOSTILE, "=1+1", "=", "==", " =1", *ERROR_CODES])
def test_text_that_looks_like_a_formula_or_an_error_is_written_as_text(text):
    content = xlsx_bytes([Sheet("s", header=[text], rows=[[text, 1]], totals=[[text]])])
    assert [c.data_type for row in _cells(content) for c in row if c.value is not None] == [
        "s",
        "s",
        "n",
        "s",
    ]
    assert {c.value for row in _cells(content) for c in row} == {text, 1, None}


# Control characters other than tab and newline cannot be stored in xlsx at all.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n"))


@settings(max_examples=150, deadline=None)
@given(prefix=st.sampled_from(["", "=", "+", "-", "@", "#", "'", "\t="]), text=_TEXT)
def test_any_text_comes_back_as_the_same_text(prefix, text):
    value = prefix + text
    content = xlsx_bytes([Sheet("s", rows=[[value]])])
    cell = workbook(content).active["A1"]
    if value == "":
        assert cell.value is None
    else:
        assert (cell.value, cell.data_type) == (value, "s")


def test_a_sheet_is_laid_out_as_described():
    sheet = Sheet(
        "Laporan: 2025/11",
        above=[["SKDN", "2025-11"]],
        header=["Nama", "Tanggal", "Nilai"],
        rows=[["a", datetime.date(2025, 11, 3), 1.5], ["b", None, 2]],
        totals=[["Total", None, 3.5]],
        widths={0: 28, 2: 12},
        date_format="DD/MM/YYYY",
    )
    ws = workbook(xlsx_bytes([sheet])).active
    assert ws.title == "Laporan- 2025-11"
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values == [
        ["SKDN", "2025-11", None],
        ["Nama", "Tanggal", "Nilai"],
        ["a", datetime.datetime(2025, 11, 3), 1.5],
        ["b", None, 2],
        ["Total", None, 3.5],
    ]
    assert [c.font.b for c in ws[2]] == [True] * 3 and [c.font.b for c in ws[5]] == [True] * 3
    assert not ws["A1"].font.b and not ws["A3"].font.b
    assert ws["B3"].number_format == "DD/MM/YYYY"
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["C"].width) == (28, 12)


def test_a_plain_header_and_several_sheets():
    content = xlsx_bytes(
        [Sheet("a", header=["x"], rows=[[1]], bold_header=False), Sheet("b", header=["y"])]
    )
    wb = workbook(content)
    assert wb.sheetnames == ["a", "b"]
    assert not wb["a"]["A1"].font.b and wb["b"]["A1"].font.b


def test_rows_are_streamed_from_a_generator_and_counted(tmp_path):
    seen = []

    def rows():
        for i in range(1000):
            seen.append(i)
            yield [i, f"baris {i}"]

    path = tmp_path / "besar.xlsx"
    assert xlsx_write([Sheet("a", header=["n", "t"], rows=rows()), Sheet("b")], path) == [1000, 0]
    assert len(seen) == 1000
    ws = openpyxl.load_workbook(path).active
    assert ws.max_row == 1001 and ws["B1001"].value == "baris 999"


def test_lazy_translations_are_written_as_their_text():
    from django.utils.translation import gettext_lazy

    content = xlsx_bytes([Sheet("a", header=[gettext_lazy("Code")], rows=[[gettext_lazy("Area")]])])
    assert [c.value for row in _cells(content) for c in row] == ["Kode", "Wilayah"]


def test_responses_name_the_file_and_its_type():
    response = xlsx_response([Sheet("a", rows=[[HOSTILE[0]]])], filename="skdn-2025-11.xlsx")
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="skdn-2025-11.xlsx"'
    assert_kept_as_text(response.content, HOSTILE[0])
    shown = download_response(b"%PDF-", filename="grafik.pdf", content_type=PDF_TYPE, inline=True)
    assert shown["Content-Disposition"] == 'inline; filename="grafik.pdf"'
    odd = download_response(b"", filename='a"b é.xlsx', content_type=XLSX_TYPE)
    assert odd["Content-Disposition"] == "attachment; filename*=utf-8''a%22b%20%C3%A9.xlsx"


def test_values_of_every_kind_come_back_as_written():
    import decimal
    import zoneinfo

    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    row = [
        True,
        7,
        -0.25,
        decimal.Decimal("16.70"),
        datetime.datetime(2025, 11, 3, 8, 30, tzinfo=jakarta),
        "  spaces kept  ",
        "line\r\nbreak & <tag>",
        float("nan"),
        "bell\x07 dropped",
    ]
    ws = workbook(xlsx_bytes([Sheet("s", rows=[row])])).active
    assert [c.value for c in ws[1]] == [
        True,
        7,
        -0.25,
        16.7,
        datetime.datetime(2025, 11, 3, 8, 30),
        "  spaces kept  ",
        "line\r\nbreak & <tag>",
        None,
        "bell dropped",
    ]
    assert ws["D1"].number_format == "0.00"


def test_the_workbook_is_read_by_calamine_too(tmp_path):
    # The import reads xlsx with calamine: an export must re-import.
    from python_calamine import CalamineWorkbook

    path = tmp_path / "a.xlsx"
    sheet = Sheet("a", header=["t", "d"], rows=[["=1+1", datetime.date(2025, 1, 2)], [None, 3]])
    xlsx_write([sheet], path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows == [["t", "d"], ["=1+1", datetime.date(2025, 1, 2)], ["", 3]]
