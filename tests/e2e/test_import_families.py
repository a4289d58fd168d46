"""Issue 13's "done when" in one browser flow: an Operator Desa looks at the desa's KRS
picture, downloads the template, uploads a family file (a real xlsx), sees the preview (a KRS
family with its reasons, a rejected row with its reason, the child linked to its growth
record) and saves it; then finds the family labelled KRS with its reasons and its child's
growth status on the family page, and sees the desa's KRS picture count the new family (the
labels and the analytics refresh follow the import on their own: the tests run background
tasks at once)."""

import datetime
import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.models import FamilyMember, FamilySurvey
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.families import krs_data
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
    # Measured at almost five months at 56 cm: severely stunted (length-for-age below -3 SD).
    factories.measurement(
        child, datetime.date(2025, 6, 1), berat=Decimal("5.6"), tinggi=Decimal("56.0"),
        cara_ukur="PB",
    )  # fmt: skip
    krs_data.district()  # Kurnia Jaya had 3 KRS families in 2025 before the file
    return write_xlsx(tmp_path / "pendataan-keluarga.xlsx", rows), child


def _screenshot(page, name):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_an_operator_desa_imports_a_family_file_and_sees_the_krs_family_and_the_picture_change(
    page, live_server, family_file
):
    path, child = family_file
    assert child.measurements.get().stunted
    _login(page, live_server, "operator.kurnia")
    page.goto(f"{live_server.url}/keluarga/krs/")  # the operator's own desa
    expect(
        page.get_by_role("heading", name="Keluarga berisiko stunting (KRS) · Kurnia Jaya")
    ).to_be_visible()
    expect(page.get_by_test_id("headline-krs")).to_have_text("3")
    krs_before = page.get_by_test_id("headline-krs").inner_text()

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
    imported = FamilySurvey.objects.filter(keluarga__no_kk__in=[KK_KRS, KK_SAFE])
    assert not imported.exists()  # a preview writes nothing

    page.get_by_test_id("import-commit").click()
    expect(page.get_by_test_id("import-saved")).to_be_visible()
    expect(page.get_by_test_id("import-krs")).to_contain_text("Air minum tidak layak")
    _screenshot(page, "family-import-result.png")
    assert imported.filter(is_krs=True).get().keluarga.no_kk == KK_KRS
    assert (
        FamilyMember.objects.get(survey__keluarga__no_kk=KK_KRS, child__isnull=False).child == child
    )

    # The family page: labelled KRS with its reasons, the child's growth status, a priority.
    page.goto(f"{live_server.url}/keluarga/?desa={KURNIA_JAYA}")
    page.get_by_role("link", name="1906********0051").click()
    expect(page.get_by_role("heading", name=f"Keluarga {KK_KRS}")).to_be_visible()
    rounds = page.get_by_test_id("family-round")
    expect(rounds).to_have_count(1)
    expect(rounds).to_contain_text("KRS")
    expect(rounds.get_by_test_id("family-reasons")).to_have_text("Air minum tidak layak")
    growth = page.get_by_test_id("family-member").filter(has_text=child.nama)
    expect(growth.get_by_test_id("member-growth").locator(".badge")).to_have_text("stunting")
    expect(growth.get_by_test_id("member-growth")).to_contain_text("terakhir diukur 2025-06-01")
    expect(page.get_by_test_id("family-priority")).to_be_visible()
    _screenshot(page, "family-page-krs.png")

    # The desa's KRS picture counts the new KRS family (summaries rebuilt after the import).
    page.goto(f"{live_server.url}/keluarga/krs/")
    expect(page.get_by_test_id("headline-krs")).to_have_text("4")
    assert int(page.get_by_test_id("headline-krs").inner_text()) == int(krs_before) + 1
