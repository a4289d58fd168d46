"""Logins, failed logins, logouts and lockouts in the audit trail (issue 11, item 12)."""

from django.test import Client

from kampungkb.accounts.models import Role
from kampungkb.core.models import AuditEntry

LOGIN = "/akun/masuk/"
LOGOUT = "/akun/keluar/"
PASSWORD = "not-a-real-password-1"


def _entries(action):
    return list(AuditEntry.objects.filter(action=action))


def test_a_login_and_a_logout_are_recorded_with_the_address(make_user):
    user = make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.post(LOGIN, {"username": "pkb", "password": PASSWORD})
    [login] = _entries("login")
    assert (login.actor, login.object_type, login.object_id) == (
        user,
        "accounts.user",
        str(user.pk),
    )
    assert login.wilayah_kode == "19.06.01" and login.changes == {"address": "10.0.0.7"}
    client.post(LOGOUT)
    [logout] = _entries("logout")
    assert logout.actor == user and logout.changes == {"address": "10.0.0.7"}


def test_a_failed_login_records_the_username_tried_and_the_address_never_the_password(
    client, make_user
):
    user = make_user(Role.OPERATOR_DESA, "19.06.01.2002", username="kader1")
    client.post(
        LOGIN, {"username": "kader1", "password": "rahasia-salah-99"}, REMOTE_ADDR="10.0.0.8"
    )
    [failed] = _entries("login_failed")
    assert failed.actor is None and failed.actor_username == "kader1"
    assert (failed.object_type, failed.object_id) == ("accounts.user", str(user.pk))
    assert failed.wilayah_kode == "19.06.01.2002"
    assert failed.changes == {"username": "kader1", "address": "10.0.0.8"}
    assert "rahasia-salah-99" not in str(list(AuditEntry.objects.values()))


def test_a_failed_login_with_an_unknown_username_is_filed_under_the_kabupaten(client, beltim):
    client.post(LOGIN, {"username": "tebakan", "password": "x"}, REMOTE_ADDR="10.0.0.9")
    [failed] = _entries("login_failed")
    assert (failed.object_type, failed.object_id, failed.object_repr) == (
        "accounts.user",
        "",
        "tebakan",
    )
    assert failed.wilayah_kode == "19.06"


def test_a_lockout_is_recorded(client, make_user):
    make_user(Role.OPERATOR_KECAMATAN, "19.06.01", username="pkb")
    for _ in range(5):
        client.post(LOGIN, {"username": "pkb", "password": "salah"})
    assert len(_entries("login_failed")) == 5
    [locked] = _entries("lockout")
    assert locked.actor_username == "pkb" and locked.wilayah_kode == "19.06.01"
    assert not _entries("login")
