"""Reading family-survey files: header variants, codes or texts, dates in every form, csv
encodings, and a reason (row, column, Indonesian text) for each bad value."""

import datetime

import pytest
from openpyxl import load_workbook

from kampungkb.families.importing.commit import ImportFileError, families_import
from kampungkb.families.importing.headers import TEMPLATE_HEADERS, map_headers
from kampungkb.families.models import FamilyMember, FamilySurvey
from tests import factories
from tests.families.import_files import family_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

KK = "1906010000000011"
ALIASES = (
    "Nomor KK", "Kec", "Kelurahan", "rt", "R.W.", "ALAMAT", "nik", "Nama Anggota",
    "SHDK", "Jenis Kelamin", "Tanggal Lahir", "status kawin", "Usia Kawin Pertama",
    "Sedang Hamil", "Jumlah Anak", "Peserta KB", "Alat Kontrasepsi", "Air Minum",
    "Fasilitas BAB", "BPJS", "Akta Lahir", "Tgl Pendataan",
)  # fmt: skip
ENGLISH = (
    "Family Card Number", "District", "Village", "RT", "RW", "Address", "NIK", "Name",
    "Relationship", "Sex", "Date of Birth", "Marital Status", "Age at First Marriage",
    "Pregnant", "Live Births", "Uses Contraception", "Contraceptive Method", "Drinking Water",
    "Latrine", "Health Insurance", "Birth Certificate", "Survey Date",
)  # fmt: skip


@pytest.fixture
def operator(beltim):
    return factories.operator_desa()


@pytest.mark.parametrize(
    "headers", [TEMPLATE_HEADERS, ALIASES, ENGLISH], ids=["layout", "aliases", "english"]
)
def test_every_spelling_of_the_headers_maps_every_column(headers):
    assert len(map_headers(headers)) == len(TEMPLATE_HEADERS)


@pytest.mark.parametrize("headers", [ALIASES, ENGLISH], ids=["aliases", "english"])
def test_a_file_with_other_headers_and_a_title_line_imports(tmp_path, operator, headers):
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK), headers=headers, title="PK 2025")
    result = families_import(user=operator, path=path)
    assert (result.n_rows, result.n_rejected, result.n_rounds_created) == (3, 0, 1)


TEXTS = {
    "Hubungan": ["Kepala Keluarga", "Istri", "Anak"],
    "JK": ["Laki-laki", "Perempuan", "1"],
    "Status Kawin": ["Kawin", "kawin", "Belum Kawin"],
    "Hamil": ["Tidak", "Ya", "0"],
    "Ber-KB": ["", "Ya", "Tidak"],
    "Metode KB": ["", "IMPLANT", ""],
    "JKN": ["Ya", "1", "tidak"],
    "Akta Lahir": ["Y", "Ya", "T"],
}


def test_codes_and_texts_give_the_same_values(tmp_path, operator):
    rows = family_rows(KK, **{"Sumber Air Minum": "Sumur bor/pompa", "Jamban": "Tidak ada"})
    for i, row in enumerate(rows):
        for header, values in TEXTS.items():
            row[header] = values[i]
    rows[0]["Tgl Lahir"] = datetime.datetime(1998, 2, 1)  # a real date cell
    rows[1]["Tgl Lahir"] = "2001-03-01"
    rows[2]["Tgl Lahir"] = 45667  # an Excel serial: 10/01/2025
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert result.n_rejected == 0, result.errors
    survey = FamilySurvey.objects.get()
    assert (survey.sumber_air, survey.jamban) == (3, 4)
    got = list(
        FamilyMember.objects.order_by("urutan").values_list(
            "hubungan", "jenis_kelamin", "status_kawin", "hamil", "ber_kb", "metode_kb",
            "jkn", "akta_lahir", "tanggal_lahir",
        )
    )  # fmt: skip
    assert got == [
        (1, "L", 2, False, False, "", True, True, datetime.date(1998, 2, 1)),
        (2, "P", 2, True, True, "implan", True, True, datetime.date(2001, 3, 1)),
        (3, "L", 1, False, False, "", False, False, datetime.date(2025, 1, 10)),
    ]


