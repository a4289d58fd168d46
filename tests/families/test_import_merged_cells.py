"""A family-survey file whose family columns an officer merged over the members' rows (No
KK, place, address, water, latrine, survey date: one merged cell a family, its value in the
first row only) imports as the user sees it: one family of its members, no row rejected."""

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kampungkb.families.importing.commit import families_import
from kampungkb.families.importing.headers import TEMPLATE_HEADERS
from kampungkb.families.importing.parse import read_rows
from kampungkb.families.models import FamilyImportBatch, FamilyMember, FamilySurvey, Keluarga
from tests import factories
from tests.families.import_files import family_rows, write_xlsx

pytestmark = pytest.mark.django_db

KK1 = "1906010000000001"
KK2 = "1906010000000002"
FAMILY = (
    "No KK",
    "Kecamatan",
    "Desa/Kelurahan",
    "RT",
    "RW",
    "Alamat",
    "Sumber Air Minum",
    "Jamban",
    "Tanggal Pendataan",
)


@pytest.fixture
def operator(beltim):
    return factories.operator_desa()


def _merged_file(path):
    """Two families of three members under a title merged across the top (row 1) and the
    header (row 2); each family's columns merged over its members' rows."""
    rows = family_rows(KK1) + family_rows(KK2, RT="003", Alamat="Jl. Sintetis 2")
    write_xlsx(path, rows, title="DATA KELUARGA DESA KURNIA JAYA")
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.merge_cells(f"A1:{get_column_letter(len(TEMPLATE_HEADERS))}1")
    for first in (3, 6):
        for header in FAMILY:
            letter = get_column_letter(TEMPLATE_HEADERS.index(header) + 1)
            sheet.merge_cells(f"{letter}{first}:{letter}{first + 2}")
    workbook.save(path)
    assert load_workbook(path).active["A4"].value is None  # as Excel saves a merged cell
    return path


def test_the_rows_under_a_merged_family_carry_its_no_kk_and_address(tmp_path):
    table = read_rows(_merged_file(tmp_path / "gabung.xlsx"))
    assert table.header_row == 2  # the title merged across the top names no column
    rows = dict(table.rows)
    assert list(rows) == [3, 4, 5, 6, 7, 8]
    no_kk, alamat = TEMPLATE_HEADERS.index("No KK"), TEMPLATE_HEADERS.index("Alamat")
    assert [rows[n][no_kk] for n in rows] == [KK1] * 3 + [KK2] * 3
    assert [rows[n][alamat] for n in rows] == ["Jl. Sintetis 1"] * 3 + ["Jl. Sintetis 2"] * 3


def test_a_family_merged_over_its_members_imports_as_one_family(tmp_path, operator):
    path = _merged_file(tmp_path / "gabung.xlsx")
    result = families_import(user=operator, path=path)
    assert (result.n_rows, result.n_rejected, result.n_families, result.n_members) == (6, 0, 2, 6)
    for no_kk, rt, alamat in ((KK1, "001", "Jl. Sintetis 1"), (KK2, "003", "Jl. Sintetis 2")):
        keluarga = Keluarga.objects.get(no_kk=no_kk)
        assert (keluarga.desa_id, keluarga.rt, keluarga.rw, keluarga.alamat) == (
            factories.KURNIA_JAYA,
            rt,
            "002",
            alamat,
        )
        survey = FamilySurvey.objects.get(keluarga=keluarga)
        assert survey.members.count() == 3
        assert survey.sumber_air == 8 and survey.jamban == 1
    members = list(FamilyMember.objects.order_by("pk").values_list("pk", flat=True))
    again = families_import(user=operator, path=path)
    assert (again.n_rounds_created, again.n_rounds_updated, again.n_rounds_unchanged) == (0, 0, 2)
    assert again.n_rejected == 0 and again.batch is None
    assert list(FamilyMember.objects.order_by("pk").values_list("pk", flat=True)) == members
    assert FamilyImportBatch.objects.count() == 1
