"""The family-survey import in a browser: an Operator Desa downloads the template, uploads a
family file, sees the preview (a KRS family with its reasons, a rejected row with its reason,
the child linked to its growth record) and saves it."""

import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.models import FamilyMember, FamilySurvey
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.families.import_files import date, family_rows, write_xlsx

KK_KRS = "1906010000000051"
KK_SAFE = "1906010000000052"


@pytest.fixture
def family_file(transactional_db, make_user, beltim, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="operator.kurnia")
    rows = family_rows(KK_KRS) + family_rows(KK_SAFE, **{"Sumber Air Minum": "Ledeng/PAM"})
    rows[-1]["JK"] = "X"  # the second family's child: rejected, the rest kept
    child = factories.child(
        nama=rows[2]["Nama"], tanggal_lahir=date(rows[2]["Tgl Lahir"]), nama_ibu=rows[1]["Nama"]
    )
    return write_xlsx(tmp_path / "pendataan-keluarga.xlsx", rows), child


def _screenshot(page, name):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_an_operator_desa_imports_a_family_file_and_sees_the_krs_family_and_its_reasons(
    page, live_server, family_file
):
    path, child = family_file
    _login(page, live_server, "operator.kurnia")
    page.get_by_role("button", name="Data").click()
    page.get_by_role("link", name="Impor pendataan keluarga").click()
    expect(page.get_by_role("heading", name="Impor pendataan keluarga")).to_be_visible()
    with page.expect_download() as template:
        page.get_by_test_id("import-template").click()
    assert template.value.suggested_filename == "templat-pendataan-keluarga.xlsx"

    page.get_by_label("Berkas pendataan keluarga (xlsx atau csv)").set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()

    expect(page.get_by_role("heading", name="Periksa impor keluarga")).to_be_visible()
    counts = page.get_by_test_id("import-counts")
    expect(counts.locator('[data-count="created"]')).to_have_text("2")
    expect(counts.locator('[data-count="krs"]')).to_have_text("1")
    expect(counts.locator('[data-count="rejected"]')).to_have_text("1")
    krs = page.get_by_test_id("import-krs")
    expect(krs).to_contain_text("1906********0051")
    expect(krs).to_contain_text("Air minum tidak layak")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("'X' bukan jenis kelamin")
    expect(page.get_by_test_id("import-linked")).to_contain_text("1 anak tertaut")
    _screenshot(page, "family-import-preview.png")
    assert not FamilySurvey.objects.exists()

    page.get_by_test_id("import-commit").click()
    expect(page.get_by_test_id("import-saved")).to_be_visible()
    expect(page.get_by_test_id("import-krs")).to_contain_text("Air minum tidak layak")
    _screenshot(page, "family-import-result.png")
    assert FamilySurvey.objects.filter(is_krs=True).get().keluarga.no_kk == KK_KRS
    assert FamilyMember.objects.get(child__isnull=False).child == child
