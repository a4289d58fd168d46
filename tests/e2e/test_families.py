"""The family list and the family page in a browser, on a phone and on a desktop: an Operator
Desa filters the KRS families, opens one and sees why it is at risk and how its child grows."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.families.krs import default_rules
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import KrsRuleSet, Relation
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login


@pytest.fixture
def families(transactional_db, make_user, beltim):
    # A transactional test may find the tables flushed by an earlier one: the default rule
    # set is put back as its migration wrote it.
    KrsRuleSet.objects.get_or_create(
        kode="bkkbn-krs",
        defaults={"nama": "KRS BKKBN", "sumber": "BKKBN", "rules": default_rules(),
                  "is_default": True},
    )  # fmt: skip
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="operator.kurnia")
    born = datetime.date.today() - datetime.timedelta(days=400)
    child = factories.child_row(KURNIA_JAYA, nama="Putri Sintetis", tanggal_lahir=born,
                                jenis_kelamin="P")  # fmt: skip
    factories.measurement_row(
        child, datetime.date.today() - datetime.timedelta(days=10), tinggi="68.0",
        stunted=True, flen=False, growth_code="T",
    )  # fmt: skip
    head = {"hubungan": Relation.HEAD, "jenis_kelamin": "L", "status_kawin": 2,
            "tanggal_lahir": "1985-01-01", "nama": "Budi Sintetis"}  # fmt: skip
    wife = {"hubungan": Relation.SPOUSE, "status_kawin": 2, "tanggal_lahir": "1992-05-01",
            "nama": "Siti Sintetis", "nik": "1906014505920001", "anak_lahir_hidup": 1}  # fmt: skip
    today = datetime.date.today()
    krs = factories.family_row(
        KURNIA_JAYA, sumber_air=8, jamban=3, tanggal=today, rt="002", rw="001",
        alamat="Jl. Melati No. 3",
        members=[head, wife, {"hubungan": Relation.CHILD, "tanggal_lahir": born,
                              "nama": "Putri Sintetis", "child": child}],
    )  # fmt: skip
    for i in range(3):
        factories.family_row(
            KURNIA_JAYA, tanggal=today, rt=f"00{i + 3}",
            members=[{**head, "nama": f"Kepala Aman {i}"}, {**wife, "nik": ""}],
        )  # fmt: skip
    labels_compute()
    return krs


def _screenshot(page, name):
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


@pytest.mark.parametrize("device", ["phone", "page"])
def test_the_operator_filters_krs_and_opens_a_family_with_its_reasons_and_child(
    request, device, live_server, families
):
    page = request.getfixturevalue(device)
    suffix = "phone" if device == "phone" else "desktop"
    _login(page, live_server, "operator.kurnia")
    page.goto(f"{live_server.url}/keluarga/")
    expect(page.get_by_role("heading", name="Keluarga", exact=True)).to_be_visible()
    expect(page.get_by_test_id("family-row")).to_have_count(4)
    page.get_by_label("KRS", exact=True).select_option("ya")
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_test_id("family-row")).to_have_count(1)
    expect(page.get_by_test_id("count-krs")).to_have_text("1")
    row = page.get_by_test_id("family-row")
    expect(row).to_contain_text("PRIORITAS")
    expect(row).to_contain_text("Budi Sintetis")
    # Whether the family is at risk is what the list is for: in sight without scrolling the
    # table sideways, on a phone too.
    expect(row.get_by_test_id("family-label")).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    _screenshot(page, f"families-list-{suffix}.png")

    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("family-priority")).to_be_visible()
    reasons = page.get_by_test_id("family-reasons").first
    expect(reasons).to_contain_text("Air minum tidak layak")
    expect(reasons).to_contain_text("Jamban tidak layak")
    growth = page.get_by_test_id("member-growth").last
    expect(growth).to_contain_text("stunting")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    _screenshot(page, f"families-detail-{suffix}.png")
    growth.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Putri Sintetis")).to_be_visible()
    expect(page.get_by_test_id("child-family")).to_contain_text("Air minum tidak layak")
