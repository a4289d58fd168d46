"""The import's posyandu mapping step in a browser, on a phone and on a desktop: a file names
a misspelt posyandu and a new one; the operator picks the suggested posyandu for the first and
"new" for the second, and only then may save."""

import os
import re

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.growth.models import Measurement, Posyandu, PosyanduAlias
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.growth.conftest import EppgbmFiles

TYPO = "POSYANDU KURNYA 1"


@pytest.fixture
def operator(transactional_db, make_user, beltim, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    kurnia = factories.posyandu(KURNIA_JAYA, "Posyandu Kurnia I")
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="operator.kurnia")
    files = EppgbmFiles(tmp_path)
    path = files.xlsx(
        [
            files.row(Posyandu=TYPO),
            files.row(NIK="1906010101240002", Nama="Anak Contoh Dua", Posyandu=TYPO),
            files.row(NIK="1906010101240003", Nama="Anak Contoh Tiga", Posyandu="Kenanga"),
        ]
    )
    return kurnia, path


def _screenshot(page, name):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name))


@pytest.mark.parametrize("device", ["phone", "page"])
def test_the_operator_maps_an_unknown_posyandu_and_only_then_saves(
    request, device, live_server, operator
):
    page = request.getfixturevalue(device)
    kurnia, path = operator
    _login(page, live_server, "operator.kurnia")
    page.goto(f"{live_server.url}/pertumbuhan/impor/")
    page.get_by_label("Berkas e-PPGBM (xlsx atau csv)").set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()

    mapping = page.get_by_test_id("posyandu-mapping")
    expect(mapping).to_be_visible()
    expect(page.get_by_test_id("import-commit")).to_have_count(0)
    expect(page.get_by_test_id("import-waits")).to_be_visible()
    typo, kenanga = mapping.get_by_test_id("posyandu-unknown").all()
    expect(typo).to_contain_text(TYPO)
    expect(typo).to_contain_text("2 baris, mulai baris 2")
    choice = typo.get_by_test_id("posyandu-choice")
    suggested = choice.locator("optgroup").first.locator("option").first
    expect(suggested).to_have_text(re.compile(r"^Posyandu Kurnia I \(mirip \d+%\)$"))
    choice.select_option(str(kurnia.pk))
    kenanga.get_by_test_id("posyandu-choice").select_option("baru")
    mapping.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    _screenshot(page, f"import-posyandu-mapping-{'phone' if device == 'phone' else 'desktop'}.png")
    assert Posyandu.objects.count() == 2  # nothing made before Simpan

    page.get_by_role("button", name="Simpan pilihan dan periksa lagi").click()
    expect(page.get_by_test_id("posyandu-mapping")).to_have_count(0)
    expect(page.get_by_test_id("posyandu-new")).to_contain_text("Kenanga · Kurnia Jaya")
    page.get_by_test_id("import-commit").click()
    expect(page.get_by_role("heading", name="Hasil impor")).to_be_visible()

    assert PosyanduAlias.objects.get().posyandu == kurnia
    assert sorted(Measurement.objects.values_list("posyandu__nama", flat=True)) == [
        "Kenanga",
        "Posyandu Kurnia I",
        "Posyandu Kurnia I",
    ]
