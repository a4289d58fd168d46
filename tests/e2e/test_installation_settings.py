"""The installation-wide settings in a browser: the default KBM table (and the recompute it
starts) and the maturity rule sets, by the Admin Kabupaten of a one-kabupaten installation."""

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.convergence.models import RuleSet
from kampungkb.convergence.reference import reference_load
from kampungkb.growth.models import KBMTable
from tests.e2e.test_foundation import _login
from tests.growth.conftest import ayu_with_a_700_g_gain


@pytest.fixture
def admin(transactional_db, make_user):
    reference_load()  # migrations' reference rows are flushed between transactional tests
    return make_user(Role.ADMIN_KABUPATEN, "19.06", username="admin.dkppkb")


def test_admin_makes_the_600_g_sheet_default_and_the_codes_are_recomputed(page, live_server, admin):
    ayu = ayu_with_a_700_g_gain()  # T under Buku KIA, N under the 600 g sheet
    assert ayu.measurements.order_by("tanggal").last().growth_code == "T"

    _login(page, live_server, "admin.dkppkb")
    page.get_by_role("button", name="Data").click()
    page.get_by_role("link", name="Tabel KBM").click()
    expect(
        page.get_by_role("heading", name="Tabel KBM (kenaikan berat badan minimal)")
    ).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Jadikan bawaan dan hitung ulang").click()

    expect(page.get_by_text("sekarang menjadi tabel KBM bawaan")).to_be_visible()
    expect(page.get_by_test_id("recompute-run").first).to_contain_text("selesai")
    assert KBMTable.objects.get(is_default=True).kode == "lembar-posyandu-600"
    assert ayu.measurements.order_by("tanggal").last().growth_code == "N"


def test_admin_adjusts_a_threshold_and_a_bad_value_is_explained(page, live_server, admin):
    rule_set = RuleSet.objects.get(kode="kkb-2025")
    _login(page, live_server, "admin.dkppkb")
    page.goto(f"{live_server.url}/konvergensi/aturan/")
    page.get_by_role("link", name=rule_set.nama).click()

    threshold = page.locator("input[name='contribution-threshold']")
    threshold.fill("150")
    page.get_by_role("button", name="Simpan aturan").click()
    expect(page.get_by_text("lebih kecil dari atau sama dengan 100")).to_be_visible()

    page.locator("input[name='contribution-threshold']").fill("55")
    page.get_by_role("button", name="Simpan aturan").click()
    expect(page.get_by_text("Aturan disimpan.")).to_be_visible()
    rule_set.refresh_from_db()
    assert rule_set.rules["contribution"]["threshold"] == 55
