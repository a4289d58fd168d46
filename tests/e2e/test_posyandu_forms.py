"""Form errors in the posyandu session, with htmx and without JavaScript, and the child form's
layout on a phone and on a desktop (issue 12, items 1 and 3)."""

import datetime
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.growth.models import Child, Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA, MANGGAR
from tests.e2e.conftest import _watched_page
from tests.e2e.test_foundation import _login


def screenshot(page, name: str) -> None:
    """Write NAME into the folder KAMPUNGKB_SCREENSHOTS names, when it is set (the committed
    ones in docs/screens/ come from ``KAMPUNGKB_SCREENSHOTS=docs/screens``)."""
    folder = os.environ.get("KAMPUNGKB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.fixture
def session(transactional_db, make_user, beltim, today):
    pos = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    kid = factories.child(
        posyandu=pos,
        nama="Budi Santoso",
        jenis_kelamin="L",
        tanggal_lahir=today - datetime.timedelta(days=700),
        nama_ibu="Siti Aminah",
    )
    make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="kader.kurnia")
    return pos, kid


def _session_url(live_server, pos, *rest, today) -> str:
    return "/".join([f"{live_server.url}/pertumbuhan/sesi/{pos.pk}/{today.isoformat()}", *rest])


def _error_beside(page, field_id: str):
    """The error text shown right after the field (its Bootstrap invalid-feedback)."""
    expect(page.locator(f"#{field_id}")).to_have_class(re.compile(r"\bis-invalid\b"))
    return page.locator(f"#{field_id} ~ .invalid-feedback, #{field_id} + .invalid-feedback")


def test_a_weight_out_of_range_shows_its_reason_beside_the_field_on_a_phone(
    phone, live_server, session, today
):
    pos, _kid = session
    _login(phone, live_server, "kader.kurnia")
    phone.goto(_session_url(live_server, pos, today=today))
    phone.get_by_label("Cari anak berdasarkan nama atau NIK").fill("budi")
    phone.get_by_test_id("search-results").get_by_role("link", name="Ukur").click()

    phone.get_by_label("Berat badan (kg)").fill("130")
    phone.get_by_label("Panjang/tinggi badan (cm)").fill("80")
    phone.get_by_label("TB (berdiri)").check()
    phone.get_by_role("button", name="Simpan dan lihat hasil").click()

    expect(_error_beside(phone, "id_berat")).to_have_text("Harus di antara 0.5 dan 60.")
    # The rest of what was typed is kept, so only the weight needs typing again.
    expect(phone.get_by_label("Panjang/tinggi badan (cm)")).to_have_value("80")
    screenshot(phone, "posyandu-error-phone.png")
    assert not Measurement.objects.exists()

    phone.get_by_label("Berat badan (kg)").fill("11,3")
    phone.get_by_role("button", name="Simpan dan lihat hasil").click()
    expect(phone.get_by_test_id("result")).to_be_visible()
    assert float(Measurement.objects.get().berat) == 11.3


def test_registering_with_a_bad_nik_shows_its_reason_beside_the_nik(
    phone, live_server, session, today
):
    pos, _kid = session
    _login(phone, live_server, "kader.kurnia")
    phone.goto(_session_url(live_server, pos, today=today))
    phone.get_by_role("link", name="Daftarkan anak baru").click()
    phone.locator("#id_nama").fill("Ani Lestari")
    phone.get_by_label("Perempuan").check()
    phone.get_by_label("Tanggal lahir").fill((today - datetime.timedelta(days=90)).isoformat())
    phone.get_by_label("Nama ibu").fill("Rina")
    phone.get_by_label("NIK", exact=True).fill("12345")
    phone.get_by_role("button", name="Daftarkan dan ukur").click()

    expect(_error_beside(phone, "id_nik")).to_contain_text("NIK terdiri dari tepat 16 angka")
    assert not Child.objects.filter(nama="Ani Lestari").exists()


def test_without_javascript_the_errors_are_shown_beside_the_fields_too(
    browser, live_server, session, today
):
    pos, _kid = session
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = _watched_page(context)
    try:
        _login(page, live_server, "kader.kurnia")
        page.goto(_session_url(live_server, pos, today=today))
        page.get_by_label("Cari anak berdasarkan nama atau NIK").fill("budi")
        page.get_by_role("button", name="Cari").click()
        page.get_by_test_id("search-results").get_by_role("link", name="Ukur").click()
        page.get_by_label("Berat badan (kg)").fill("0,2")
        page.get_by_role("button", name="Simpan dan lihat hasil").click()
        expect(_error_beside(page, "id_berat")).to_have_text("Harus di antara 0.5 dan 60.")

        page.goto(_session_url(live_server, pos, today=today))
        page.get_by_role("link", name="Daftarkan anak baru").click()
        page.get_by_label("NIK", exact=True).fill("abc")
        page.get_by_role("button", name="Daftarkan dan ukur").click()
        expect(_error_beside(page, "id_nik")).to_contain_text("NIK terdiri dari tepat 16 angka")
        expect(_error_beside(page, "id_nama")).to_be_visible()
    finally:
        context.close()
    assert not Measurement.objects.exists()


