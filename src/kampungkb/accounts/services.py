import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.accounts.models import Role
from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import role_fits_wilayah


def generate_password() -> str:
    """Return a random password that passes the validators and is easy to type once."""
    return secrets.token_urlsafe(12)


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
