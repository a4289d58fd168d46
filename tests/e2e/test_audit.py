"""The audit trail in a browser: a failed login found by user, action and date, and the same
filtered list downloaded as xlsx (issue 11, item 12)."""

import datetime

import openpyxl
import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.core.models import AuditEntry
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login


@pytest.fixture
def accounts(transactional_db, make_user):
    make_user(Role.ADMIN_KABUPATEN, "19.06", username="dkppkb.admin")
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="kader.kj")


def test_an_admin_finds_a_failed_login_and_downloads_the_filtered_trail(
    page, live_server, accounts, tmp_path
):
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill("kader.kj")
    page.get_by_label("Kata sandi").fill("bukan-sandinya-1")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Nama pengguna atau kata sandi salah")).to_be_visible()

    _login(page, live_server, "dkppkb.admin")
    page.get_by_role("button", name="Data").click()
    page.get_by_role("link", name="Jejak audit").click()
    today = datetime.date.today().isoformat()
    page.get_by_label("Pengguna").fill("kader.kj")
    page.get_by_label("Tindakan").select_option("login_failed")
    page.get_by_label("Dari").fill(today)
    page.get_by_label("Sampai").fill(today)
    page.get_by_role("button", name="Saring").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Gagal masuk")
    expect(rows.first).to_contain_text("kader.kj")

    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh xlsx").click()
    path = tmp_path / "jejak.xlsx"
    info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2]) for r in body] == [("kader.kj", "Gagal masuk")]
    assert AuditEntry.objects.filter(
        actor_username="dkppkb.admin", object_type="core.auditentry", action="view"
    ).exists()
