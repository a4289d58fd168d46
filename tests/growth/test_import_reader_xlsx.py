"""The streaming xlsx reader gives the rows python-calamine gave (``to_python``), which read the
sheets before and held a whole sheet in memory: every workbook here is read by both, the
reader in its child process as an import reads it."""

import datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kampungkb.growth.importing.limits import ParseLimits
from kampungkb.growth.importing.parse import ImportFileError, read_table
from kampungkb.growth.importing.reader_rows import is_blank
from kampungkb.growth.importing.reader_sheet import format_kind
from kampungkb.growth.importing.sandbox import sheet_spool
from tests.growth import hostile_files as hostile


def _streamed(path) -> list[tuple[int, list]]:
    spool = sheet_spool(path, kind="xlsx", limits=ParseLimits.from_settings())
    try:
        return list(spool.records())
    finally:
        spool.close()


def _calamine(path) -> list[tuple[int, list]]:
    """The rows as the reader wrote them when python-calamine read the sheet."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    if sheet.start is None or sheet.height == 0 or sheet.width == 0:
        return []
    pad = [""] * sheet.start[1]
    return [
        (number, pad + cells)
        for number, cells in enumerate(sheet.iter_rows(), start=1)
        if not is_blank(cells)
    ]


def _same_rows(path) -> list[tuple[int, list]]:
    rows = _streamed(path)
    expected = _calamine(path)
    for mine, theirs in zip(rows, expected, strict=False):
        assert mine == theirs
    assert len(rows) == len(expected)
    return rows


def _openpyxl_workbook(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "Tgl Lahir", "Berat", "Jam", "Ya", "Lama"])
    sheet.append(
        [
            1906010101240001,
            "Anak Désa",
            datetime.date(2024, 1, 5),
            7.5,
            datetime.time(10, 30),
            True,
            datetime.timedelta(hours=30),
        ]
    )
    sheet.append(["'007", "  spasi  ", datetime.datetime(2024, 2, 29, 13, 45, 10), 0, None, False])
    sheet.append([None, None, None])
    sheet.append(["=1+2", '=HYPERLINK("x","y")', datetime.date(1900, 2, 28), -3.25, "#DIV/0!"])
    sheet.append([3, "a\r\nb", datetime.date(1900, 1, 1), 12345678901234567890, "_x000D_"])
    sheet["J9"] = "jauh"
    sheet.merge_cells("A12:C12")
    sheet["A12"] = "digabung"
    for cell, value, number_format in [
        ("B14", 45000, "dd/mm/yyyy"),
        ("C14", 45000.25, "yyyy-mm-dd hh:mm"),
        ("D14", 0.75, "h:mm"),
        ("E14", 1.5, "[h]:mm:ss"),
        ("F14", 45000, '"Y: "0.00'),
        ("G14", 60, "d-mmm-yy"),
        ("H14", 59.5, "d-mmm-yy h:mm"),
        ("I14", 45000, "0.00%"),
        ("A15", 1e20, "dd/mm/yyyy"),
        ("B15", -5, "dd/mm/yyyy"),
        ("D16", None, "dd/mm/yyyy"),
    ]:
        sheet[cell] = value
        sheet[cell].number_format = number_format
    workbook.save(path)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="[h]:mm"/>'
    '</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="5">'
    '<xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/>'
    '<xf numFmtId="46"/></cellXfs></styleSheet>'
)
_SHARED = [
    "<t>biasa</t>",
    '<r><t>kaya </t></r><r><rPr><b/></rPr><t xml:space="preserve">teks </t></r>'
    '<rPh sb="0" eb="1"><t>FONETIK</t></rPh>',
    "<t>tab_x0009_di dalam</t>",
    "<t>  dipangkas  </t>",
    '<t xml:space="preserve">  dijaga  </t>',
]
_PREFIXED_ROWS = (
    '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c>'
    '<x:c t="s"><x:v>2</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c><x:c t="s"><x:v>4</x:v></x:c>'
    "</x:row><x:row>"
    '<x:c r="A2" s="1"><x:v>45000</x:v></x:c><x:c s="2"><x:v>1.25</x:v></x:c>'
    '<x:c s="3"><x:v>45000.5</x:v></x:c><x:c s="4"><x:v>2.5</x:v></x:c>'
    '<x:c t="b"><x:v>1</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c>'
    '<x:c t="str"><x:f>A1</x:f><x:v>  biasa </x:v></x:c></x:row><x:row r="5">'
    '<x:c r="B5" t="d"><x:v>2024-03-01</x:v></x:c>'
    '<x:c r="C5" t="d"><x:v>2024-03-01T10:20:30</x:v></x:c>'
    '<x:c r="D5" t="inlineStr"><x:is><x:r><x:t>in</x:t></x:r><x:r><x:t> line </x:t></x:r></x:is>'
    '</x:c><x:c r="E5"><x:v>1E3</x:v></x:c><x:c r="F5" s="1"><x:v>0.5</x:v></x:c>'
    '<x:c r="G5"><x:v> 12 </x:v></x:c><x:c r="H5"><x:v>bukan angka</x:v></x:c></x:row>'
)


def _crafted(*, date1904: bool) -> bytes:
    sheet = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{_MAIN}"><x:sheetData>{_PREFIXED_ROWS}'
        "</x:sheetData></x:worksheet>"
    )
    shared = hostile.shared_strings_xml(_SHARED)
    return hostile.xlsx(sheet, shared=shared, styles=_STYLES, date1904=date1904)


WORKBOOKS = [
    pytest.param(lambda: _crafted(date1904=False), id="shared-styles-prefixes-1900"),
    pytest.param(lambda: _crafted(date1904=True), id="shared-styles-prefixes-1904"),
    pytest.param(lambda: hostile.big_sheet(40), id="inline-strings"),
    pytest.param(lambda: hostile.deep_xml(), id="deeply-nested"),
    pytest.param(lambda: hostile.far_cell("AH300", claimed=False), id="a-far-cell"),
    pytest.param(lambda: hostile.many_strings(5000), id="many-shared-strings"),
    pytest.param(
        lambda: hostile.xlsx(hostile.sheet_xml(hostile.header_xml(), dimension="A1:AH1")),
        id="header-only",
    ),
]


@pytest.mark.parametrize("content", WORKBOOKS)
def test_a_crafted_or_hostile_workbook_reads_as_calamine_read_it(tmp_path, content):
    path = tmp_path / "buku.xlsx"
    path.write_bytes(content())
    _same_rows(path)


def test_an_openpyxl_workbook_of_every_kind_of_cell_reads_as_calamine_read_it(tmp_path):
    path = tmp_path / "sel.xlsx"
    _openpyxl_workbook(path)
    rows = _same_rows(path)
    by_number = dict(rows)
    assert by_number[2][2] == datetime.date(2024, 1, 5)
    assert by_number[2][6] == datetime.timedelta(hours=30)
    assert by_number[12][:3] == ["digabung", "", ""]  # as read, as calamine reads it
    assert all(len(cells) == 10 for _, cells in rows)  # as wide as the widest row (J)
    # Below the header (row 1) a merged range reads as the user sees it: its first cell's
    # value in each of its cells.
    spool = sheet_spool(path, kind="xlsx", limits=ParseLimits.from_settings())
    try:
        spool.fill_merged(1)
        assert dict(spool.records())[12][:4] == ["digabung", "digabung", "digabung", ""]
    finally:
        spool.close()


def test_an_eppgbm_workbook_reads_as_calamine_read_it(eppgbm):
    rows = [eppgbm.row(NIK=f"19060101012400{i:02d}", Nama=f"Anak {i}") for i in range(40)]
    _same_rows(eppgbm.xlsx(rows, title="Data e-PPGBM"))


def test_rows_out_of_order_are_refused(tmp_path):
    # A workbook lists its rows in order; the rows read are looked up by their number.
    rows = (
        hostile.header_xml() + hostile.row_xml(5, ["1906", "A"]) + hostile.row_xml(3, ["1906", "B"])
    )
    path = tmp_path / "acak.xlsx"
    path.write_bytes(hostile.xlsx(hostile.sheet_xml(rows)))
    with pytest.raises(ImportFileError, match="bukan buku kerja xlsx"):
        read_table(path)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("DD/MM/YY", "t"),
        ("H:MM:SS;@", "t"),
        ('m"M"d"D";@', "t"),
        ('[$-404]e"\\xfc"m', "t"),
        ("ha/p\\\\m", "t"),
        ("[h]:mm:ss", "s"),
        ("[mm]", "s"),
        ("[>=100][Magenta][s].00", "s"),
        ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm", "s"),
        ("#,##0\\ [$\\u20bd-46D]", None),
        ('"Y: "0.00"m";"Y: "-0.00"m"', None),
        ('"$"#,##0_);[Red]("$"#,##0)', None),
        ("\\Y000000", None),
        ('#,##0.0####" YMD"', None),
        ("[>=100][Magenta]General", None),
        ("0.00%", None),
    ],
)
def test_a_custom_number_format_is_a_date_a_duration_or_a_number(code, kind):
    assert format_kind(code) == kind


def test_a_hidden_first_sheet_is_passed_over_for_the_first_sheet_the_user_sees(tmp_path, eppgbm):
    # A template's drop-down lists often live on a hidden sheet put first: the user sees,
    # fills in and uploads the data sheet only, and the import must read that one.
    path = eppgbm.xlsx([eppgbm.row(Nama="Anak Terlihat")])
    workbook = openpyxl.load_workbook(path)
    lists = workbook.create_sheet("Daftar", 0)
    lists.append(["JK", "L", "P"])
    lists.sheet_state = "hidden"
    also = workbook.create_sheet("Kode", 1)
    also.append(["kode"])
    also.sheet_state = "veryHidden"
    workbook.active = 2
    workbook.save(path)
    table = read_table(path)
    nama = table.columns["nama"]
    assert [cells[nama] for _number, cells in table.rows] == ["Anak Terlihat"]


def test_a_visible_first_sheet_is_read_even_after_hidden_ones(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["pertama"])
    hidden = workbook.create_sheet("Tersembunyi")
    hidden.append(["kedua"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "buku.xlsx"
    workbook.save(path)
    assert [cells for _number, cells in _streamed(path)] == [["pertama"]]


def test_a_workbook_with_its_data_on_a_second_sheet_is_told_which_sheet_was_read(tmp_path, eppgbm):
    path = eppgbm.xlsx([eppgbm.row()])
    workbook = openpyxl.load_workbook(path)
    notes = workbook.create_sheet("Petunjuk & Catatan", 0)
    notes.append(["Isi data di lembar berikutnya."])
    workbook.save(path)
    with pytest.raises(ImportFileError) as refused:
        read_table(path)
    assert str(refused.value) == (
        "Baris judul kolom e-PPGBM tidak ditemukan (diharapkan kolom seperti NIK, Nama, JK). "
        "Hanya lembar pertama buku kerja yang dibaca, di sini “Petunjuk & Catatan”: letakkan "
        "data di lembar pertama."
    )


def test_a_one_sheet_workbook_without_a_header_is_not_told_of_other_sheets(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["bukan", "judul"])
    path = tmp_path / "buku.xlsx"
    workbook.save(path)
    with pytest.raises(ImportFileError) as refused:
        read_table(path)
    assert "lembar pertama" not in str(refused.value)


def test_a_workbook_listing_its_sheet_with_the_relationship_first_reads_as_calamine_read_it(
    tmp_path,
):
    # Attributes come in any order: <sheet r:id="rId1" name="Data" sheetId="1"/> is the same.
    import io
    import zipfile

    made = hostile.xlsx(hostile.sheet_xml(hostile.header_xml() + hostile.row_xml(2, ["1906"])))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(made)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(
                    b'<sheet name="Data" sheetId="1" r:id="rId1"/>',
                    b'<sheet r:id="rId1" name="Data" sheetId="1"/>',
                )
                assert b'<sheet r:id="rId1"' in data
            target.writestr(info, data)
    path = tmp_path / "urutan.xlsx"
    path.write_bytes(out.getvalue())
    assert len(_same_rows(path)) == 2
