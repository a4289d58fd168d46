"""Each answer that shows a TPK target's record (her page, her pregnancy or screening panel, a
form naming her) is a read of it in the audit trail, also when a refused form is shown again
or an htmx part brings it; an answer that follows a write of her record is covered by the
write's entry alone."""

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from tests import factories
from tests.families.tpk import factories as tpk

NIK = "1906014407920003"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desa_client(client, users):
    client.force_login(users["desa"])
    return client


def _reads(response, target) -> list[tuple]:
    assert response.status_code in (200, 400), response.content[:300]
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW).order_by("pk")
    assert NIK not in str([(e.object_repr, e.changes) for e in entries])
    return [(e.object_type, e.object_id, e.wilayah_kode) for e in entries]


def _her(target) -> list[tuple]:
    return [("families.target", str(target.pk), factories.KURNIA_JAYA)]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_visit_shows_her_record_again_and_records_the_read(desa_client, htmx):
    hamil = tpk.pregnant(nik=NIK)
    url = reverse("families:tpk_visit_create", args=[hamil.pk])
    response = desa_client.post(url, {"tanggal": "", "jenis": "kie"}, **(HTMX if htmx else {}))
    assert response.status_code == 400
    if not htmx:
        assert NIK in response.content.decode()  # her page, with her whole NIK
    assert _reads(response, hamil) == _her(hamil)


@pytest.mark.parametrize("route", ["families:tpk_delivery_create", "families:tpk_target_team"])
def test_a_refused_form_naming_her_records_the_read(desa_client, route):
    hamil = tpk.pregnant(nama="Ibu Tolak Sintetis")
    data = {"tanggal_persalinan": "", "team": "999999"}
    response = desa_client.post(reverse(route, args=[hamil.pk]), data)
    assert response.status_code == 400 and "Ibu Tolak Sintetis" in response.content.decode()
    assert _reads(response, hamil) == _her(hamil)


def test_the_correction_form_brought_into_her_panel_records_the_read(desa_client):
    hamil = tpk.pregnant(weeks=20)
    contact = tpk.anc_contact(hamil, hb="10.5")
    response = desa_client.get(reverse("families:tpk_anc_edit", args=[contact.pk]), **HTMX)
    assert response.status_code == 200 and "10" in response.content.decode()
    assert _reads(response, hamil) == _her(hamil)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_anc_contact_shows_her_panel_again_and_records_the_read(desa_client, htmx):
    hamil = tpk.pregnant(weeks=20)
    url = reverse("families:tpk_anc_create", args=[hamil.pk])
    response = desa_client.post(url, {"anc-tanggal": ""}, **(HTMX if htmx else {}))
    assert response.status_code == 400
    assert _reads(response, hamil) == _her(hamil)


def test_a_refused_screening_in_the_panel_records_the_read(desa_client):
    catin = tpk.catin(nik=NIK)
    url = reverse("families:catin_screening_create", args=[catin.pk])
    response = desa_client.post(url, {"skrining-tanggal": ""}, **HTMX)
    assert response.status_code == 400
    assert _reads(response, catin) == _her(catin)


def test_a_saved_anc_contact_is_recorded_as_the_write_alone(desa_client, today):
    hamil = tpk.pregnant(weeks=20)
    url = reverse("families:tpk_anc_create", args=[hamil.pk])
    data = {"anc-tanggal": today.isoformat(), "anc-tempat": "Pustu", "anc-pemeriksa": "bidan"}
    response = desa_client.post(url, data, **HTMX)
    assert _reads(response, hamil) == []
    assert AuditEntry.objects.filter(action="create", object_type="families.anccontact").count()


def test_her_page_records_one_read(desa_client):
    hamil = tpk.pregnant(nik=NIK)
    response = desa_client.get(reverse("families:tpk_target", args=[hamil.pk]))
    assert NIK in response.content.decode()
    assert _reads(response, hamil) == _her(hamil)
