"""Issue 12 item 9 in the browser: date pickers, a preview of exactly what becomes public
(hidden figures marked, the difference from the public version), then a confirmation."""

import os

from playwright.sync_api import expect

from kampungkb.analytics.models import Publication
from kampungkb.analytics.services import summaries_rebuild
from tests.analytics.conftest import Data
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_analytics import analysed  # noqa: F401 (the fixture)
from tests.e2e.test_foundation import _login


def _shoot(page, name):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name))


def _open_preview(page, live_server, *, start, end):
    page.goto(f"{live_server.url}/analisis/publikasi/")
    form = page.get_by_test_id("publish-form")
    form.get_by_label("Jenis periode").select_option("penimbangan")
    form.get_by_label("Awal periode").fill(start)
    form.get_by_label("Akhir periode").fill(end)
    form.get_by_role("button", name="Pratinjau").click()


def test_the_admin_previews_the_period_sees_the_changes_and_confirms(
    page,
    live_server,
    analysed,  # noqa: F811
):
    # A correction after version 1: Kurnia Jaya's 12 measured (4 stunted) become 15 (7).
    Data().many(KURNIA_JAYA, "2025-08-20", n=3, cases=3)
    summaries_rebuild()
    _login(page, live_server, "dkppkb.admin")

    # Two date pickers; a range over two months is refused with the reason, nothing published.
    _open_preview(page, live_server, start="2025-08-10", end="2025-09-02")
    expect(page.get_by_test_id("field-error")).to_contain_text("harus dalam bulan yang sama")
    assert page.get_by_label("Awal periode").get_attribute("type") == "date"

    # Any two days of August: the preview of the whole weighing month, nothing public yet.
    _open_preview(page, live_server, start="2025-08-10", end="2025-08-20")
    expect(page.get_by_role("heading", name="Pratinjau publikasi")).to_be_visible()
    expect(page.get_by_test_id("preview-period")).to_contain_text("1 Agustus 2025")
    assert Publication.objects.count() == 1
    diff = page.get_by_test_id("preview-diff")
    row = diff.get_by_role("row").filter(has_text="Kurnia Jaya").filter(has_text="Stunting")
    expect(row).to_contain_text("12 → 15")
    expect(row).to_contain_text("33,3 → 46,7")
    desa = page.get_by_test_id("public-desa")
    expect(desa.get_by_role("row").filter(has_text="Lalang Jaya")).to_contain_text("–1")
    expect(page.get_by_test_id("preview-legend")).to_contain_text("sel kecil")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.get_by_role("heading", name="Perbedaan dengan versi publik").scroll_into_view_if_needed()
    _shoot(page, "publish-preview-desktop.png")

    page.get_by_test_id("confirm-publish").click()
    expect(page.get_by_text("sebagai versi 2")).to_be_visible()
    assert Publication.objects.count() == 2

    page.goto(f"{live_server.url}/publik/")
    expect(
        page.get_by_test_id("public-desa").get_by_role("row").filter(has_text="Kurnia Jaya")
    ).to_contain_text("46,7")


def test_the_publish_preview_fits_a_phone(phone, live_server, analysed):  # noqa: F811
    _login(phone, live_server, "dkppkb.admin")
    _open_preview(phone, live_server, start="2025-08-01", end="2025-08-31")
    expect(phone.get_by_role("heading", name="Pratinjau publikasi")).to_be_visible()
    expect(phone.get_by_test_id("preview-diff-none")).to_be_visible()  # nothing changed
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the preview scrolls sideways by {overflow}px"
    phone.get_by_role("heading", name="Yang akan terbit").scroll_into_view_if_needed()
    _shoot(phone, "publish-preview-phone.png")
    expect(phone.get_by_test_id("confirm-publish")).to_be_visible()
    assert Publication.objects.count() == 1
