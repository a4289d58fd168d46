"""A ``next`` parameter never sends the user to another site."""

import datetime

import pytest
from django.test import RequestFactory

from kampungkb.accounts.models import Role
from tests.conftest import KURNIA_JAYA

FALLBACK = "/konvergensi/"

OUTSIDE = [
    "https://evil.example/",
    "http://evil.example/konvergensi/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " https://evil.example/",
    "",
]


def _post(next_value, *, secure=False):
    return RequestFactory().post(
        "/x/", {"next": next_value}, HTTP_HOST="kampungkb.beltim.go.id", secure=secure
    )


@pytest.mark.parametrize("target", OUTSIDE)
def test_safe_next_refuses_anything_outside_the_site(target):
    from kampungkb.core.redirects import safe_next

    assert safe_next(_post(target), FALLBACK) == FALLBACK


@pytest.mark.parametrize(
    "target",
    [
        "/konvergensi/pembinaan/3/",
        "/analisis/?periode=2025-08",
        "https://kampungkb.beltim.go.id/wilayah/",
    ],
)
def test_safe_next_keeps_a_page_of_this_site(target):
    from kampungkb.core.redirects import safe_next

    assert safe_next(_post(target, secure=True), FALLBACK) == target


def test_safe_next_refuses_to_leave_https_for_http():
    from kampungkb.core.redirects import safe_next

    request = _post("http://kampungkb.beltim.go.id/wilayah/", secure=True)
    assert safe_next(request, FALLBACK) == FALLBACK


def test_safe_next_reads_the_query_string_of_a_get():
    from kampungkb.core.redirects import safe_next

    request = RequestFactory().get("/x/", {"next": "https://evil.example/"})
    assert safe_next(request, FALLBACK) == FALLBACK
    request = RequestFactory().get("/x/", {"next": "/wilayah/"})
    assert safe_next(request, FALLBACK) == "/wilayah/"


@pytest.fixture
def followup(users, beltim):
    from kampungkb.convergence.coaching import services
    from kampungkb.convergence.models import Opd
    from kampungkb.convergence.reference import reference_load
    from kampungkb.wilayah.models import Wilayah

    reference_load()
    visit = services.visit_record(
        user=None,
        opd=Opd.objects.get(kode="dkppkb"),
        desa=Wilayah.objects.get(kode=KURNIA_JAYA),
        tanggal=datetime.date.today(),
        topik="Pembinaan",
        temuan="Temuan",
        follow_ups=[
            {
                "tindakan": "Lengkapi data",
                "penanggung_jawab": "Kader",
                "batas_waktu": datetime.date.today(),
            }
        ],
    )
    return visit.follow_ups.get()


def test_marking_a_follow_up_done_never_redirects_to_another_site(client, users, followup):
    client.force_login(users["admin"])
    url = f"/konvergensi/tindak-lanjut/{followup.pk}/selesai/"
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == f"/konvergensi/pembinaan/{followup.visit_id}/"
    followup.refresh_from_db()
    assert followup.status == "selesai"


def test_marking_a_follow_up_done_follows_a_next_within_the_site(client, users, followup):
    client.force_login(users["admin"])
    url = f"/konvergensi/tindak-lanjut/{followup.pk}/selesai/"
    response = client.post(url, {"next": "/konvergensi/tindak-lanjut/terlambat/"})
    assert response["Location"] == "/konvergensi/tindak-lanjut/terlambat/"


def test_login_and_language_switch_refuse_an_outside_next(client, make_user):
    make_user(Role.VIEWER, "19.06", username="pemantau")
    response = client.post(
        "/akun/masuk/?next=https://evil.example/",
        {"username": "pemantau", "password": "not-a-real-password-1"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert "evil.example" not in response["Location"]
