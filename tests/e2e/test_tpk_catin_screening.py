"""A TPK cadre (Operator Desa) on a 390 px phone screens a bride-to-be: an impossible Hb is
refused beside its field, fixed, and the result is shown with its reasons."""

import datetime

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.tpk.screening.models import CatinScreening
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.e2e.test_posyandu_forms import screenshot
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)


@pytest.fixture
def kader(transactional_db, make_user, beltim, today):
    tpk.team(KURNIA_JAYA, nama="TPK Kurnia Jaya")
    # Born 20 years ago: under the recommended age of 21.
    born = today.replace(year=today.year - 20) - 10 * DAY
    target = tpk.catin(nama="Dewi Lestari", days_to_marriage=150, tanggal_lahir=born)
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="tpk.kurnia")
    return target


def test_a_tpk_cadre_records_a_catin_screening_and_sees_its_reasons(phone, live_server, kader):
    _login(phone, live_server, "tpk.kurnia")
    phone.goto(f"{live_server.url}/keluarga/tpk/sasaran/{kader.pk}/")
    panel = phone.locator("#catin-screening")
    expect(panel.get_by_role("heading", name="Skrining catin (Elsimil)")).to_be_visible()
    expect(panel.get_by_test_id("three-months")).to_contain_text("ya")

    panel.get_by_label("Catin perempuan").check()
    panel.get_by_label("Berat badan (kg)").fill("50")
    panel.get_by_label("Tinggi badan (cm)").fill("155")
    panel.get_by_label("LiLA (cm)").fill("22.8")
    panel.get_by_label("Hb (g/dL)").fill("105")  # a slipped decimal point
    panel.get_by_label("Lingkar perut (cm)").fill("72")
    panel.get_by_role("button", name="Simpan skrining").click()

    error = phone.locator("#id_skrining-hb + .invalid-feedback")
    expect(error).to_have_text("Hb (g/dL) harus antara 3 dan 22.")
    expect(phone.get_by_label("LiLA (cm)")).to_have_value("22.8")
    screenshot(phone, "tpk-catin-screening-error-phone.png")
    assert not CatinScreening.objects.exists()

    phone.get_by_label("Hb (g/dL)").fill("10.5")
    phone.get_by_role("button", name="Simpan skrining").click()
    saved = phone.get_by_test_id("screening-saved")
    expect(saved).to_contain_text("Berisiko")
    expect(saved).to_contain_text("Anemia: Hb 10,5 g/dL, di bawah 12,0 g/dL.")
    expect(saved).to_contain_text("Risiko KEK: LiLA 22,8 cm, di bawah 23,5 cm.")
    expect(saved).to_contain_text("Usia 20 tahun: di bawah usia yang dianjurkan 21 tahun")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "tpk-catin-screening-saved-phone.png")
    s = CatinScreening.objects.get()
    assert (s.hasil, s.alasan, s.umur_tahun) == ("berisiko", ["usia", "anemia", "kek"], 20)
