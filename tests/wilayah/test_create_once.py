"""A maturity level of a Kampung KB recorded by a form sent twice (a double tap, the
browser's resend) is recorded once: the history would list it twice."""

from django.urls import reverse

from kampungkb.wilayah.models import MaturityRecord
from tests.conftest import KURNIA_JAYA
from tests.submit_twice import form_token


def test_a_maturity_level_sent_twice_is_recorded_once(client, users, make_kampung):
    kampung = make_kampung(KURNIA_JAYA)
    client.force_login(users["kecamatan"])
    page = reverse("wilayah:kampung_kb_detail", args=[kampung.pk])
    url = reverse("wilayah:maturity_add", args=[kampung.pk])
    data = {"tingkat": "mandiri", "tanggal": "2024-12-01", "sumber": "BKKBN"}
    data |= form_token(client, page)
    first, again = client.post(url, data), client.post(url, data)
    assert (first["Location"], again["Location"]) == (page, page)
    assert MaturityRecord.objects.filter(kampung=kampung).count() == 1
    assert "Data ini sudah tersimpan" in client.get(page).content.decode()
