"""A TPK cadre (Operator Desa) on a 390 px phone records an ANC contact for a pregnant woman:
an impossible Hb is refused beside its field with the other values kept; once fixed, the
contact is saved with its K number and the risk flags show their reasons; the list of pregnant
women shows her flags."""

import datetime

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.tpk.pregnancy.models import AncContact
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.e2e.test_posyandu_forms import screenshot
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)


@pytest.fixture
def kader(transactional_db, make_user, beltim, today):
    tpk.team(KURNIA_JAYA, nama="TPK Kurnia Jaya")
    # 18 years old, 20 weeks pregnant, no ANC contact yet.
    tpk.pregnant(nama="Siti Aminah", weeks=20, tanggal_lahir=today - 18 * 366 * DAY)
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="tpk.kurnia")


def test_a_tpk_cadre_records_an_anc_contact_and_sees_the_risk_flags(
    phone, live_server, kader, today
):
    _login(phone, live_server, "tpk.kurnia")
    phone.goto(f"{live_server.url}/keluarga/tpk/")
    phone.get_by_role("link", name="Ibu hamil").click()
    row = phone.get_by_test_id("pregnant-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Tidak ada kontak ANC di trimester 1.")
    row.get_by_role("link", name="Siti Aminah").click()

    panel = phone.get_by_test_id("pregnancy-panel")
    expect(panel.get_by_role("heading", name="Pemantauan kehamilan")).to_be_visible()
    expect(panel).to_contain_text("di bawah 20 tahun")
    phone.get_by_label("Tempat atau pemberi layanan").fill("Pustu Kurnia Jaya")
    phone.get_by_label("LiLA (cm)").fill("22.5")
    phone.get_by_label("Hb (g/dL)").fill("95")
    phone.get_by_label("Tablet tambah darah (TTD) diminum sejak kontak terakhir").fill("30")
    phone.get_by_label("Ikut kelas ibu hamil sejak kontak terakhir").check()
    phone.get_by_role("button", name="Simpan pemeriksaan ANC").click()

    error = phone.locator("#id_anc-hb + .invalid-feedback")
    expect(error).to_have_text("Isi nilai antara 3 dan 20 g/dL.")
    expect(phone.locator("#id_anc-hb")).to_have_class("form-control is-invalid")
    expect(phone.get_by_label("LiLA (cm)")).to_have_value("22.5")
    screenshot(phone, "tpk-anc-error-phone.png")
    assert not AncContact.objects.exists()

    phone.get_by_label("Hb (g/dL)").fill("10.2")
    phone.get_by_role("button", name="Simpan pemeriksaan ANC").click()
    expect(phone.get_by_test_id("anc-saved")).to_be_visible()
    expect(phone.get_by_test_id("anc-row")).to_contain_text("K1 · trimester 2")
    flags = phone.get_by_test_id("risk-flag")
    expect(flags.filter(has_text="KEK: LiLA 22,5 cm, di bawah 23,5 cm.")).to_have_count(1)
    expect(flags.filter(has_text="Anemia: Hb 10,2 g/dL, di bawah 11,0 g/dL.")).to_have_count(1)
    expect(flags.filter(has_text="Tidak ada kontak ANC di trimester 1.")).to_have_count(1)
    expect(phone.get_by_test_id("ttd")).to_have_text("30 dari 90")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "tpk-anc-saved-phone.png")
    contact = AncContact.objects.get()
    assert (contact.tanggal, str(contact.hb), contact.kelas_ibu_hamil) == (today, "10.2", True)
