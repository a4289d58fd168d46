"""A TPK cadre on a 390 px phone: the team's list of whom to visit this week, a visit to a
pregnant woman with a date in the future refused beside the field, fixed and saved."""

import datetime

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.tpk.models import Visit
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.e2e.test_posyandu_forms import screenshot
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)


@pytest.fixture
def kader(transactional_db, make_user, beltim, today):
    tpk.team(KURNIA_JAYA, nama="TPK Kurnia Jaya")
    # Registered 40 days ago and never visited: overdue, at the top of the week's list.
    tpk.pregnant(nama="Siti Aminah", tanggal_daftar=today - 40 * DAY, weeks=24)
    tpk.catin(nama="Dewi Lestari", days_to_marriage=200)
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="tpk.kurnia")


def test_a_tpk_cadre_records_a_visit_to_a_pregnant_woman_on_a_phone(
    phone, live_server, kader, today
):
    _login(phone, live_server, "tpk.kurnia")
    phone.get_by_role("button", name="Menu").click()
    expect(phone.locator("#nav.collapse.show")).to_be_visible()
    phone.locator("#nav").get_by_role("button", name="Keluarga").click()
    phone.locator("#nav").get_by_role("link", name="Pendampingan TPK").click()
    phone.get_by_role("link", name="TPK Kurnia Jaya").click()

    expect(phone.get_by_role("heading", name="Dikunjungi minggu ini")).to_be_visible()
    rows = phone.get_by_test_id("due-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("terlambat sejak")
    screenshot(phone, "tpk-to-visit-phone.png")
    rows.first.get_by_role("link", name="Siti Aminah").click()

    expect(phone.get_by_text("usia kehamilan")).to_be_visible()
    phone.get_by_label("Tanggal kunjungan").fill((today + DAY).isoformat())
    phone.get_by_label("Jenis kunjungan").select_option(label="Penyuluhan/KIE")
    phone.get_by_label("Temuan").fill("Belum minum tablet tambah darah.")
    phone.get_by_role("button", name="Simpan kunjungan").click()

    error = phone.locator("#id_tanggal + .invalid-feedback")
    expect(error).to_have_text("Tanggal tidak boleh di masa depan.")
    expect(phone.locator("#id_tanggal")).to_have_class("form-control is-invalid")
    # The other values stay as typed.
    expect(phone.get_by_label("Temuan")).to_have_value("Belum minum tablet tambah darah.")
    screenshot(phone, "tpk-visit-error-phone.png")
    assert not Visit.objects.exists()

    phone.get_by_label("Tanggal kunjungan").fill(today.isoformat())
    phone.get_by_role("button", name="Simpan kunjungan").click()
    expect(phone.get_by_test_id("visit-saved")).to_be_visible()
    expect(phone.get_by_test_id("next-due")).to_contain_text("Kunjungan berikutnya")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "tpk-visit-saved-phone.png")
    visit = Visit.objects.get()
    assert (visit.tanggal, visit.jenis, visit.target.nama) == (today, "kie", "Siti Aminah")
