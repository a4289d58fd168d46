import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from tests.conftest import BATU_PENYU, KURNIA_JAYA, MANGGAR

PASSWORD = "not-a-real-password-1"


@pytest.fixture
def manggar_operator(transactional_db, make_user, make_kampung):
    make_kampung(KURNIA_JAYA)
    make_kampung(BATU_PENYU)
    return make_user(Role.OPERATOR_KECAMATAN, MANGGAR, username="pkb.manggar")


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_manggar_operator_sees_nine_desa_opens_kampung_kb_switches_language_is_refused_gantung(
    page, live_server, manggar_operator
):
    _login(page, live_server, "pkb.manggar")
    expect(page.get_by_role("heading", name="Manggar")).to_be_visible()
    expect(page.get_by_test_id("n-desa")).to_have_text("9")

    page.get_by_role("link", name="Wilayah", exact=True).first.click()
    rows = page.get_by_test_id("desa-row")
    expect(rows).to_have_count(9)
    expect(page.get_by_test_id("kecamatan-19.06.02")).to_have_count(0)
    expect(rows.filter(has_text="Kurnia Jaya").get_by_text("Kampung KB")).to_be_visible()

    page.get_by_role("link", name="Kampung KB", exact=True).first.click()
    page.get_by_role("link", name="Kampung KB Kurnia Jaya").click()
    expect(page.get_by_role("heading", name="Kampung KB Kurnia Jaya")).to_be_visible()
    expect(page.get_by_text("Contoh Ketua")).to_be_visible()

    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    expect(page.get_by_role("heading", name="Activity groups")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_be_visible()

    response = page.goto(f"{live_server.url}/wilayah/{BATU_PENYU}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Batu Penyu")).to_have_count(0)


def test_map_is_drawn_offline_from_the_stored_boundaries(page, live_server, manggar_operator):
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    _login(page, live_server, "pkb.manggar")
    page.goto(f"{live_server.url}/wilayah/peta/")
    expect(page.locator("#map[data-rendered='1'] svg")).to_be_visible()
    # 9 desa shapes plus 1 kecamatan outline.
    expect(page.locator("#map svg .mark-shape path")).to_have_count(10)
    assert outside == []


def test_pages_fit_a_phone_screen(phone, live_server, manggar_operator):
    _login(phone, live_server, "pkb.manggar")
    for path in ("/", "/wilayah/", "/wilayah/kampung-kb/", "/wilayah/kampung-kb/baru/"):
        phone.goto(f"{live_server.url}{path}")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("button", name="Menu").click()
    expect(phone.locator("#nav").get_by_role("link", name="Peta")).to_be_visible()
    if os.environ.get("KAMPUNGKB_SCREENSHOTS"):
        phone.screenshot(path=os.path.join(os.environ["KAMPUNGKB_SCREENSHOTS"], "phone-home.png"))


@pytest.fixture
def village_operator(transactional_db, make_user, make_kampung):
    make_kampung(KURNIA_JAYA)
    # A user name as long as real ones: the whole menu (Operator Desa) beside it.
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="operator.kurniajaya")


def test_the_menu_bar_fits_common_desktop_widths_in_both_languages(
    page, live_server, village_operator
):
    _login(page, live_server, "operator.kurniajaya")
    expect(page.get_by_role("heading", name="Kurnia Jaya")).to_be_visible()
    for language in ("id", "en"):
        if language == "en":
            page.get_by_label("Bahasa").select_option("en")
            page.get_by_role("button", name="Ganti").click()
            expect(page.get_by_role("link", name="Home")).to_be_visible()
        for width in (1200, 1280, 1366, 1440, 1600, 1920):
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{language} at {width}px scrolls sideways by {overflow}px"
            logout = page.locator("#nav form button[type=submit]")
            expect(logout).to_be_in_viewport(ratio=1)