def _boxes_apart(page, upper: str, lower: str) -> None:
    """The whole of ``upper`` ends above where ``lower`` starts (nothing overlaps)."""
    a = page.locator(upper).bounding_box()
    b = page.locator(lower).bounding_box()
    assert a and b
    assert a["y"] + a["height"] <= b["y"], (upper, a, lower, b)


def _check_sex_radios_do_not_overlap_the_date(page) -> None:
    for radio in ("#id_jenis_kelamin_0", "#id_jenis_kelamin_1"):
        _boxes_apart(page, radio, "label[for=id_tanggal_lahir]")
        _boxes_apart(page, f"label[for={radio[1:]}]", "label[for=id_tanggal_lahir]")
        # Each radio sits inside the form, not pulled left over its edge.
        form_box = page.locator("form").filter(has=page.locator(radio)).bounding_box()
        assert page.locator(radio).bounding_box()["x"] >= form_box["x"]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


@pytest.mark.parametrize("device", ["phone", "page"])
def test_sex_radios_sit_above_the_date_of_birth_in_the_register_and_edit_forms(
    request, device, live_server, session, today
):
    browser_page = request.getfixturevalue(device)
    pos, kid = session
    _login(browser_page, live_server, "kader.kurnia")
    browser_page.goto(_session_url(live_server, pos, today=today))
    browser_page.get_by_role("link", name="Daftarkan anak baru").click()
    expect(browser_page.get_by_label("Laki-laki")).to_be_visible()
    _check_sex_radios_do_not_overlap_the_date(browser_page)
    if device == "phone":
        screenshot(browser_page, "child-form-phone.png")

    browser_page.goto(f"{live_server.url}/pertumbuhan/anak/{kid.pk}/ubah/")
    expect(browser_page.get_by_label("Laki-laki")).to_be_checked()
    _check_sex_radios_do_not_overlap_the_date(browser_page)
    if device == "page":
        screenshot(browser_page, "child-form-desktop.png")


# --- values that need checking (issue 12, item 2) ---------------------------------------------


@pytest.fixture
def toddler(session, make_user, today):
    """Budi, weighed a month ago at 13.4 kg and 101.3 cm standing; a Manggar PKB reviews."""
    from kampungkb.growth.services import measurement_record

    pos, kid = session
    measurement_record(
        user=None, child=kid, tanggal=today - datetime.timedelta(days=31), berat=Decimal("13.4"),
        tinggi=Decimal("101.3"), cara_ukur="TB", posyandu=pos,
    )  # fmt: skip
    make_user(Role.OPERATOR_KECAMATAN, MANGGAR, username="pkb.manggar")
    return pos, kid


def test_an_impossible_weight_asks_the_kader_to_check_and_the_pkb_confirms_it(
    phone, page, live_server, toddler, today
):
    pos, kid = toddler
    _login(phone, live_server, "kader.kurnia")
    phone.goto(_session_url(live_server, pos, "ukur", f"{kid.pk}/", today=today))
    phone.get_by_label("Berat badan (kg)").fill("45")
    phone.get_by_label("Panjang/tinggi badan (cm)").fill("102")
    phone.get_by_label("TB (berdiri)").check()
    phone.get_by_role("button", name="Simpan dan lihat hasil").click()

    expect(_error_beside(phone, "id_berat").first).to_contain_text("batas WHO")
    expect(phone.get_by_test_id("needs-check")).to_be_visible()
    screenshot(phone, "posyandu-check-phone.png")
    assert Measurement.objects.count() == 1  # nothing saved yet

    phone.get_by_role("button", name="Saya sudah cek, simpan").click()
    result = phone.get_by_test_id("result")
    expect(result.get_by_test_id("needs-check-badge")).to_have_text("perlu dicek")
    expect(result.get_by_test_id("growth-code")).not_to_contain_text("naik")
    # One advice only, the mark: no referral (BB/U would otherwise say "obesity risk").
    expect(result.get_by_test_id("advice").locator(".alert")).to_have_count(1)
    expect(result.get_by_test_id("advice")).to_contain_text("perlu dicek")
    m = Measurement.objects.get(tanggal=today)
    assert m.needs_check and m.growth_code == ""

    _login(page, live_server, "pkb.manggar")
    page.goto(f"{live_server.url}/pertumbuhan/perlu-dicek/")
    row = page.get_by_test_id("check-row")
    expect(row).to_contain_text("Budi Santoso")
    expect(row).to_contain_text("BB/U di luar batas WHO")
    screenshot(page, "check-list-desktop.png")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Benar (konfirmasi)").click()
    expect(page.get_by_text("dikonfirmasi benar")).to_be_visible()
    expect(page.get_by_test_id("check-row")).to_have_count(0)
    m.refresh_from_db()
    assert not m.needs_check
