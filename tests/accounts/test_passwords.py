"""Every path that sets a password applies the validators of AUTH_PASSWORD_VALIDATORS."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kampungkb.accounts.demo import reset_password, seed_accounts
from kampungkb.accounts.models import Role, User
from kampungkb.accounts.services import user_create
from kampungkb.wilayah.models import Wilayah

WEAK = [
    ("1", "terlalu pendek"),
    ("password", "terlalu umum"),
    ("12345678901", "seluruhnya terdiri dari angka"),
    # Eleven characters: one short of the minimum.
    ("tujuh-belas", "setidaknya 12 karakter"),
    # Long enough, but close to the username.
    ("operator.manggar", "terlalu mirip"),
]


def _create(password):
    return user_create(
        actor=None,
        username="operator.manggar",
        password=password,
        role=Role.OPERATOR_KECAMATAN,
        wilayah=Wilayah.objects.get(kode="19.06.01"),
    )


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_user_create_refuses_a_weak_password_in_bahasa_indonesia(beltim, password, reason):
    with pytest.raises(ValidationError) as caught:
        _create(password)
    assert any(reason in message for message in caught.value.message_dict["password"])
    assert not User.objects.filter(username="operator.manggar").exists()


def test_user_create_accepts_a_long_uncommon_password(beltim):
    user = _create("kebun-lada-di-gantung-7")
    assert user.check_password("kebun-lada-di-gantung-7")


def test_setting_a_weak_password_on_an_existing_user_is_refused(make_user):
    from kampungkb.accounts.services import user_password_set

    user = make_user(Role.VIEWER, "19.06", username="pemantau")
    with pytest.raises(ValidationError):
        user_password_set(actor=None, user=user, password="password")
    user.refresh_from_db()
    assert user.check_password("not-a-real-password-1")


def test_createsuperuser_without_prompts_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "password")
    with pytest.raises(CommandError, match="terlalu umum"):
        call_command(
            "createsuperuser", interactive=False, username="root", email="root@example.org"
        )
    assert not User.objects.filter(username="root").exists()


def test_createsuperuser_without_prompts_accepts_a_strong_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "kebun-lada-di-gantung-7")
    call_command("createsuperuser", interactive=False, username="root", email="root@example.org")
    assert User.objects.get(username="root").check_password("kebun-lada-di-gantung-7")


def test_django_admin_refuses_a_weak_password_for_a_new_user(client, db):
    root = User.objects.create_superuser("root", "root@example.org", "kebun-lada-di-gantung-7")
    client.force_login(root)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "baru",
            "usable_password": "true",
            "password1": "password",
            "password2": "password",
        },
    )
    assert response.status_code == 200
    assert "terlalu umum" in response.content.decode()
    assert not User.objects.filter(username="baru").exists()


def test_demo_passwords_pass_the_validators(beltim):
    created = seed_accounts()
    for username, _role, _wilayah, password in created:
        user = User.objects.get(username=username)
        validate_password(password, user)
        assert user.check_password(password)
    again = reset_password("viewer.beltim")
    validate_password(again, User.objects.get(username="viewer.beltim"))


def test_generated_passwords_never_fail_the_validators(make_user):
    from kampungkb.accounts.services import generate_password

    user = make_user(Role.VIEWER, "19.06", username="pemantau")
    for _ in range(200):
        validate_password(generate_password(user=user), user)


class _Terminal:
    def isatty(self):
        return True


def test_createsuperuser_prompt_cannot_bypass_the_validators(db, monkeypatch):
    from django.contrib.auth.management.commands import createsuperuser

    asked = []

    def answer(prompt=""):
        asked.append(prompt)
        if len(asked) > 5:
            raise KeyboardInterrupt  # a prompt that keeps asking: stop rather than hang
        # The e-mail prompt, then "Bypass password validation and create user anyway?": yes.
        return "root@example.org" if "mail" in prompt.lower() else "y"

    monkeypatch.setattr(createsuperuser.getpass, "getpass", lambda prompt="": "password")
    monkeypatch.setattr("builtins.input", answer)
    with pytest.raises(CommandError, match="terlalu umum"):
        call_command("createsuperuser", username="root", stdin=_Terminal())
    assert not User.objects.filter(username="root").exists()
