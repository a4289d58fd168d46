import datetime
import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.growth.models import Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login


@pytest.fixture
def kader(transactional_db, make_user, beltim, today):
    factories.child(
        posyandu=factories.posyandu(KURNIA_JAYA, "Posyandu Melati"),
        nama="Budi Santoso",
        jenis_kelamin="L",
        tanggal_lahir=today - datetime.timedelta(days=700),
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


@pytest.fixture
def busy_posyandu(transactional_db, make_user, beltim):
    """Twelve children still to weigh: their list fills more than a phone's screen."""
    melati = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    for i in range(12):
        factories.child(posyandu=melati, nama=f"Anak Antre {i:02d}")
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="kader.kurnia")


def _tap_height(locator) -> float:
    return locator.bounding_box()["height"]


def test_on_a_phone_the_weighing_form_opens_in_view_and_the_main_buttons_are_finger_sized(
    phone, live_server, busy_posyandu
):
    _login(phone, live_server, "kader.kurnia")
    phone.goto(f"{live_server.url}/pertumbuhan/sesi/")
    assert _tap_height(phone.get_by_role("button", name="Mulai")) >= 40
    phone.get_by_label("Posyandu").select_option(label="Posyandu Melati · Kurnia Jaya")
    phone.get_by_role("button", name="Mulai").click()

    measure = phone.get_by_test_id("search-results").get_by_role("link", name="Ukur")
    expect(measure).to_have_count(12)
    assert _tap_height(measure.first) >= 40
    # The form opens below the twelve children, out of sight: the page must bring it into
    # view, or the kader taps "Ukur" and sees nothing happen.
    measure.first.click()
    expect(phone.get_by_role("heading", name="Anak Antre 00")).to_be_in_viewport()
    expect(phone.get_by_label("Berat badan (kg)")).to_be_in_viewport()

    phone.get_by_label("Berat badan (kg)").fill("8,9")
    phone.get_by_label("Panjang/tinggi badan (cm)").fill("71")
    phone.get_by_role("button", name="Simpan dan lihat hasil").click()
    expect(phone.get_by_test_id("result")).to_be_in_viewport()
    assert _tap_height(phone.get_by_test_id("next-child")) >= 40

    phone.get_by_role("link", name="Daftarkan anak baru").click()
    expect(phone.get_by_role("heading", name="Daftarkan anak baru")).to_be_in_viewport()
    assert _tap_height(phone.get_by_role("button", name="Daftarkan dan ukur")) >= 40
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_on_a_phone_a_registration_refused_shows_its_first_error(phone, live_server, busy_posyandu):
    _login(phone, live_server, "kader.kurnia")
    phone.goto(f"{live_server.url}/pertumbuhan/sesi/")
    phone.get_by_label("Posyandu").select_option(label="Posyandu Melati · Kurnia Jaya")
    phone.get_by_role("button", name="Mulai").click()
    phone.get_by_role("link", name="Daftarkan anak baru").click()
    # The button is at the end of a long form: sent empty, the errors come back above it,
    # out of sight, unless the page brings the first one into view.
    phone.get_by_role("button", name="Daftarkan dan ukur").click()
    first_error = phone.locator("#entry .is-invalid").first
    expect(first_error).to_be_in_viewport()
    expect(first_error).to_be_focused()
    expect(phone.locator("#entry .invalid-feedback").first).to_be_in_viewport()
