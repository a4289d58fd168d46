"""A child's page in a browser: its three growth charts fit their cards on a phone and on a
desktop, nothing drawn outside them."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login

# Every text of a chart (axis titles, ticks, line labels, a title) that lies outside the box
# of the element the chart is drawn in, by more than a pixel.
_TEXTS_OUTSIDE = """(el) => {
  const box = el.getBoundingClientRect();
  return [...el.querySelectorAll("svg text")].filter((t) => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
  }).map((t) => t.textContent);
}"""


@pytest.fixture
def child(transactional_db, make_user, beltim, today):
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="kader.kurnia")
    child = factories.child(
        KURNIA_JAYA,
        nama="Putri Ramadhani Wulandari",
        jenis_kelamin="P",
        tanggal_lahir=today - datetime.timedelta(days=900),
    )
    for months, kg, cm in ((3, "10.9", "82.0"), (2, "11.2", "83.1"), (1, "11.4", "84.0")):
        day = today - datetime.timedelta(days=30 * months)
        factories.measurement(child, day, berat=Decimal(kg), tinggi=Decimal(cm), cara_ukur="TB")
    return child


@pytest.mark.parametrize("device", ["phone", "page"])
def test_the_growth_charts_fit_their_cards(request, device, live_server, child):
    page = request.getfixturevalue(device)
    _login(page, live_server, "kader.kurnia")
    page.goto(f"{live_server.url}/pertumbuhan/anak/{child.pk}/")
    expect(page.get_by_role("heading", name="Putri Ramadhani Wulandari")).to_be_visible()
    charts = page.locator("[data-testid='growth-charts'] [data-spec-url]")
    expect(charts).to_have_count(3)
    for i in range(3):
        expect(charts.nth(i)).to_have_attribute("data-rendered", "1")
        assert charts.nth(i).evaluate(_TEXTS_OUTSIDE) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
