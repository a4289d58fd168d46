"""The analytics downloads keep what users typed as text (no formula injection)."""

import datetime

import pytest
from django.urls import reverse

from kampungkb.analytics.models import SurveyFigure
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from kampungkb.wilayah.models import Wilayah
from tests.conftest import BATU_PENYU, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.spreadsheets import HOSTILE, assert_kept_as_text

Q = "?periode=penimbangan&mulai=2025-08-01"


@pytest.fixture
def hostile_names(data, make_kampung):
    """Two kecamatan and two desa whose names a spreadsheet would run as formulas."""
    make_kampung(KURNIA_JAYA)
    data.many(KURNIA_JAYA, "2025-08-10", n=12, cases=4)
    data.many(LALANG_JAYA, "2025-08-10", n=10, cases=1)
    data.many(BATU_PENYU, "2025-08-10", n=10, cases=5)
    for kode, nama in zip([MANGGAR, GANTUNG, KURNIA_JAYA, BATU_PENYU], HOSTILE, strict=True):
        Wilayah.objects.filter(kode=kode).update(nama=nama)
    summaries_rebuild()


def test_the_area_xlsx_writes_names_and_survey_sources_as_text(client, users, hostile_names):
    for tahun, sumber in enumerate(HOSTILE, start=2021):
        SurveyFigure.objects.create(
            survey="ssgi", tahun=tahun, wilayah_id="19.06", prevalensi="17.10", sumber=sumber
        )
    client.force_login(users["admin"])
    response = client.get(reverse("analytics:area_xlsx", args=["19.06"]) + Q)
    assert response.status_code == 200
    assert_kept_as_text(response.content, *HOSTILE)


def test_the_priority_xlsx_writes_desa_and_kecamatan_names_as_text(client, users, hostile_names):
    client.force_login(users["admin"])
    response = client.get(reverse("analytics:priority_xlsx", args=["19.06"]) + Q)
    assert response.status_code == 200
    assert_kept_as_text(response.content, *HOSTILE)


def test_the_public_xlsx_writes_published_names_as_text(client, users, hostile_names):
    publication = publication_publish(
        user=users["admin"], period_type="penimbangan", period_start=datetime.date(2025, 8, 1)
    )
    client.logout()
    response = client.get(reverse("analytics_public:xlsx", args=[publication.pk]))
    assert response.status_code == 200
    assert_kept_as_text(response.content, *HOSTILE)
