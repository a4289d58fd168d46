import datetime
import json

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.analytics.models import SurveyFigure
from kampungkb.analytics.reference import national_targets_load
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from tests.analytics.conftest import Data
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, PADANG
from tests.e2e.test_foundation import _login


@pytest.fixture
def analysed(transactional_db, make_user, make_kampung):
    # Reference data from migrations is flushed between browser tests: load it again.
    national_targets_load()
    make_kampung(KURNIA_JAYA)
    data = Data()
    data.many(KURNIA_JAYA, "2025-08-10", n=12, cases=4)
    data.many(LALANG_JAYA, "2025-08-10", n=9, cases=3)
    # Padang's 11 measured are hidden as well, so Lalang Jaya's 9 cannot be worked out from
    # Manggar's total (complementary suppression) and Kurnia Jaya's figures can be shown.
    data.many(PADANG, "2025-08-10", n=11, cases=2)
    data.many(BATU_PENYU, "2025-08-10", n=10, cases=2)
    summaries_rebuild()
    admin = make_user(Role.ADMIN_KABUPATEN, "19.06", username="dkppkb.admin")
    publication_publish(
        user=admin, period_type="penimbangan", period_start=datetime.date(2025, 8, 1)
    )
    return admin


def test_admin_drills_from_kabupaten_to_desa_and_the_public_sees_suppressed_figures(
    page, browser, live_server, analysed
):
    _login(page, live_server, "dkppkb.admin")
    page.goto(f"{live_server.url}/analisis/")
    expect(
        page.get_by_role("heading", name="Analisis stunting · Kabupaten Belitung Timur")
    ).to_be_visible()
    expect(page.locator("#map-desa[data-rendered='1'] svg")).to_be_visible()
    page.get_by_test_id("subarea-table").get_by_role("link", name="Manggar").click()
    expect(page.get_by_role("heading", name="Analisis stunting · Manggar")).to_be_visible()
    page.get_by_test_id("subarea-table").get_by_role("link", name="Kurnia Jaya").click()
    expect(page.get_by_role("heading", name="Analisis stunting · Kurnia Jaya")).to_be_visible()
    expect(page.get_by_test_id("headline-cases")).to_have_text("4 / 12")
    expect(page.locator("#chart-trend[data-rendered='1'] svg")).to_be_visible()

    public = browser.new_context(locale="id-ID").new_page()
    public.goto(f"{live_server.url}/publik/")
    expect(public.get_by_role("heading", name="Publikasi Data Stunting")).to_be_visible()
    expect(public.locator("#public-map[data-rendered='1'] svg")).to_be_visible()
    desa = public.get_by_test_id("public-desa")
    expect(desa.get_by_role("row").filter(has_text="Kurnia Jaya")).to_contain_text("33,3")
    expect(desa.get_by_role("row").filter(has_text="Lalang Jaya")).not_to_contain_text("33,3")
    expect(
        desa.get_by_role("row").filter(has_text="Lalang Jaya").locator("td").nth(1)
    ).to_have_text("–")
    expect(public.get_by_text("Anak Sintetis")).to_have_count(0)
    expect(public.get_by_role("button", name="Keluar")).to_have_count(0)
    public.context.close()


def test_analysis_and_public_pages_fit_a_phone_screen(phone, live_server, analysed):
    _login(phone, live_server, "dkppkb.admin")
    for path in ("/analisis/w/19.06/", "/analisis/prioritas/19.06/", "/publik/"):
        phone.goto(f"{live_server.url}{path}")
        phone.wait_for_load_state("networkidle")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def _cut_over_two_lines(pattern: str) -> str:
    """A function of an element, for ``Locator.evaluate``: the matches of ``pattern`` (a
    JavaScript regular expression) in its texts that the browser cut over two lines."""
    return """(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), cut = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.textContent.matchAll(new RegExp(PATTERN, "g"))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      if (range.getClientRects().length > 1) cut.push(m[0]);
    }
  }
  return cut;
}""".replace("PATTERN", json.dumps(pattern))


# The words of an element's text, and its shares ("0,0 %", one decimal), cut over two lines.
_WORDS_CUT = _cut_over_two_lines(r"\S+")
_PERCENTS_CUT = _cut_over_two_lines(r"\d+[.,]\d+ %")


def test_on_a_phone_the_survey_sources_wrap_between_words(phone, live_server, analysed):
    source = "SSGI 2022; pemetaan ke Beltim disimpulkan dari pemberitaan (Antara 3571080)"
    SurveyFigure.objects.create(
        survey="SSGI", tahun=2022, wilayah_id="19.06", prevalensi="16.0", sumber=source
    )
    _login(phone, live_server, "dkppkb.admin")
    for path in ("/analisis/w/19.06.01/", "/analisis/survei-target/"):
        phone.goto(f"{live_server.url}{path}")
        cell = phone.locator("td", has_text="pemetaan ke Beltim")
        expect(cell).to_be_visible()
        assert cell.evaluate(_WORDS_CUT) == [], path
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_on_a_phone_the_data_quality_keeps_each_share_with_its_percent_sign(
    phone, live_server, analysed
):
    _login(phone, live_server, "dkppkb.admin")
    phone.goto(f"{live_server.url}/analisis/w/19.06.01/")
    quality = phone.get_by_test_id("data-quality")
    expect(quality).to_contain_text("Tanpa panjang/tinggi")
    assert quality.evaluate(_PERCENTS_CUT) == []
