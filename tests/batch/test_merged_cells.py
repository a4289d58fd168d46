"""``kampungkb batch`` reads an xlsx's merged cells as the web import reads them: a range
below the header gives its first cell's value to each of its cells (a desa merged over its
children's rows), a title merged across the top is left as it is."""

import datetime

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kampungkb.batch import sources
from tests.batch import samples
from tests.growth import hostile_files as hostile


def _merged_file(path, *, last=5, after=False):
    book = Workbook()
    sheet = book.active
    sheet.append(["DATA PENGUKURAN DESA SINTETIS"])
    sheet.append(samples.HEADER)
    for i in range(3):
        sheet.append(
            [
                f"190601000000010{i}",
                f"Anak Gabung {i}",
                "L",
                datetime.date(2023, 2, 1),
                "19.06.01.2001",
                "Desa Sintetis",
                datetime.date(2024, 6, 1),
                9.5,
                75.0,
                "Telentang",
                None,
            ]
        )
    if after:  # a child two rows under the list, the range over the row between
        sheet.append([])
        sheet.append(["1906010000000200", "Anak Lain", "P", datetime.date(2023, 5, 1),
                      "19.06.01.2002", "Desa Lain", datetime.date(2024, 6, 2), 9.1, 74.0,
                      "Telentang", None])  # fmt: skip
    sheet.merge_cells(f"A1:{get_column_letter(len(samples.HEADER))}1")
    for header in ("Kode Desa", "Desa/Kel", "Tanggal Pengukuran"):
        letter = get_column_letter(samples.HEADER.index(header) + 1)
        sheet.merge_cells(f"{letter}3:{letter}{last}")
    book.save(path)
    return str(path)


def test_a_desa_and_day_merged_over_the_rows_are_read_in_each_row(tmp_path):
    parts = sources.plan([_merged_file(tmp_path / "gabung.xlsx")])
    assert [part.first_line for part in parts] == [3]  # the header under the merged title
    frame = sources.read_part(parts[0])
    assert list(frame["alasan"]) == ["", "", ""]
    assert set(frame["kode_desa"]) == {"19.06.01.2001"}
    assert set(frame["tanggal"]) == {(datetime.date(2024, 6, 1) - sources.EPOCH).days}


def test_a_merged_cell_taller_than_the_list_fills_no_blank_row(tmp_path):
    path = _merged_file(tmp_path / "tinggi.xlsx", last=6, after=True)  # row 6: blank but them
    frame = sources.read_part(sources.plan([path])[0])
    # The blank row is skipped, as the web import skips it (it was before any merge), not
    # given the desa of the range beside it.
    assert list(frame["baris"]) == [3, 4, 5, 7]
    assert list(frame["alasan"]) == ["", "", "", ""]


def test_more_merged_cells_than_the_sheet_holds_stop_the_run_with_an_indonesian_line(tmp_path):
    rows = hostile.row_xml(1, samples.HEADER) + "".join(
        hostile.row_xml(n, [f"19060100000001{n:02d}", f"Anak {n}"]) for n in range(2, 5)
    )
    sheet = (
        hostile.sheet_xml(rows)
        .replace(
            "</sheetData>", "</sheetData><mergeCells>" + '<mergeCell ref="A2:XFD1048576"/>' * 2
        )
        .replace("</worksheet>", "</mergeCells></worksheet>")
    )
    path = tmp_path / "raksasa.xlsx"
    path.write_bytes(hostile.xlsx(sheet))
    parts = sources.plan([str(path)])
    with pytest.raises(sources.InputError, match="sel gabungan"):
        sources.read_part(parts[0])
