"""Cells merged in Excel read as the user sees them: the value of a merged range's first
(top-left) cell in every cell of the range below the header (a posyandu or desa merged over
its children's rows); a title merged across the top, or anything merged in the header, is
left as it is; a sheet of more merged ranges or cells than its limits hold is refused."""

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from kampungkb.growth.importing.commit import ImportFileError, measurements_import
from kampungkb.growth.importing.headers import TEMPLATE_HEADERS
from kampungkb.growth.importing.limits import ParseLimits
from kampungkb.growth.importing.parse import read_table
from kampungkb.growth.models import Child, Measurement
from tests.conftest import KURNIA_JAYA
from tests.growth import hostile_files as hostile

WIDTH = len(TEMPLATE_HEADERS)
# The columns an officer merges over the children of one posyandu.
PLACE = ("Prov", "Kab/Kota", "Kec", "Pukesmas", "Desa/Kel", "Posyandu", "Tanggal Pengukuran")


def _merged_file(eppgbm, *, children: int = 3, spare: int = 1):
    """A title merged across the header's columns (row 1), the header (row 2), then the
    children of Posyandu Melati with its place and day merged over their rows and ``spare``
    empty rows below them (a merged cell taller than the list)."""
    rows = [
        eppgbm.row(
            NIK=f"19060101012400{i:02d}", Nama=f"Anak Gabung {i}", **{"Nama Ortu": f"Ibu {i}"}
        )
        for i in range(1, children + 1)
    ]
    path = eppgbm.xlsx(rows, title="DATA PENGUKURAN POSYANDU MELATI", name="gabung.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.merge_cells(f"A1:{get_column_letter(WIDTH)}1")
    last = 2 + children + spare
    for header in PLACE:
        letter = get_column_letter(TEMPLATE_HEADERS.index(header) + 1)
        sheet.merge_cells(f"{letter}3:{letter}{last}")  # the values below the first are lost
    workbook.save(path)
    return path


def test_a_merged_posyandu_and_desa_fill_every_child_s_row(eppgbm):
    path = _merged_file(eppgbm)
    posyandu = get_column_letter(TEMPLATE_HEADERS.index("Posyandu") + 1)
    assert openpyxl.load_workbook(path).active[f"{posyandu}4"].value is None  # as Excel saves
    table = read_table(path)
    assert table.header_row == 2  # the title merged across the top names no column
    assert table.headers == list(TEMPLATE_HEADERS)
    rows = list(table.rows)
    assert [number for number, _ in rows] == [3, 4, 5]  # the spare merged row stays blank
    for _, cells in rows:
        assert cells[table.columns["posyandu"]] == "Melati"
        assert cells[TEMPLATE_HEADERS.index("Desa/Kel")] == "Kurnia Jaya"
        assert cells[TEMPLATE_HEADERS.index("Tanggal Pengukuran")] == "15/09/2025"
    assert table.cells_of([4])[4] == rows[1][1]  # read again (a rejected row's cells): the same
    table._spool.close()


@pytest.mark.django_db
def test_a_file_with_merged_places_imports_every_child_once(eppgbm, users):
    path = _merged_file(eppgbm)
    result = measurements_import(user=users["kecamatan"], path=path)
    assert result.errors == []
    assert (result.n_rows, result.n_created, result.n_rejected, result.n_children_created) == (
        3,
        3,
        0,
        3,
    )
    children = Child.objects.filter(nama__startswith="Anak Gabung")
    assert {c.desa_id for c in children} == {KURNIA_JAYA}
    measurements = Measurement.objects.filter(child__in=children)
    assert {m.posyandu.nama for m in measurements} == {"Melati"}
    before = sorted(measurements.values_list("pk", "berat", "tinggi", "posyandu_id"))
    again = measurements_import(user=users["kecamatan"], path=path)
    assert (again.n_created, again.n_updated, again.n_unchanged, again.n_rejected) == (0, 0, 3, 0)
    assert sorted(Measurement.objects.values_list("pk", "berat", "tinggi", "posyandu_id")) == before


def test_a_merge_in_the_header_or_reaching_from_it_is_not_filled(eppgbm):
    # "Alamat" merged over two header rows and a header cell merged over the next column:
    # the header is read as written, and nothing of it is copied into a row below.
    rows = [eppgbm.row(NIK=f"19060101012400{i:02d}") for i in range(1, 3)]
    path = eppgbm.xlsx(rows, name="kepala.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    alamat = get_column_letter(TEMPLATE_HEADERS.index("Alamat") + 1)
    sheet.merge_cells(f"{alamat}1:{alamat}2")  # header into the first row: the row loses it
    sheet[f"{get_column_letter(WIDTH + 1)}1"] = "Catatan"
    sheet.merge_cells(f"{get_column_letter(WIDTH + 1)}1:{get_column_letter(WIDTH + 2)}1")
    workbook.save(path)
    table = read_table(path)
    assert table.header_row == 1
    cells = dict(table.rows)
    column = TEMPLATE_HEADERS.index("Alamat")
    assert (cells[2][column], cells[3][column]) == ("", "Jl. Contoh 1")
    assert table.headers[WIDTH:] == ["Catatan"]  # the sheet is as wide as its widest row
    table._spool.close()


def _hostile(merges: str, rows: int = 3) -> bytes:
    body = hostile.header_xml() + "".join(
        hostile.row_xml(n, [f"19060101012400{n:02d}", f"Anak {n}"]) for n in range(2, rows + 2)
    )
    sheet = hostile.sheet_xml(body).replace(
        "</sheetData>", f"</sheetData><mergeCells>{merges}</mergeCells>"
    )
    return hostile.xlsx(sheet)


def test_a_range_as_large_as_a_sheet_fills_only_the_rows_read_as_wide_as_the_widest(tmp_path):
    path = tmp_path / "raksasa.xlsx"
    path.write_bytes(_hostile('<mergeCell ref="B3:XFD1048576"/>'))
    table = read_table(path)
    rows = dict(table.rows)
    assert list(rows) == [2, 3, 4]
    assert rows[2][:2] == ["1906010101240002", "Anak 2"]
    assert rows[3][:2] == ["1906010101240003", "Anak 3"]
    assert rows[4][:2] == ["1906010101240004", "Anak 3"]  # filled from B3, beside A4
    assert rows[4][2:] == ["Anak 3"] * (WIDTH - 2) and len(rows[4]) == WIDTH
    table._spool.close()


@pytest.mark.parametrize(
    "merges",
    [
        pytest.param(
            "".join(
                f'<mergeCell ref="A{n}:B{n}"/><mergeCell ref="C{n}:D{n}"/>' for n in range(1, 52)
            ),
            id="more-ranges-than-rows",
        ),
        # One range as large as the sheet is within the limits (see above); two are not.
        pytest.param('<mergeCell ref="A2:XFD1048576"/>' * 2, id="more-cells-than-the-sheet"),
    ],
)
def test_more_merged_ranges_or_cells_than_a_sheet_holds_are_refused(tmp_path, merges):
    path = tmp_path / "gabungan.xlsx"
    path.write_bytes(_hostile(merges))
    limits = ParseLimits(
        max_rows=100, max_columns=40, max_uncompressed_mb=10, memory_mb=512, seconds=20
    )
    with pytest.raises(ImportFileError, match="sel gabungan"):
        read_table(path, limits=limits)
