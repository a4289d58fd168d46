"""Pages keep working under the Content-Security-Policy (no inline script, no eval): the
behaviours that were inline handlers now come from core/static/core/app.js.

The ``page`` fixture fails a test on any CSP violation reported by the browser.
"""

import datetime
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from kampungkb.growth.models import Measurement
from tests.e2e.test_analytics import analysed  # noqa: F401 - fixture
from tests.e2e.test_foundation import _login


def test_charts_and_the_period_switch_work_under_the_policy(page, live_server, analysed):  # noqa: F811
    _login(page, live_server, "dkppkb.admin")
    response = page.goto(f"{live_server.url}/analisis/w/19.06/?periode=penimbangan")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "no-store" in response.headers["cache-control"]
    expect(page.locator("#map-desa[data-rendered='1'] svg")).to_be_visible()
    expect(page.locator("#chart-trend[data-rendered='1'] svg")).to_be_visible()
    # A new period type submits the form at once, without the period of the old type.
    with page.expect_navigation():
        page.locator("#f-periode").select_option("year")
    query = parse_qs(urlsplit(page.url).query)
    assert query["periode"] == ["year"]
    assert not query.get("mulai")


def test_deleting_a_measurement_asks_first(page, live_server, analysed):  # noqa: F811
    m = Measurement.objects.filter(tanggal=datetime.date(2025, 8, 10)).first()
    _login(page, live_server, "dkppkb.admin")
    page.goto(f"{live_server.url}/pertumbuhan/pengukuran/{m.pk}/ubah/")
    delete = page.get_by_role("button", name="Hapus pengukuran ini")
    page.once("dialog", lambda dialog: dialog.dismiss())
    delete.click()
    expect(delete).to_be_visible()
    assert Measurement.objects.filter(pk=m.pk).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    expect(page.get_by_text("Pengukuran dihapus.")).to_be_visible()
    assert not Measurement.objects.filter(pk=m.pk).exists()


def test_a_progress_bar_is_sized_without_a_style_attribute(page, live_server, analysed):  # noqa: F811
    _login(page, live_server, "dkppkb.admin")
    page.goto(f"{live_server.url}/konvergensi/target/")
    bar = page.locator(".progress-bar[data-width-percent]").first
    expect(bar).to_be_attached()
    percent = bar.get_attribute("data-width-percent")
    assert bar.evaluate("el => el.style.width") == f"{percent}%"


def test_an_address_with_a_nul_character_gets_the_400_page_on_a_phone(phone, live_server):
    response = phone.goto(f"{live_server.url}/publik/kabupaten/19%00/")
    assert response.status == 400
    expect(phone.get_by_role("heading", name="Permintaan tidak dapat diproses")).to_be_visible()
    expect(phone.get_by_role("link", name="Kembali ke beranda")).to_be_visible()
