"""A TPK cadre on a 390 px phone: the team page with its three members, the delivery of a
pregnant woman recorded (a date in the future refused beside the field, fixed), and she is
then accompanied as a mother after delivery."""

import datetime

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.tpk.models import Target
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login
from tests.e2e.test_posyandu_forms import screenshot
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)


@pytest.fixture
def kader(transactional_db, make_user, beltim, today):
    tpk.team(KURNIA_JAYA, nama="TPK Kurnia Jaya")
    tpk.pregnant(nama="Siti Aminah", tanggal_daftar=today - 40 * DAY, weeks=39)
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="tpk.kurnia")


def test_a_tpk_cadre_records_a_delivery_on_a_phone(phone, live_server, kader, today):
    _login(phone, live_server, "tpk.kurnia")
    phone.goto(f"{live_server.url}/keluarga/tpk/")
    phone.get_by_role("link", name="TPK Kurnia Jaya").click()
    members = phone.get_by_test_id("members")
    expect(members).to_contain_text("Bidan Rahma Sintetis")
    expect(members).to_contain_text("Kader Yanti Sintetis")
    expect(members).to_contain_text("Kader Sari Sintetis")
    expect(phone.get_by_test_id("assign-members")).to_be_visible()
    screenshot(phone, "tpk-team-phone.png")

    phone.get_by_role("link", name="Siti Aminah").click()
    phone.get_by_role("link", name="Catat persalinan").click()
    phone.get_by_label("Tanggal persalinan").fill((today + DAY).isoformat())
    phone.get_by_label("Berat lahir (g)").fill("2400")
    phone.get_by_role("button", name="Simpan persalinan").click()

    error = phone.locator("#id_tanggal_persalinan + .invalid-feedback")
    expect(error).to_have_text("Tanggal tidak boleh di masa depan.")
    expect(phone.get_by_label("Berat lahir (g)")).to_have_value("2400")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "tpk-delivery-error-phone.png")
    assert Target.objects.get(nama="Siti Aminah").aktif

    phone.get_by_label("Tanggal persalinan").fill(today.isoformat())
    phone.get_by_role("button", name="Simpan persalinan").click()
    expect(phone.get_by_text("Ibu pasca persalinan ·")).to_be_visible()
    mother = Target.objects.get(nama="Siti Aminah", aktif=True)
    assert (mother.kind, mother.tanggal_persalinan, mother.berat_lahir) == (
        "pasca_persalinan",
        today,
        2400,
    )
    assert phone.url.endswith(f"/keluarga/tpk/sasaran/{mother.pk}/")