def test_a_windows_1252_csv_with_commas_and_dashed_dates(tmp_path, operator):
    rows = family_rows(KK, **{"Alamat": "Jl. Café Sintetis", "Tanggal Pendataan": "15-06-2025"})
    rows[0]["Nama"] = "Ayah Sintétis"
    path = write_csv(tmp_path / "pk.csv", rows, delimiter=",", encoding="cp1252")
    result = families_import(user=operator, path=path)
    assert result.n_rejected == 0, result.errors
    assert FamilyMember.objects.filter(nama="Ayah Sintétis").exists()
    assert FamilySurvey.objects.get().keluarga.alamat == "Jl. Café Sintetis"


BAD = [
    ("No KK", "12345", "No KK", "16 angka"),
    ("No KK", "", "No KK", "Isi nomor KK"),
    ("Desa/Kelurahan", "Desa Antah", "Desa/Kelurahan", "Antah"),
    ("Kecamatan", "Kec Antah", "Kecamatan", "Antah"),
    ("NIK", "123", "NIK", "16 angka"),
    ("Nama", "", "Nama", "nama anggota"),
    ("Hubungan", "Tetangga", "Hubungan", "'Tetangga'"),
    ("Hubungan", "", "Hubungan", "hubungan"),
    ("JK", "X", "JK", "'X'"),
    ("Tgl Lahir", "31/02/2020", "Tgl Lahir", "'31/02/2020'"),
    ("Tgl Lahir", "01/01/2099", "Tgl Lahir", "masa depan"),
    ("Tgl Lahir", "01/07/2025", "Tgl Lahir", "setelah tanggal pendataan"),
    ("Status Kawin", "9", "Status Kawin", "'9'"),
    ("Usia Kawin Pertama", "5", "Usia Kawin Pertama", "10"),
    ("Usia Kawin Pertama", "dua", "Usia Kawin Pertama", "'dua'"),
    ("Hamil", "mungkin", "Hamil", "'mungkin'"),
    ("Anak Lahir Hidup", "x", "Anak Lahir Hidup", "'x'"),
    ("Ber-KB", "kadang", "Ber-KB", "'kadang'"),
    ("Metode KB", "Jamu", "Metode KB", "'Jamu'"),
    ("Sumber Air Minum", "11", "Sumber Air Minum", "'11'"),
    ("Jamban", "Kloset emas", "Jamban", "'Kloset emas'"),
    ("JKN", "?", "JKN", "'?'"),
    ("Akta Lahir", "mungkin", "Akta Lahir", "'mungkin'"),
    ("Tanggal Pendataan", "kemarin", "Tanggal Pendataan", "'kemarin'"),
    ("Tanggal Pendataan", "", "Tanggal Pendataan", "tanggal pendataan"),
]


