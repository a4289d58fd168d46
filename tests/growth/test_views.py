import datetime

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.growth.models import Child, Measurement
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def other_posyandu(beltim):
    return factories.posyandu(BATU_PENYU, "Posyandu Anggrek")


@pytest.fixture
def child(posyandu, today):
    return factories.child(
        posyandu=posyandu,
        nama="Budi Santoso",
        jenis_kelamin="L",
        tanggal_lahir=today - datetime.timedelta(days=500),
        nama_ibu="Siti Aminah",
        nik="1906010101230007",
    )


def _session_url(name, posyandu, *args, today):
    return reverse(f"growth:{name}", args=[posyandu.pk, today.isoformat(), *args])


def test_session_start_lists_only_the_users_posyandu(
    client, users, posyandu, other_posyandu, today
):
    client.force_login(users["kecamatan"])
    body = client.get(reverse("growth:session_start")).content.decode()
    assert "Posyandu Melati" in body and "Posyandu Anggrek" not in body
    response = client.get(
        reverse("growth:session_start"), {"posyandu": posyandu.pk, "tanggal": today.isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == _session_url("session", posyandu, today=today)


def test_search_finds_a_child_by_name_or_nik(client, users, posyandu, child, today):
    client.force_login(users["desa"])
    url = _session_url("session_search", posyandu, today=today)
    assert "Budi Santoso" in client.get(url, {"q": "budi"}, **HTMX).content.decode()
    assert "Budi Santoso" in client.get(url, {"q": "19060101"}, **HTMX).content.decode()
    assert "Budi Santoso" not in client.get(url, {"q": "ani"}, **HTMX).content.decode()
    # Without a query: the posyandu's children not yet measured today.
    assert "Budi Santoso" in client.get(url, **HTMX).content.decode()


def test_a_search_names_the_desa_of_a_child_of_another_posyandu(
    client, users, posyandu, child, today
):
    client.force_login(users["desa"])
    elsewhere = factories.posyandu(KURNIA_JAYA, "Posyandu Kenanga")
    factories.child(
        posyandu=elsewhere,
        nama="Budi Kurniawan",
        jenis_kelamin="L",
        tanggal_lahir=today - datetime.timedelta(days=300),
    )
    body = client.get(_session_url("session_search", posyandu, today=today), {"q": "budi"}, **HTMX)
    rows = body.content.decode().split('<li class="list-group-item')[1:]
    [own] = [r for r in rows if "Budi Santoso" in r]
    [other] = [r for r in rows if "Budi Kurniawan" in r]
    assert "Kurnia Jaya" in other and "Kurnia Jaya" not in own
    assert "Laki-laki" in own and "ibu Siti Aminah" in own


def test_recording_shows_the_result_with_category_and_advice(client, users, posyandu, child, today):
    client.force_login(users["desa"])
    url = _session_url("session_measure", posyandu, child.pk, today=today)
    form = client.get(url, **HTMX).content.decode()
    assert 'value="PB" checked' not in form  # 500 days old: standing by default
    assert 'value="TB"' in form
    response = client.post(url, {"berat": "7,9", "tinggi": "72.0", "cara_ukur": "TB"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="result"' in body
    assert "Pendek" in body or "Sangat pendek" in body
    assert "rujuk" in body.lower()
    m = Measurement.objects.get()
    assert float(m.berat) == 7.9 and m.posyandu == posyandu and m.recorded_by == users["desa"]


def test_invalid_measurement_shows_errors_at_the_fields_and_saves_nothing(
    client, users, posyandu, child, today
):
    client.force_login(users["desa"])
    url = _session_url("session_measure", posyandu, child.pk, today=today)
    response = client.post(url, {"berat": "abc", "tinggi": "72"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Masukkan sebuah bilangan." in body
    response = client.post(url, {"berat": "900", "tinggi": "72", "cara_ukur": "TB"}, **HTMX)
    assert "Harus di antara 0.5 dan 60" in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_session_works_without_javascript(client, users, posyandu, child, today):
    client.force_login(users["desa"])
    url = _session_url("session_measure", posyandu, child.pk, today=today)
    response = client.post(url, {"berat": "10.2", "tinggi": "80", "cara_ukur": "TB"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body and 'data-testid="result"' in body


def test_registering_a_new_child_leads_to_its_measurement_form(client, users, posyandu, today):
    client.force_login(users["desa"])
    response = client.post(
        _session_url("session_register", posyandu, today=today),
        {
            "nama": "Ani Lestari",
            "jenis_kelamin": "P",
            "tanggal_lahir": (today - datetime.timedelta(days=90)).isoformat(),
            "nama_ibu": "Rina",
            "nik": "",
            "nik_ibu": "",
            "punya_buku_kia": "true",
        },
        **HTMX,
    )
    assert response.status_code == 200
    kid = Child.objects.get()
    assert (kid.posyandu, kid.desa_id, kid.punya_buku_kia) == (posyandu, KURNIA_JAYA, True)
    assert "Anak sudah didaftarkan" in response.content.decode()


def test_registration_errors_are_shown_in_bahasa_indonesia(client, users, posyandu, child, today):
    client.force_login(users["desa"])
    response = client.post(
        _session_url("session_register", posyandu, today=today),
        {
            "nama": "",
            "jenis_kelamin": "P",
            "tanggal_lahir": "2999-01-01",
            "nama_ibu": "Rina",
            "nik": "1906010101230007",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Bidang ini tidak boleh kosong." in body
    assert "Tanggal lahir tidak boleh di masa depan." in body
    assert "NIK ini sudah terdaftar untuk anak lain." in body
    assert Child.objects.count() == 1


def test_child_page_masks_nik_in_lists_and_audits_the_read(client, users, child):
    client.force_login(users["desa"])
    listing = client.get(reverse("growth:child_list")).content.decode()
    assert "1906010101230007" not in listing
    detail = client.get(reverse("growth:child_detail", args=[child.pk])).content.decode()
    assert "1906010101230007" in detail
    views = AuditEntry.objects.filter(
        action="view", object_type="growth.child", actor=users["desa"]
    )
    # One entry for the list (no single child), one for the child's page.
    assert views.filter(object_id=str(child.pk)).count() == 1
    assert views.filter(object_id="").count() == 1


def test_the_address_names_a_dusun_once_however_it_was_typed(client, users, child):
    client.force_login(users["desa"])
    url = reverse("growth:child_detail", args=[child.pk])
    child.dusun = "Dusun III"
    child.save(update_fields=["dusun"])
    detail = client.get(url).content.decode()
    assert "Dusun III" in detail and "Dusun Dusun" not in detail
    child.dusun = "III"
    child.save(update_fields=["dusun"])
    assert "Dusun III" in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["mitra", "viewer"])
def test_roles_without_personal_data_see_no_child(client, users, child, who):
    client.force_login(users[who])
    assert client.get(reverse("growth:child_detail", args=[child.pk])).status_code == 404
    assert "Budi" not in client.get(reverse("growth:child_list")).content.decode()
    assert client.get(reverse("growth:session_start")).status_code == 403


def test_another_areas_child_and_posyandu_answer_404(client, users, child, other_posyandu, today):
    client.force_login(users["kecamatan"])
    assert client.get(reverse("growth:child_detail", args=[child.pk])).status_code == 200
    other = factories.child(
        BATU_PENYU,
        nama="Di Gantung",
        jenis_kelamin="L",
        tanggal_lahir=today,
        nama_ibu="X",
    )
    assert client.get(reverse("growth:child_detail", args=[other.pk])).status_code == 404
    assert client.get(_session_url("session", other_posyandu, today=today)).status_code == 404
    client.force_login(users["desa"])
    assert (
        client.get(
            _session_url("session_measure", other_posyandu, other.pk, today=today)
        ).status_code
        == 404
    )


def test_edit_and_delete_a_measurement(client, users, posyandu, child, today):
    client.force_login(users["desa"])
    client.post(
        _session_url("session_measure", posyandu, child.pk, today=today),
        {"berat": "10.2", "tinggi": "80", "cara_ukur": "TB"},
    )
    m = Measurement.objects.get()
    response = client.post(
        reverse("growth:measurement_edit", args=[m.pk]),
        {"berat": "10,4", "tinggi": "80", "cara_ukur": "TB"},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert float(m.berat) == 10.4
    assert client.get(reverse("growth:measurement_delete", args=[m.pk])).status_code == 405
    client.post(reverse("growth:measurement_delete", args=[m.pk]))
    assert not Measurement.objects.exists()
    assert AuditEntry.objects.filter(object_type="growth.measurement", action="delete").exists()


def test_the_measurement_edit_form_shows_the_stored_values_as_typed_in_each_language(
    client, users, posyandu, child, today
):
    """It showed "14.400" (the stored decimal) on the Indonesian page: fourteen thousand four
    hundred to an Indonesian reader, and a comma is what the form asks for."""
    client.force_login(users["desa"])
    client.post(
        _session_url("session_measure", posyandu, child.pk, today=today),
        {"berat": "14,4", "tinggi": "94,2", "cara_ukur": "TB"},
    )
    url = reverse("growth:measurement_edit", args=[Measurement.objects.get().pk])
    html = client.get(url).content.decode()
    assert 'value="14,4"' in html and 'value="94,2"' in html
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(url).content.decode()
    assert 'value="14.4"' in html and 'value="94.2"' in html
    # Sent back unchanged, the form keeps the values.
    client.post(reverse("set_language"), {"language": "id"})
    client.post(url, {"berat": "14,4", "tinggi": "94,2", "cara_ukur": "TB"})
    m = Measurement.objects.get()
    assert (float(m.berat), float(m.tinggi)) == (14.4, 94.2)
