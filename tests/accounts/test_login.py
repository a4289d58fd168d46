import pytest
from django.test import Client
from django.urls import reverse

from kampungkb.accounts.models import Role
from kampungkb.accounts.services import user_create
from kampungkb.wilayah.models import Wilayah

LOGIN = "/akun/masuk/"


def test_login_page_is_in_bahasa_indonesia(client, db):
    body = client.get(LOGIN).content.decode()
    assert '<html lang="id">' in body
    assert "Nama pengguna" in body and "Kata sandi" in body and ">Masuk<" in body


def test_login_with_the_right_password_opens_the_home_page(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    response = client.post(
        LOGIN, {"username": "pkb", "password": "not-a-real-password-1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("site:home")
    assert "Manggar" in response.content.decode()


def test_wrong_password_is_explained_in_bahasa_indonesia(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    response = client.post(LOGIN, {"username": "pkb", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_repeated_failures_lock_the_account_out(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for _ in range(5):
        client.post(LOGIN, {"username": "pkb", "password": "salah"})
    locked = client.post(LOGIN, {"username": "pkb", "password": "not-a-real-password-1"})
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_forms_without_a_csrf_token_are_rejected(make_user, make_kampung):
    user = make_user(Role.ADMIN_KABUPATEN, "19.06")
    kampung = make_kampung("19.06.01.2002")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    url = reverse("wilayah:maturity_add", args=[kampung.pk])
    response = strict.post(url, {"tingkat": "dasar", "tanggal": "2024-01-01", "sumber": "x"})
    assert response.status_code == 403
    assert not kampung.maturity_records.exists()


def test_logout_needs_a_post_and_ends_the_session(client, make_user):
    client.force_login(make_user(Role.VIEWER, "19.06"))
    assert client.get("/akun/keluar/").status_code == 405
    client.post("/akun/keluar/")
    assert client.get("/").status_code == 302


def test_staff_who_are_not_superusers_cannot_use_django_admin(client, make_user):
    admin = make_user(Role.ADMIN_KABUPATEN, "19.06", is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("role", "kode"),
    [
        (Role.OPERATOR_DESA, "19.06.01"),
        (Role.OPERATOR_KECAMATAN, "19.06"),
        (Role.ADMIN_KABUPATEN, "19.06.01.2002"),
        (Role.MITRA_OPD, "19.06.01"),
    ],
)
def test_user_create_requires_a_wilayah_of_the_roles_level(beltim, role, kode):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        user_create(
            actor=None,
            username="x",
            password="p-123456789",
            role=role,
            wilayah=Wilayah.objects.get(kode=kode),
        )


def test_role_without_wilayah_is_refused_by_the_database(db):
    from django.db import IntegrityError

    from kampungkb.accounts.models import User

    with pytest.raises(IntegrityError):
        User.objects.create(username="x", role=Role.VIEWER)
