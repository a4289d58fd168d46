"""The child list in a browser: on a 390 px phone and on a desktop."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.growth.demo_registry import BOYS, GIRLS, SECOND_BOY, SECOND_GIRL, synthetic_nik
from tests import factories
from tests.conftest import KURNIA_JAYA, LALANG_JAYA
from tests.e2e.test_foundation import _login


@pytest.fixture
def manggar(transactional_db, make_user, beltim, today):
    """60 children in Kurnia Jaya (every third stunted at the latest weighing, every fifth
    not weighed this month) and 5 in Lalang Jaya, with the Manggar operator."""
    last_month = today.replace(day=1) - datetime.timedelta(days=20)
    melati = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    for i in range(65):
        girl = i % 2 == 1
        born = today - datetime.timedelta(days=70 + 27 * i)
        names = (GIRLS, SECOND_GIRL) if girl else (BOYS, SECOND_BOY)
        child = factories.child_row(
            KURNIA_JAYA if i < 60 else LALANG_JAYA,
            nama=f"{names[0][i % 20]} {names[1][i % 6]}",
            jenis_kelamin="P" if girl else "L",
            tanggal_lahir=born,
            nik=synthetic_nik("01", born, girl, 9001 + i) if i % 3 else None,
            posyandu=melati if i < 60 else None,
        )
        day = last_month if i % 5 == 0 else today
        stunted = i % 3 == 0
        factories.measurement_row(
            child, day, stunted=stunted, wasted=i % 7 == 0, underweight=i % 4 == 0
        )
    return make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb.manggar")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_on_a_phone_the_list_pages_and_filters_and_keeps_the_filters_across_pages(
    phone, live_server, manggar
):
    _login(phone, live_server, "pkb.manggar")
    phone.goto(f"{live_server.url}/pertumbuhan/")
    rows = phone.get_by_test_id("child-row")
    expect(rows).to_have_count(50)
    expect(phone.get_by_test_id("child-count")).to_contain_text("65 anak")
    _no_sideways_scroll(phone)
    if os.environ.get("KAMPUNGKB_SCREENSHOTS"):
        phone.screenshot(
            path=os.path.join(os.environ["KAMPUNGKB_SCREENSHOTS"], "children-list-phone.png")
        )

    # The next page, by a link a thumb can reach.
    next_link = phone.get_by_test_id("pagination").get_by_role("link", name="Berikutnya")
    box = next_link.bounding_box()
    assert box["height"] >= 36
    next_link.click()
    expect(rows).to_have_count(15)

    # Filters: Kurnia Jaya, stunting at the latest weighing.
    phone.get_by_text("Filter", exact=True).click()
    phone.get_by_label("Desa").select_option(KURNIA_JAYA)
    phone.get_by_label("Status terakhir").select_option("stunting")
    phone.get_by_role("button", name="Terapkan filter").click()
    expect(phone.get_by_test_id("child-count")).to_contain_text("20 anak")
    expect(rows).to_have_count(20)
    expect(rows.first.get_by_text("Stunting")).to_be_visible()
    expect(phone.get_by_label("Status terakhir")).to_have_value("stunting")
    _no_sideways_scroll(phone)


def test_on_a_desktop_the_list_sorts_and_combines_filters(page, live_server, manggar, today):
    last_month = today.replace(day=1) - datetime.timedelta(days=20)
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_server, "pkb.manggar")
    page.goto(f"{live_server.url}/pertumbuhan/")
    page.get_by_label("Urutkan menurut").select_option("status")
    page.get_by_role("button", name="Tampilkan").click()
    rows = page.get_by_test_id("child-row")
    # Most problems first: i = 0, 84 ... are stunted, wasted and underweight at once.
    expect(rows.first.locator(".badge.text-bg-danger")).to_have_count(2)
    expect(rows.first.locator(".badge.text-bg-warning").last).to_have_text("BB kurang")

    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Belum diukur bulan ini").check()
    page.get_by_label("Umur").select_option("24-59")
    page.get_by_role("button", name="Terapkan filter").click()
    expect(page.get_by_test_id("child-count")).to_contain_text("anak")
    for date in rows.locator("td:last-child").all_inner_texts():
        assert date.strip() == last_month.isoformat()
    # The form shows what is applied; the list can be cleared in one click.
    expect(page.get_by_label("Belum diukur bulan ini")).to_be_checked()
    page.get_by_label("Umur").select_option("")
    page.get_by_role("button", name="Terapkan filter").click()
    expect(page.get_by_test_id("child-count")).to_contain_text("13 anak")
    if os.environ.get("KAMPUNGKB_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["KAMPUNGKB_SCREENSHOTS"], "children-list-desktop.png"),
            full_page=False,
        )
    page.get_by_role("link", name="Hapus filter").click()
    expect(page.get_by_test_id("child-count")).to_contain_text("65 anak")
