import datetime
import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.growth.models import Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login

TODAY = datetime.date.today()


@pytest.fixture
def kader(transactional_db, make_user, beltim):
    factories.child(
        posyandu=factories.posyandu(KURNIA_JAYA, "Posyandu Melati"),
        nama="Budi Santoso",
        jenis_kelamin="L",
        tanggal_lahir=TODAY - datetime.timedelta(days=700),
        nama_ibu="Siti Aminah",
    )
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="kader.kurnia")


def test_kader_records_a_measurement_on_a_phone_and_sees_category_and_advice(
    phone, live_server, kader
):
    _login(phone, live_server, "kader.kurnia")
    phone.get_by_role("button", name="Menu").click()
    # Wait until the menu has finished opening: a click while Bootstrap's collapse is still
    # animating can land on nothing on a slow machine.
    expect(phone.locator("#nav.collapse.show")).to_be_visible()
    phone.locator("#nav").get_by_role("link", name="Sesi posyandu").click()
    phone.wait_for_url("**/pertumbuhan/sesi/**")
    phone.get_by_label("Posyandu").select_option(label="Posyandu Melati · Kurnia Jaya")
    phone.get_by_role("button", name="Mulai").click()

    phone.get_by_label("Cari anak berdasarkan nama atau NIK").fill("budi")
    results = phone.get_by_test_id("search-results")
    expect(results.get_by_text("Budi Santoso")).to_be_visible()
    results.get_by_role("link", name="Ukur").click()

    phone.get_by_label("Berat badan (kg)").fill("8,1")
    phone.get_by_label("Panjang/tinggi badan (cm)").fill("74.0")
    phone.get_by_label("PB (telentang)").check()
    phone.get_by_role("button", name="Simpan dan lihat hasil").click()

    result = phone.get_by_test_id("result")
    expect(result).to_be_visible()
    expect(result.get_by_test_id("category").first).to_have_text("Berat badan sangat kurang")
    expect(result.get_by_text("Sangat pendek")).to_be_visible()
    expect(result.get_by_test_id("advice")).to_contain_text("rujuk")
    expect(result.get_by_test_id("growth-code")).to_contain_text("B (baru pertama ditimbang)")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    if os.environ.get("KAMPUNGKB_SCREENSHOTS"):
        result.screenshot(path=os.path.join(os.environ["KAMPUNGKB_SCREENSHOTS"], "result.png"))

    phone.get_by_test_id("next-child").click()
    expect(phone.get_by_text("1 anak diukur hari ini")).to_be_visible()
    m = Measurement.objects.get()
    assert (float(m.berat), float(m.tinggi), m.cara_ukur) == (8.1, 74.0, "PB")
