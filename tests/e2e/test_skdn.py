"""SKDN per posyandu on a 390 px phone: an Operator Kecamatan tells apart the posyandu of
different desa that share a name."""

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from tests import factories
from tests.conftest import KURNIA_JAYA, LALANG_JAYA
from tests.e2e.test_foundation import _login


@pytest.fixture
def manggar(transactional_db, make_user, beltim):
    for desa in (KURNIA_JAYA, LALANG_JAYA):
        factories.posyandu(desa, "Posyandu Mawar")
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="kader.kurnia")
    return make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb.manggar")


def test_on_a_phone_each_posyandu_row_names_its_desa(phone, live_server, manggar):
    _login(phone, live_server, "pkb.manggar")
    phone.goto(f"{live_server.url}/pertumbuhan/skdn/")
    rows = phone.get_by_test_id("skdn-row")
    expect(rows).to_have_count(2)
    # The desa column is left out on a phone: each row still shows which desa it is (the
    # text on screen, innerText, not what the hidden cell holds).
    shown = sorted(" ".join(row.inner_text().split()[:4]) for row in rows.all())
    assert shown == ["Posyandu Mawar Kurnia Jaya", "Posyandu Mawar Lalang Jaya"]
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # One desa only (a desa's own operator): no desa repeated under every name.
    phone.context.clear_cookies()
    _login(phone, live_server, "kader.kurnia")
    phone.goto(f"{live_server.url}/pertumbuhan/skdn/")
    expect(phone.get_by_test_id("skdn-row")).to_have_count(1)
    expect(phone.get_by_test_id("skdn-row-desa")).to_have_count(0)
