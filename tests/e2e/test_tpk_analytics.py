"""Issue 14 item 7 in the browser, on a 390 px phone: a Viewer opens the TPK page of the
district from the analysis page, reads the share of KRS families accompanied with its
Kampung KB split, picks the year, walks down to a kecamatan and downloads the xlsx; nothing
scrolls sideways."""

import os

import pytest
from playwright.sync_api import expect

from kampungkb.analytics.services import summaries_rebuild
from tests import factories
from tests.analytics import tpk_data
from tests.conftest import MANGGAR
from tests.e2e.test_foundation import _login


def _shoot(page, name):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


@pytest.fixture
def tpk_district(transactional_db, beltim):
    tpk_data.district()
    summaries_rebuild()
    return factories.viewer(username="tpk.viewer")


def _card(page, share):
    return page.locator(f'[data-testid="tpk-card"][data-share="{share}"]')


def _no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_a_viewer_reads_the_tpk_figures_on_a_phone(phone, live_server, tpk_district):
    _login(phone, live_server, "tpk.viewer")
    phone.goto(f"{live_server.url}/analisis/w/19.06/")
    phone.get_by_test_id("tpk-link").click()
    expect(
        phone.get_by_role("heading", name="Pendampingan TPK · Kabupaten Belitung Timur")
    ).to_be_visible()
    _no_sideways_scroll(phone)

    # The newest quarter first; pick K1 2025: one of three KRS families visited.
    phone.get_by_label("Periode", exact=True).select_option(label="K1 2025")
    phone.get_by_role("button", name="Tampilkan").click()
    krs = _card(phone, "krs_accompanied_share")
    expect(krs.get_by_test_id("tpk-share")).to_have_text("33,3 %")
    expect(krs.get_by_test_id("tpk-counts")).to_contain_text("1 didampingi / 3 Keluarga KRS")
    expect(krs.get_by_test_id("tpk-group").first).to_contain_text("Desa Kampung KB: 33,3 %")
    _shoot(phone, "tpk-analytics-phone.png")
    _no_sideways_scroll(phone)

    # The year: two of three.
    phone.get_by_label("Jenis periode").select_option("year")
    phone.wait_for_url("**periode=year**")
    phone.get_by_label("Periode", exact=True).select_option(label="2025")
    phone.get_by_role("button", name="Tampilkan").click()
    expect(_card(phone, "krs_accompanied_share").get_by_test_id("tpk-share")).to_have_text("66,7 %")
    # Down to Manggar: its desa, Lalang Jaya's catin.
    phone.get_by_test_id("tpk-subareas").get_by_role("link", name="Manggar").click()
    expect(phone.get_by_role("heading", name="Pendampingan TPK · Manggar")).to_be_visible()
    row = phone.locator(f'[data-testid="tpk-subarea"][data-kode="{MANGGAR}.2001"]')
    expect(row).to_contain_text("Lalang Jaya")
    expect(_card(phone, "catin_screened_share").get_by_test_id("tpk-share")).to_have_text("50,0 %")
    _no_sideways_scroll(phone)
    with phone.expect_download() as download:
        phone.get_by_test_id("tpk-xlsx").click()
    assert download.value.suggested_filename == "tpk-19.06.01-year-2025.xlsx"
