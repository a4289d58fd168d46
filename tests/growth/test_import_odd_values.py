"""Cells no form would let through: numbers too long for any column, NIKs in other scripts'
digits, durations no clock can hold. Each is one row's reason or the same value in ASCII;
never a server error, never the whole file refused, never a second copy of a child."""

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kampungkb.growth.importing.commit import measurements_import
from kampungkb.growth.importing.headers import TEMPLATE_HEADERS
from kampungkb.growth.models import Child

HUGE = ["1e400", "99999999999999999999999999999"]
ASCII = "1906010101240001"
FULLWIDTH = ASCII.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
ARABIC_INDIC = ASCII.translate({ord(c): 0x0660 + int(c) for c in "0123456789"})


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("column", ["Berat", "Tinggi", "LiLA", "BB Lahir", "Jml Vit A"])
def test_a_number_longer_than_any_column_is_that_rows_reason(users, eppgbm, column, value):
    path = eppgbm.csv(
        [eppgbm.row(**{column: value}), eppgbm.row(NIK="1906010101240002", Nama="Anak Dua")]
    )
    result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
    assert result.n_rows == 2 and result.n_created == 1
    [error] = result.errors
    assert (error.row, error.column) == (2, column) and "bukan angka" in error.reason


def test_the_preview_of_a_file_with_such_a_number_answers(users, media_root, eppgbm):
    client = Client(raise_request_exception=False)
    client.force_login(users["kecamatan"])
    path = eppgbm.csv([eppgbm.row(Berat=HUGE[0])])
    upload = SimpleUploadedFile("x.csv", path.read_bytes())
    sent = client.post(reverse("growth:import_upload"), {"file": upload})
    page = client.get(sent["Location"])
    assert page.status_code == 200 and "bukan angka" in page.content.decode()


@pytest.mark.parametrize("nik", [FULLWIDTH, ARABIC_INDIC], ids=["fullwidth", "arabic-indic"])
def test_a_nik_in_other_digits_is_the_same_nik_in_ascii(users, eppgbm, nik):
    measurements_import(user=users["kecamatan"], path=eppgbm.xlsx([eppgbm.row(NIK=nik)]))
    assert list(Child.objects.values_list("nik", flat=True)) == [ASCII]
    later = eppgbm.row(NIK=ASCII, **{"Tanggal Pengukuran": "15/10/2025"})
    measurements_import(user=users["kecamatan"], path=eppgbm.xlsx([later], name="b.xlsx"))
    assert Child.objects.count() == 1  # the same child, weighed twice


GROUPED = {
    "spaces": "1906 0101 0124 0001",
    "non-breaking": "1906\xa00101\xa00124\xa00001",
    "narrow-non-breaking": "1906\u202f0101\u202f0124\u202f0001",
}


@pytest.mark.parametrize("nik", GROUPED.values(), ids=GROUPED.keys())
def test_a_nik_written_in_groups_is_the_same_nik_whatever_space_parts_them(users, eppgbm, nik):
    # Copied from a letter or a web page, the groups are often parted by non-breaking spaces:
    # the row showed 16 digits and was told a NIK has exactly 16 digits.
    result = measurements_import(user=users["kecamatan"], path=eppgbm.xlsx([eppgbm.row(NIK=nik)]))
    assert result.errors == []
    assert list(Child.objects.values_list("nik", flat=True)) == [ASCII]


def _book(tmp_path, eppgbm, column: str, value: float, style: str):
    """A good row, then a row whose ``column`` holds ``value`` in the number ``style``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TEMPLATE_HEADERS))
    for row in (eppgbm.row(NIK="1906010101240002", Nama="Anak Dua"), eppgbm.row()):
        sheet.append([row.get(h) for h in TEMPLATE_HEADERS])
    cell = sheet.cell(row=3, column=list(TEMPLATE_HEADERS).index(column) + 1)
    cell.value, cell.number_format = value, style
    book.save(tmp_path / "odd.xlsx")
    return tmp_path / "odd.xlsx"


@pytest.mark.parametrize("value", [1e300, -1e300, 1e15])
@pytest.mark.parametrize("column", ["Tanggal Pengukuran", "Berat"])
def test_a_duration_no_clock_holds_is_that_rows_reason(tmp_path, users, eppgbm, column, value):
    path = _book(tmp_path, eppgbm, column, value, "[h]:mm:ss")
    result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
    assert result.n_rows == 2 and result.n_created == 1
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]


@pytest.mark.parametrize("value", ["2023", 2023], ids=["text", "number"])
def test_a_year_written_alone_as_a_date_is_no_date(users, eppgbm, value):
    path = eppgbm.xlsx([eppgbm.row(**{"Tanggal Pengukuran": value})])
    result = measurements_import(user=users["kecamatan"], path=path, dry_run=True)
    [error] = result.errors
    assert error.column == "Tanggal Pengukuran" and "bukan tanggal" in error.reason


#: A NIK of Papua (province codes 91 to 97) is above 2**53: typed as a number in a spreadsheet,
#: a double holds only even numbers there, and this one is read as ...892.
PAPUA = 9101011234567891


def test_a_nik_typed_as_a_number_too_large_for_a_spreadsheet_is_refused_not_stored_wrong(
    users, eppgbm
):
    path = eppgbm.xlsx(
        [eppgbm.row(NIK=PAPUA), eppgbm.row(NIK=int(ASCII), Nama="Anak Dua")], name="n.xlsx"
    )
    result = measurements_import(user=users["kecamatan"], path=path)
    [error] = result.errors
    assert (error.row, error.column) == (2, "NIK")
    assert "sebagai angka" in error.reason and "teks" in error.reason
    # A number a spreadsheet holds exactly is the NIK it is.
    assert list(Child.objects.values_list("nik", flat=True)) == [ASCII]
    assert not Child.objects.filter(nik__startswith="9101").exists()
