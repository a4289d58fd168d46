"""A district admin records a coaching visit and sees the Kampung KB's review page update."""

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.convergence.reference import reference_load
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login


@pytest.fixture
def setup(transactional_db, make_user, make_kampung):
    reference_load()  # migrations' reference rows are flushed between transactional tests
    kampung = make_kampung(KURNIA_JAYA)
    make_user(Role.ADMIN_KABUPATEN, "19.06", username="admin.dkppkb")
    return kampung


def test_admin_records_a_coaching_visit_and_the_review_page_counts_it(page, live_server, setup):
    _login(page, live_server, "admin.dkppkb")
    page.goto(f"{live_server.url}/konvergensi/kampung/{setup.pk}/reviu/")
    expect(page.get_by_role("heading", name="Kampung KB Kurnia Jaya")).to_be_visible()
    expect(page.get_by_test_id("visit-count")).to_have_text("0")

    page.get_by_role("link", name="Catat kunjungan pembinaan").first.click()
    page.get_by_label("OPD", exact=True).select_option(label="DPUPR")
    page.get_by_label("Topik").fill("Air bersih dan jamban")
    page.get_by_label("Temuan").fill("Dua sumur keluarga berisiko belum layak")
    page.get_by_label("Tindak lanjut", exact=True).fill("Usulkan perbaikan sumur ke DPUPR")
    page.get_by_label("Penanggung jawab", exact=True).fill("Kasi PU")
    page.get_by_label("Batas waktu").fill("2099-12-31")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Kunjungan pembinaan dicatat.")).to_be_visible()

    page.get_by_role("link", name="Kampung KB Kurnia Jaya").click()
    expect(page.get_by_test_id("visit-count")).to_have_text("1")
    expect(page.get_by_test_id("review-visits")).to_contain_text("Air bersih dan jamban")
