"""The TPK create forms sent twice (a double tap on a slow phone, the browser's resend, the
page in two tabs) save once: a target without a NIK, a visit and a catin screening have no
key that would refuse the copy, and a copy counts twice (targets per team, visits done, the
catin at risk). The second send answers with what the first saved."""

import datetime

from django.urls import reverse

from kampungkb.families.tpk.models import Target, Visit
from kampungkb.families.tpk.screening.models import CatinScreening
from tests import factories
from tests.families.tpk import factories as tpk
from tests.submit_twice import post_twice

HTMX = {"HTTP_HX_REQUEST": "true"}
ALREADY = "Data ini sudah tersimpan"


def test_a_target_registered_twice_is_one_target(client, users, beltim, today):
    tpk.team()
    client.force_login(users["desa"])
    url = reverse("families:tpk_target_create")
    data = {
        "kind": "catin",
        "desa": factories.KURNIA_JAYA,
        "nama": "Catin Dua Kali Sintetis",
        "nama_pasangan": "Suami Sintetis",
        "tanggal_rencana_nikah": (today + datetime.timedelta(days=100)).isoformat(),
    }
    first, again = post_twice(client, form_url=url, post_url=url, data=data)
    target = Target.objects.get(nama="Catin Dua Kali Sintetis")
    page = reverse("families:tpk_target", args=[target.pk])
    assert (first.status_code, first["Location"]) == (302, page)
    assert (again.status_code, again["Location"]) == (302, page)
    assert ALREADY in client.get(page).content.decode()


def test_a_visit_sent_twice_by_htmx_is_one_visit(client, users, beltim, today):
    tpk.team()
    target = tpk.pregnant(nama="Ibu Kunjungan Sintetis")
    client.force_login(users["desa"])
    data = {"tanggal": today.isoformat(), "jenis": "kie", "temuan": "Sehat"}
    first, again = post_twice(
        client,
        form_url=reverse("families:tpk_target", args=[target.pk]),
        post_url=reverse("families:tpk_visit_create", args=[target.pk]),
        data=data,
        **HTMX,
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert Visit.objects.filter(target=target).count() == 1
    assert 'data-testid="visit-saved"' in first.content.decode()
    assert ALREADY in again.content.decode() and ALREADY not in first.content.decode()


def test_a_visit_sent_twice_without_javascript_is_one_visit(client, users, beltim, today):
    tpk.team()
    target = tpk.pregnant(nama="Ibu Kunjungan Sintetis")
    client.force_login(users["desa"])
    page = reverse("families:tpk_target", args=[target.pk])
    first, again = post_twice(
        client,
        form_url=page,
        post_url=reverse("families:tpk_visit_create", args=[target.pk]),
        data={"tanggal": today.isoformat(), "jenis": "kie", "temuan": "Sehat"},
    )
    assert (first["Location"], again["Location"]) == (page, page)
    assert Visit.objects.filter(target=target).count() == 1


def test_a_catin_screening_sent_twice_is_one_screening(client, users, beltim, today):
    catin = tpk.catin(nama="Dewi Sintetis", days_to_marriage=150)
    client.force_login(users["desa"])
    values = {"tanggal": today.isoformat(), "peran": "putri", "umur_tahun": "22"}
    values |= {"berat_kg": "50", "tinggi_cm": "155", "lila_cm": "25", "hb": "12.5"}
    first, again = post_twice(
        client,
        form_url=reverse("families:tpk_target", args=[catin.pk]),
        post_url=reverse("families:catin_screening_create", args=[catin.pk]),
        data={f"skrining-{k}": v for k, v in values.items()},
        prefix="skrining",
        **HTMX,
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert CatinScreening.objects.filter(target=catin).count() == 1
    assert 'data-testid="screening-saved"' in again.content.decode()
    assert ALREADY in again.content.decode()
