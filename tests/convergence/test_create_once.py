"""The convergence create forms sent twice (a double tap, the browser's resend, the page in
two tabs) save once: a cadre, a coaching visit or an innovation has no key that refuses the
copy, and a copy counts twice (cadres per desa, visits per OPD, innovations per year). The
second send shows what the first saved."""

import datetime

from django.urls import reverse

from kampungkb.convergence.models import Cadre, CoachingVisit, Innovation
from tests.conftest import KURNIA_JAYA
from tests.submit_twice import post_twice

TODAY = datetime.date.today()
ALREADY = "Data ini sudah tersimpan"


def _twice(client, url, data):
    return post_twice(client, form_url=url, post_url=url, data=data)


def test_a_cadre_registered_twice_is_one_cadre(client, users, ref):
    client.force_login(users["desa"])
    data = {"desa": KURNIA_JAYA, "nama": "Kader Dua Kali", "peran": "kpm", "aktif": "on"}
    first, again = _twice(client, reverse("convergence:cadre_create"), data)
    cadre = Cadre.objects.get(nama="Kader Dua Kali")
    page = reverse("convergence:cadre_detail", args=[cadre.pk])
    assert (first["Location"], again["Location"]) == (page, page)
    assert ALREADY in client.get(page).content.decode()


def test_a_coaching_visit_recorded_twice_is_one_visit(client, users, ref):
    client.force_login(users["admin"])
    data = {
        "opd": ref["dpupr"].pk,
        "desa": KURNIA_JAYA,
        "tanggal": TODAY.isoformat(),
        "topik": "Air bersih dua kali",
        "temuan": "Sumur",
        "tindakan": "Perbaiki sumur",
        "penanggung_jawab": "Pak Kades",
        "batas_waktu": TODAY.isoformat(),
    }
    first, again = _twice(client, reverse("convergence:visit_create"), data)
    assert first.status_code == 302, first.content.decode()[-3000:]
    visit = CoachingVisit.objects.get(topik="Air bersih dua kali")
    page = reverse("convergence:visit_detail", args=[visit.pk])
    assert (first["Location"], again["Location"]) == (page, page)
    assert visit.follow_ups.count() == 1
    assert ALREADY in client.get(page).content.decode()


def test_an_innovation_registered_twice_is_one_innovation(client, users, ref):
    client.force_login(users["desa"])
    data = {
        "nama": "Dapur sehat dua kali",
        "desa": KURNIA_JAYA,
        "tahun": str(TODAY.year),
        "deskripsi": "Dapur bersama",
        "bukti": "Foto",
    }
    first, again = _twice(client, reverse("convergence:innovation_create"), data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert Innovation.objects.filter(nama="Dapur sehat dua kali").count() == 1
    assert ALREADY in client.get(again["Location"]).content.decode()
