"""A write the database refuses for a key or unique value that another request took between
the service's check and its write answers a 409 page saying nothing was saved (and is logged
for the administrator), never a server error. The known races are saved once more
(tests/growth/test_entry_concurrency.py); this is the net under every other."""

import datetime
import logging

from django.db import transaction
from django.test import Client
from django.urls import reverse

from kampungkb.growth import services
from kampungkb.growth.models import Child, Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA

NIK = "1906010101240001"


def test_a_write_refused_by_the_database_is_a_409_page_and_an_error_logged(
    users, monkeypatch, caplog
):
    posyandu = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    child = factories.child(
        posyandu=posyandu,
        nik=NIK,
        nama="Putri",
        jenis_kelamin="P",
        tanggal_lahir=datetime.date.today() - datetime.timedelta(days=400),
        nama_ibu="Ibu Putri",
    )

    def raced(**values):
        # What a request meets when another stored the same NIK after its check: the
        # database's own refusal, from the database.
        with transaction.atomic():
            Child.objects.create(
                desa_id=KURNIA_JAYA, nik=NIK, nama="Putri", jenis_kelamin="P",
                tanggal_lahir=child.tanggal_lahir, nama_ibu="Ibu Putri",
            )  # fmt: skip

    monkeypatch.setattr(services, "measurement_record", raced)
    client = Client(raise_request_exception=False)
    client.force_login(users["desa"])
    url = reverse(
        "growth:session_measure", args=[posyandu.pk, datetime.date.today().isoformat(), child.pk]
    )
    with caplog.at_level(logging.ERROR, logger="kampungkb.core.middleware"):
        response = client.post(url, {"berat": "8,5"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Tidak ada yang disimpan" in page and "Kembali ke beranda" in page
    assert "write refused by the database" in caplog.text
    assert Child.objects.count() == 1 and not Measurement.objects.exists()
