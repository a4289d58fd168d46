import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from kampungkb.accounts.models import Role
from kampungkb.accounts.services import user_create
from kampungkb.core.models import AuditEntry
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


def _fail(client, username, address, **headers):
    return client.post(
        LOGIN, {"username": username, "password": "salah"}, REMOTE_ADDR=address, **headers
    )


def _login(username, address, **headers):
    """A fresh browser (no session) logging in from ``address``."""
    return Client().post(
        LOGIN,
        {"username": username, "password": "not-a-real-password-1"},
        REMOTE_ADDR=address,
        **headers,
    )


def test_a_locked_username_stays_locked_from_any_other_address(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for _ in range(5):
        _fail(client, "pkb", "127.0.0.1")
    elsewhere = _login("pkb", "127.0.0.2")
    assert elsewhere.status_code == 429
    assert "Terlalu banyak percobaan masuk" in elsewhere.content.decode()


def test_failures_spread_over_addresses_still_lock_the_username(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for n in range(5):
        _fail(client, "pkb", f"127.0.1.{n}")
    assert _login("pkb", "127.0.2.1").status_code == 429


def test_one_address_trying_many_usernames_is_throttled(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for n in range(settings.KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT):
        _fail(client, f"tebakan{n}", "127.0.0.9")
    assert _login("pkb", "127.0.0.9").status_code == 429
    # Only that address: the same account logs in from elsewhere.
    assert _login("pkb", "127.0.0.10").status_code == 302


def test_an_ipv6_client_rotating_addresses_in_its_64_is_throttled_as_one(client, make_user):
    """An IPv6 host holds a /64: a new address for every guess is still one client. The
    failures are counted by the /64; the audit trail keeps each exact address."""
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for n in range(settings.KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT):
        _fail(client, f"tebakan{n}", f"2001:db8:1:2::{n + 1:x}")
    assert _login("pkb", "2001:db8:1:2::ffff").status_code == 429
    assert _login("pkb", "2001:db8:1:3::1").status_code == 302  # another /64: another client
    tried = AuditEntry.objects.filter(changes__username="tebakan3").get()
    assert tried.changes["address"] == "2001:db8:1:2::4"


def test_a_few_typos_at_a_shared_office_address_lock_no_one_else_out(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for n in range(settings.KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        _fail(client, f"kader{n}", "127.0.0.9")
    assert _login("pkb", "127.0.0.9").status_code == 302


def test_logging_in_with_one_account_does_not_clear_the_addresss_failures(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    make_user(Role.VIEWER, "19.06", username="penyerang")
    for n in range(settings.KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        _fail(client, f"tebakan{n}", "127.0.0.9")
    assert _login("penyerang", "127.0.0.9").status_code == 302
    _fail(client, "tebakan-lagi", "127.0.0.9")
    assert _login("pkb", "127.0.0.9").status_code == 429


@override_settings(KAMPUNGKB_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for n in range(settings.KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT):
        # Whatever the client writes into X-Forwarded-For, the proxy appends what it saw.
        _fail(client, f"tebakan{n}", "127.0.0.1", HTTP_X_FORWARDED_FOR=f"127.0.5.{n}, 127.0.0.9")
    assert _login("pkb", "127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.9").status_code == 429
    # Another office behind the same proxy is not throttled with it.
    assert _login("pkb", "127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.10").status_code == 302


@override_settings(KAMPUNGKB_PROXY_COUNT=1)
def test_a_forwarded_address_that_is_not_an_address_is_ignored(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    response = _login("pkb", "127.0.0.1", HTTP_X_FORWARDED_FOR="bukan-alamat")
    assert response.status_code == 302


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


@pytest.mark.parametrize("page", [LOGIN, "/admin/login/"])
def test_an_overlong_username_is_counted_as_the_longest_a_user_can_have(client, make_user, page):
    # Axes keeps the username in a column of 255 characters, which PostgreSQL would refuse a
    # longer one for: the login page answered 500 to anyone posting one.
    from axes.models import AccessAttempt

    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    typed = "pkb" + "x" * 997
    for _ in range(5):
        response = client.post(page, {"username": typed, "password": "salah"})
    assert response.status_code == 429  # still counted, and locked out
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == typed[:150]
    # The real account's own count is untouched.
    assert (
        client.post(LOGIN, {"username": "pkb", "password": "not-a-real-password-1"}).status_code
        == 302
    )
