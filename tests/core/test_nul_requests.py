"""A NUL character anywhere a user can type (the address, a filter, a cookie, a form field)
is refused with a 400 page: PostgreSQL takes no NUL in a text value, and every such request
answered 500 there (``/publik/kabupaten/19%00/``, ``?q=%00``). A file may hold any byte."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kampungkb.growth.importing.headers import TEMPLATE_HEADERS


def _refused(response) -> bool:
    return response.status_code == 400 and "Permintaan tidak dapat diproses" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "url", ["/publik/kabupaten/19%00/", "/publik/?tahun=%00", "/publik/?x%00=1"]
)
def test_an_address_with_a_nul_is_refused_for_anyone(db, url):
    assert _refused(Client().get(url))


def test_a_filter_with_a_nul_is_refused_for_a_user(users):
    client = Client()
    client.force_login(users["kecamatan"])
    assert _refused(client.get(reverse("growth:child_list"), {"q": "Sa\x00ri"}))
    assert client.get(reverse("growth:child_list"), {"q": "Sari"}).status_code == 200


def test_a_cookie_with_a_nul_is_refused(db):
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"
    assert _refused(client.get("/publik/"))


def test_a_form_field_with_a_nul_is_refused(users):
    client = Client()
    client.force_login(users["kecamatan"])
    assert _refused(client.post(reverse("growth:session_start"), {"posyandu": "1\x00"}))


def test_a_file_holding_nul_bytes_is_not_refused_for_them(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    client.force_login(users["kecamatan"])
    body = (";".join(TEMPLATE_HEADERS) + "\n\x00\x00;x\n").encode()
    sent = client.post(reverse("growth:import_upload"), {"file": SimpleUploadedFile("x.csv", body)})
    assert sent.status_code == 302  # to the file's preview, where its rows are judged
