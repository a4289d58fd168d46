"""A TPK cadre (Operator Desa) on a 390 px phone corrects a mistyped Hb of an ANC contact in the
pregnancy panel (htmx, as the new contact was recorded: the page is not left; the anaemia flag
goes), then deletes a contact entered wrongly: asked first, nothing happens when she says no;
once confirmed the later contact becomes K1."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk.pregnancy.models import AncContact
from kampungkb.families.tpk.pregnancy.services import anc_contact_record
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.e2e.test_posyandu_forms import screenshot
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)
ANAEMIA = "Anemia: Hb 9,5 g/dL, di bawah 11,0 g/dL."


@pytest.fixture
def kader(transactional_db, make_user, beltim, today):
    tpk.team(KURNIA_JAYA, nama="TPK Kurnia Jaya")
    hamil = tpk.pregnant(nama="Siti Aminah", weeks=30)
    for tanggal, hb in ((today - 10 * 7 * DAY, None), (today - 7 * DAY, Decimal("9.5"))):
        anc_contact_record(
            user=None, target=hamil, tanggal=tanggal, tempat="Pustu", pemeriksa="bidan", hb=hb
        )
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="tpk.kurnia")
    return hamil


def test_a_tpk_cadre_corrects_a_hb_and_deletes_a_contact(phone, live_server, kader, today):
    _login(phone, live_server, "tpk.kurnia")
    phone.goto(f"{live_server.url}/keluarga/tpk/sasaran/{kader.pk}/")
    flags = phone.get_by_test_id("risk-flag")
    expect(flags.filter(has_text=ANAEMIA)).to_have_count(1)
    rows = phone.get_by_test_id("anc-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("K2")

    rows.nth(1).get_by_role("link", name="Perbaiki").click()
    correction = phone.get_by_test_id("correction")
    expect(correction.get_by_role("heading", name="Perbaiki kontak ANC")).to_be_visible()
    expect(phone.get_by_test_id("anc-form")).to_have_count(0)  # the new-contact form gives way
    assert phone.url.endswith(f"/sasaran/{kader.pk}/")  # swapped into the panel, not a new page
    expect(phone.get_by_label("Hb (g/dL)")).to_have_value("9.5")
    phone.get_by_label("Hb (g/dL)").fill("95")
    phone.get_by_role("button", name="Simpan", exact=True).click()
    expect(phone.locator("#id_anc-hb + .invalid-feedback")).to_have_text(
        "Isi nilai antara 3 dan 20 g/dL."
    )
    phone.get_by_label("Hb (g/dL)").fill("11.5")
    phone.get_by_role("button", name="Simpan", exact=True).click()

    panel = phone.get_by_test_id("pregnancy-panel")
    expect(panel).to_be_visible()
    expect(phone.get_by_test_id("anc-saved")).to_be_visible()
    expect(flags.filter(has_text="Anemia")).to_have_count(0)
    expect(rows.nth(1)).to_contain_text("Hb 11,5")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "tpk-anc-corrected-phone.png")

    rows.nth(0).get_by_role("link", name="Perbaiki").click()
    delete = phone.get_by_role("button", name="Hapus kontak ANC ini")
    phone.once("dialog", lambda dialog: dialog.dismiss())
    delete.click()
    expect(delete).to_be_visible()  # she said no: still on the page
    assert AncContact.objects.count() == 2
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    phone.once("dialog", lambda dialog: dialog.accept())
    delete.click()

    expect(phone.get_by_test_id("record-deleted")).to_contain_text("dihapus.")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("K1")
    expect(rows.nth(0)).to_contain_text("Hb 11,5")
    screenshot(phone, "tpk-anc-deleted-phone.png")
    assert list(AncContact.objects.values_list("tanggal", "hb")) == [
        (today - 7 * DAY, Decimal("11.5"))
    ]
    actions = AuditEntry.objects.filter(object_type="families.anccontact")
    assert {AuditAction.UPDATE, AuditAction.DELETE} <= set(actions.values_list("action", flat=True))
