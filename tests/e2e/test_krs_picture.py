"""Issue 13 item 5 in the browser: the KRS picture by desa (aggregates only, a Viewer may see
it), its map, and the desa's KRS changing after a family is added (labels + rebuild)."""

import os

import pytest
from playwright.sync_api import expect

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.families.krs import default_rules
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import KrsRuleSet
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.families import krs_data


def _shoot(page, name):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name))


@pytest.fixture
def families(transactional_db, beltim):
    # Reference data from migrations is flushed between browser tests: the default rule too.
    KrsRuleSet.objects.get_or_create(
        kode="bkkbn-krs",
        defaults={
            "nama": "KRS BKKBN",
            "sumber": "BKKBN",
            "rules": default_rules(),
            "is_default": True,
        },
    )
    factories.kampung_kb(KURNIA_JAYA)
    krs_data.district()
    summaries_rebuild()
    return factories.viewer(username="krs.viewer")


def _row(page, kode):
    return page.locator(f'[data-testid="krs-row"][data-kode="{kode}"]')


def test_a_viewer_sees_the_krs_picture_change_after_a_family_is_added(page, live_server, families):
    _login(page, live_server, "krs.viewer")
    page.goto(f"{live_server.url}/keluarga/krs/")
    expect(
        page.get_by_role(
            "heading", name="Keluarga berisiko stunting (KRS) · Kabupaten Belitung Timur"
        )
    ).to_be_visible()
    expect(_row(page, KURNIA_JAYA).get_by_test_id("krs-share")).to_have_text("75,0")
    expect(_row(page, KURNIA_JAYA).get_by_test_id("krs-count")).to_have_text("3")
    expect(page.locator("#krs-map")).to_have_attribute("data-rendered", "1")
    expect(page.get_by_test_id("headline-krs")).to_have_text("6")
    _shoot(page, "krs-picture-desktop.png")

    # A new family in Kurnia Jaya with a wife of 18: a target family at risk (terlalu muda).
    survey = factories.family_row(KURNIA_JAYA, members=[krs_data.wife("2007-01-01")])
    labels_compute([survey.pk])  # asks for the analytics refresh on commit
    summaries_rebuild()
    page.reload()
    expect(_row(page, KURNIA_JAYA).get_by_test_id("krs-share")).to_have_text("80,0")
    expect(_row(page, KURNIA_JAYA).get_by_test_id("krs-count")).to_have_text("4")
    expect(page.get_by_test_id("headline-krs")).to_have_text("7")

    # The analytics area page's KRS section follows the rebuilt summaries.
    page.goto(f"{live_server.url}/analisis/w/{KURNIA_JAYA}/")
    expect(page.get_by_test_id("krs-main")).to_contain_text("80,0")

    # The desa's own picture, reached from the table.
    page.goto(f"{live_server.url}/keluarga/krs/")
    _row(page, KURNIA_JAYA).get_by_role("link").click()
    expect(page.get_by_test_id("headline-krs")).to_have_text("4")


def test_the_krs_picture_fits_a_phone(phone, live_server, families):
    _login(phone, live_server, "krs.viewer")
    phone.goto(f"{live_server.url}/keluarga/krs/")
    expect(phone.locator("#krs-map")).to_have_attribute("data-rendered", "1")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the KRS picture scrolls sideways by {overflow}px"
    # The table's first figures are in sight beside the desa's name: the name column, as wide
    # as "Jumlah Kabupaten Belitung Timur" on one line, pushed them all beyond the edge.
    first_figure = _row(phone, KURNIA_JAYA).locator("td").nth(1)
    first_figure.scroll_into_view_if_needed()
    phone.evaluate("document.querySelector('.krs-table').parentElement.scrollLeft = 0")
    expect(first_figure).to_be_in_viewport(ratio=1)
    _shoot(phone, "krs-picture-phone.png")