@pytest.mark.parametrize(
    ("header", "value", "column", "says"), BAD, ids=[f"{b[0]}={b[1]!r}" for b in BAD]
)
def test_a_bad_value_rejects_its_row_with_the_column_and_a_reason(
    tmp_path, operator, header, value, column, says
):
    rows = family_rows(KK)
    rows[0][header] = value  # the head's row (row 2); the other rows stay valid
    result = families_import(user=operator, path=write_csv(tmp_path / "pk.csv", rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert says.lower() in result.errors[0].reason.lower()
    assert result.n_rows == 3 and result.n_rejected == 1
    assert result.n_members == 2  # every valid row kept


def test_a_pregnant_man_and_a_method_without_kb_are_rejected(tmp_path, operator):
    rows = family_rows(KK)
    rows[0]["Hamil"] = "Y"
    rows[1]["Ber-KB"] = "T"
    result = families_import(user=operator, path=write_csv(tmp_path / "pk.csv", rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Hamil"), (3, "Metode KB")]


def test_a_tab_separated_csv_with_english_headers_and_codes(tmp_path, operator):
    path = write_csv(tmp_path / "pk.csv", family_rows(KK), headers=ENGLISH, delimiter="\t")
    result = families_import(user=operator, path=path)
    assert (result.n_rejected, result.n_rounds_created, result.n_members) == (0, 1, 3)


@pytest.mark.parametrize("value", ["3.5", "3,7", 3.5])
@pytest.mark.parametrize("write", [write_csv, write_xlsx])
def test_a_count_that_is_no_whole_number_is_rejected_not_rounded(tmp_path, operator, value, write):
    """Anak Lahir Hidup is a count (FAMILIES.md: integer): 3.5 was stored as 4 (and 2.5 as
    2), which made the wife's births "more than 3", a KRS factor nobody wrote."""
    if write is write_csv and not isinstance(value, str):
        return
    rows = family_rows(KK)
    rows[1]["Anak Lahir Hidup"] = value
    rows[1]["Usia Kawin Pertama"] = "19,5"
    path = write(tmp_path / ("pk.csv" if write is write_csv else "pk.xlsx"), rows)
    result = families_import(user=operator, path=path)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Usia Kawin Pertama"),
        (3, "Anak Lahir Hidup"),
    ]
    assert "bilangan bulat" in result.errors[1].reason
    assert not FamilyMember.objects.filter(anak_lahir_hidup=4).exists()
    rows[1]["Anak Lahir Hidup"], rows[1]["Usia Kawin Pertama"] = "3,0", 19.0
    result = families_import(user=operator, path=write(path, rows))
    assert not result.errors
    assert FamilyMember.objects.get(hubungan=2).anak_lahir_hidup == 3


def test_a_workbook_whose_hidden_first_sheet_holds_the_lists_imports_its_data_sheet(
    tmp_path, operator
):
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK))
    workbook = load_workbook(path)
    lists = workbook.create_sheet("Daftar Pilihan", 0)
    lists.append(["Hubungan", "1", "2", "3"])
    lists.sheet_state = "hidden"
    workbook.active = 1
    workbook.save(path)
    result = families_import(user=operator, path=path)
    assert (result.n_rows, result.n_rejected, result.n_rounds_created) == (3, 0, 1)
    again = families_import(user=operator, path=path)
    assert (again.n_rounds_created, again.n_rounds_updated, again.n_rounds_unchanged) == (0, 0, 1)


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_a_csv_with_a_title_line_above_its_header_imports_whatever_its_delimiter(
    tmp_path, operator, delimiter
):
    path = write_csv(tmp_path / "pk.csv", family_rows(KK), delimiter=delimiter)
    path.write_bytes(b"Pendataan Keluarga 2025\r\n" + path.read_bytes())
    result = families_import(user=operator, path=path)
    assert (result.header_row, result.n_rows, result.n_rejected) == (2, 3, 0)


def test_a_family_workbook_with_its_data_on_a_second_sheet_names_the_sheet_read(tmp_path, operator):
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK))
    workbook = load_workbook(path)
    workbook.create_sheet("Petunjuk", 0).append(["Isi data di lembar Data."])
    workbook.save(path)
    with pytest.raises(ImportFileError, match=r"Hanya lembar pertama .* “Petunjuk”"):
        families_import(user=operator, path=path)


@pytest.mark.parametrize("write", [write_csv, write_xlsx], ids=["csv-text", "xlsx-number"])
def test_a_birth_year_written_alone_is_rejected_not_stored_as_a_day_of_1905(
    tmp_path, operator, write
):
    # Read as an Excel serial, 1998 was 20/06/1905: a head of 120 years, stored silently,
    # and a wife's "2001" made her too old to bear a child (a KRS factor).
    rows = family_rows(KK)
    rows[0]["Tgl Lahir"] = "1998" if write is write_csv else 1998
    rows[1]["Tgl Lahir"] = "2001" if write is write_csv else 2001
    name = "pk.csv" if write is write_csv else "pk.xlsx"
    result = families_import(user=operator, path=write(tmp_path / name, rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Tgl Lahir"), (3, "Tgl Lahir")]
    assert "bukan tanggal" in result.errors[0].reason and "1998" in result.errors[0].reason
    assert not FamilyMember.objects.filter(tanggal_lahir__year__lt=1950).exists()
