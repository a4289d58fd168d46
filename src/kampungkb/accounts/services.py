import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.accounts.models import Role
from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import role_fits_wilayah


def generate_password(*, user=None) -> str:
    """Return a random password that passes the validators and is easy to type once."""
    while True:
        # 16 characters of the URL-safe alphabet; drawn again in the (very rare) case a
        # validator refuses one, e.g. one made of digits only.
        password = secrets.token_urlsafe(12)
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def _password_check(password: str, user) -> None:
    """Apply AUTH_PASSWORD_VALIDATORS; their messages name what is wrong (in the user's
    language: Django ships them in Bahasa Indonesia)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc


@transaction.atomic
def user_password_set(*, actor, user, password: str):
    """Give ``user`` a new password, refused unless it passes the validators."""
    _password_check(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        wilayah_kode=user.wilayah.kode if user.wilayah_id else "",
        # Never the password or its hash: only that it changed.
        changes={"password": ["********", "********"]},
    )
    return user


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    wilayah,
    full_name: str = "",
    organisation: str = "",
):
    """Create a user with a role covering one wilayah of the level the role needs."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if wilayah is None or not role_fits_wilayah(role, wilayah.level):
        raise ValidationError({"wilayah": _("This role must cover a wilayah of the right level.")})
    user_model = get_user_model()
    user = user_model(
        username=username,
        role=role,
        wilayah=wilayah,
        first_name=full_name[:150],
        organisation=organisation,
    )
    _password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        wilayah_kode=wilayah.kode,
        changes={"role": [None, role], "wilayah": [None, wilayah.kode]},
    )
    return user
