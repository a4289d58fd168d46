"""Family files with cells no form would let through: numbers too long for any column, a No
KK or NIK in other scripts' digits. One row's reason or the same value in ASCII; never a
server error, never a second copy of a family."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kampungkb.families.importing.commit import families_import
from kampungkb.families.models import FamilyMember, Keluarga
from tests.families.import_files import family_rows, write_csv, write_xlsx

ASCII = "1906010000000031"
FULLWIDTH = ASCII.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
ARABIC_INDIC = ASCII.translate({ord(c): 0x0660 + int(c) for c in "0123456789"})


@pytest.mark.parametrize("value", ["1e400", "99999999999999999999999999999"])
@pytest.mark.parametrize("column", ["Usia Kawin Pertama", "Anak Lahir Hidup"])
@pytest.mark.parametrize("write", [write_xlsx, write_csv])
def test_a_number_longer_than_any_column_is_that_rows_reason(tmp_path, users, column, value, write):
    rows = family_rows(ASCII)
    rows[1][column] = value
    path = write(tmp_path / ("k.csv" if write is write_csv else "k.xlsx"), rows)
    result = families_import(user=users["desa"], path=path, dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]


def test_the_preview_of_a_file_with_such_a_number_answers(users, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client(raise_request_exception=False)
    client.force_login(users["desa"])
    rows = family_rows(ASCII)
    rows[1]["Anak Lahir Hidup"] = "1e400"
    upload = SimpleUploadedFile("k.xlsx", write_xlsx(tmp_path / "k.xlsx", rows).read_bytes())
    sent = client.post(reverse("families:import_upload"), {"file": upload})
    assert client.get(sent["Location"]).status_code == 200


@pytest.mark.parametrize("digits", [FULLWIDTH, ARABIC_INDIC], ids=["fullwidth", "arabic-indic"])
def test_a_no_kk_or_nik_in_other_digits_is_the_same_number_in_ascii(tmp_path, users, digits):
    rows = family_rows(digits)
    rows[1]["NIK"] = digits
    families_import(user=users["desa"], path=write_xlsx(tmp_path / "a.xlsx", rows))
    assert list(Keluarga.objects.values_list("no_kk", flat=True)) == [ASCII]
    assert ASCII in FamilyMember.objects.values_list("nik", flat=True)
    families_import(user=users["desa"], path=write_xlsx(tmp_path / "b.xlsx", family_rows(ASCII)))
    assert Keluarga.objects.count() == 1


def test_a_no_kk_and_nik_grouped_by_non_breaking_spaces_are_the_numbers(tmp_path, users):
    grouped = "\xa0".join(ASCII[i : i + 4] for i in range(0, 16, 4))
    rows = family_rows(grouped)
    rows[1]["NIK"] = grouped
    result = families_import(user=users["desa"], path=write_xlsx(tmp_path / "a.xlsx", rows))
    assert result.errors == []
    assert list(Keluarga.objects.values_list("no_kk", flat=True)) == [ASCII]
    assert ASCII in FamilyMember.objects.values_list("nik", flat=True)


#: Papua's codes (91 to 97) are above 2**53: typed as numbers in a spreadsheet, a double holds
#: only even numbers there, so the last digit read back is not the one typed.
PAPUA_KK, PAPUA_NIK = 9101010000000031, 9101011234567891


def test_a_no_kk_or_nik_typed_as_a_number_too_large_for_a_spreadsheet_is_refused(tmp_path, users):
    rows = [{**row, "No KK": PAPUA_KK} for row in family_rows(str(PAPUA_KK))]
    rows[1]["NIK"] = PAPUA_NIK
    result = families_import(user=users["desa"], path=write_xlsx(tmp_path / "p.xlsx", rows))
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert {column for _row, column in reasons} == {"No KK", "NIK"}
    assert all("sebagai angka" in reason and "teks" in reason for reason in reasons.values())
    assert reasons[(3, "NIK")]
    assert not Keluarga.objects.exists()
    # The same family with a No KK a spreadsheet holds exactly is stored under it.
    rows = [{**row, "No KK": int(ASCII)} for row in family_rows(ASCII)]
    families_import(user=users["desa"], path=write_xlsx(tmp_path / "a.xlsx", rows))
    assert list(Keluarga.objects.values_list("no_kk", flat=True)) == [ASCII]
