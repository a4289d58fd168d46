"""The province drill-down in a browser (issue 15): the Admin Provinsi goes provinsi ->
kabupaten -> kecamatan -> desa, and the public goes from the province's page to a
kabupaten's; desktop and a 390 px phone."""

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.analytics.reference import national_targets_load
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from kampungkb.wilayah.loading import wilayah_load
from tests.analytics.conftest import Data
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login

SUNGAILIAT = "19.01.01.1001"
PETALING = "19.01.04.2001"
AUG = datetime.date(2025, 8, 1)


@pytest.fixture
def province(transactional_db, make_user):
    national_targets_load()
    wilayah_load(folder=settings.KAMPUNGKB_PROVINCE_WILAYAH, kabupaten="19.01")
    data = Data()
    data.many(KURNIA_JAYA, "2025-08-10", n=12, cases=4)
    data.many(SUNGAILIAT, "2025-08-05", n=20, cases=6)
    data.many(PETALING, "2025-08-20", n=12, cases=3)
    summaries_rebuild()
    for kode, name in (("19.06", "beltim.admin"), ("19.01", "bangka.admin")):
        admin = make_user(Role.ADMIN_KABUPATEN, kode, username=name)
        publication_publish(user=admin, period_type="penimbangan", period_start=AUG)
    return make_user(Role.ADMIN_PROVINSI, "19", username="babel.admin")


def test_province_admin_drills_down_and_the_public_reads_the_province(
    page, browser, live_server, province
):
    _login(page, live_server, "babel.admin")
    page.goto(f"{live_server.url}/analisis/")
    expect(
        page.get_by_role("heading", name="Analisis stunting · Kepulauan Bangka Belitung")
    ).to_be_visible()
    expect(page.get_by_test_id("headline-cases")).to_have_text("13 / 44")
    expect(page.locator("#map-desa[data-rendered='1'] svg")).to_be_visible()
    table = page.get_by_test_id("subarea-table")
    expect(table.get_by_test_id("subarea-row")).to_have_count(2)
    table.get_by_role("link", name="Kabupaten Bangka").click()
    expect(page.get_by_role("heading", name="Analisis stunting · Kabupaten Bangka")).to_be_visible()
    expect(page.get_by_test_id("headline-cases")).to_have_text("9 / 32")
    expect(page.get_by_role("link", name="Kepulauan Bangka Belitung")).to_be_visible()
    page.get_by_test_id("subarea-table").get_by_role("link", name="Sungailiat").click()
    expect(page.get_by_role("heading", name="Analisis stunting · Sungailiat")).to_be_visible()
    page.get_by_test_id("subarea-table").get_by_role("link", name="Sungailiat", exact=True).click()
    expect(page.get_by_test_id("headline-cases")).to_have_text("6 / 20")
    # Aggregates only: the children's list is refused.
    assert page.goto(f"{live_server.url}/pertumbuhan/").status == 403

    public = browser.new_context(locale="id-ID").new_page()
    public.goto(f"{live_server.url}/publik/")
    expect(
        public.get_by_role("heading", name="Publikasi Data Stunting · Kepulauan Bangka Belitung")
    ).to_be_visible()
    rows = public.get_by_test_id("public-province").get_by_test_id("public-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Kabupaten Bangka")).to_contain_text("28,1")
    public.get_by_role("link", name="Kabupaten Bangka").click()
    expect(
        public.get_by_role("heading", name="Publikasi Data Stunting · Kabupaten Bangka")
    ).to_be_visible()
    expect(public.locator("#public-map[data-rendered='1'] svg")).to_be_visible()
    expect(public.get_by_text("Anak Sintetis")).to_have_count(0)
    public.context.close()


def test_province_pages_fit_a_phone_screen(phone, live_server, province):
    _login(phone, live_server, "babel.admin")
    for path in (
        "/analisis/w/19/",
        "/analisis/prioritas/19/",
        "/publik/",
        "/publik/provinsi/19/",
        "/publik/kabupaten/19.01/",
    ):
        response = phone.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        phone.wait_for_load_state("networkidle")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
