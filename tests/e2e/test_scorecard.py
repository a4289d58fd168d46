"""The KPM on a 390 px phone: the scorecard of a desa for a quarter shows the cells derived
from the data with their source, and a cell the data cannot fill is entered with htmx."""

import datetime

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.tpk.scorecard.models import ScorecardEntry
from kampungkb.families.tpk.scorecard.quarters import Quarter
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.e2e.test_posyandu_forms import screenshot
from tests.families.tpk.scorecard.helpers import baduta, visit, weigh


@pytest.fixture
def kpm(transactional_db, make_user, beltim, today):
    last = Quarter.of(today).previous()
    start = last.start
    t = baduta(start - datetime.timedelta(days=300), nama="Ahmad Sintetis")
    weigh(t, *(datetime.date(y, m, 5) for y, m in last.months))
    visit(t, datetime.date(*last.months[0], 10))
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="kpm.kurnia")


def test_the_kpm_sees_the_derived_cells_and_enters_one_on_a_phone(phone, live_server, kpm, today):
    last = Quarter.of(today).previous()
    _login(phone, live_server, "kpm.kurnia")
    phone.get_by_role("button", name="Menu").click()
    phone.locator("#nav").get_by_role("button", name="Keluarga").click()
    phone.locator("#nav").get_by_role("link", name="Kartu skor konvergensi desa").click()
    expect(
        phone.get_by_role("heading", name="Tingkat konvergensi desa · Kurnia Jaya")
    ).to_be_visible()
    phone.get_by_role("link", name="Kurnia Jaya").click()
    phone.get_by_role("combobox", name="Kuartal").select_option(label=str(last))
    phone.get_by_role("button", name="Tampilkan").click()

    card = phone.get_by_test_id("target-card").filter(has_text="Ahmad Sintetis")
    weighed = card.locator('[data-indicator="an_timbang"]')
    expect(weighed).to_have_attribute("data-source", "derived")
    expect(weighed.get_by_test_id("cell-source")).to_contain_text("Dari data: ditimbang")
    expect(weighed.locator(".badge")).to_have_text("Y")
    counselling = card.locator('[data-indicator="an_konseling"]')
    expect(counselling.get_by_test_id("cell-source")).to_contain_text(
        "kunjungan penyuluhan TPK tidak ada"
    )
    expect(phone.get_by_test_id("level")).to_contain_text("%")
    screenshot(phone, "scorecard-desa-phone.png")

    parenting = card.locator('[data-indicator="an_pengasuhan"]')
    parenting.get_by_test_id("cell-select").select_option("Y")
    expect(
        card.locator('[data-indicator="an_pengasuhan"]').get_by_test_id("cell-source")
    ).to_contain_text("Diisi KPM")
    entry = ScorecardEntry.objects.get()
    assert (entry.indikator, entry.nilai, entry.kuartal) == ("an_pengasuhan", "Y", last.kuartal)
