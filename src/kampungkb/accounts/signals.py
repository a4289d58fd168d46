"""Logins, failed logins, logouts and lockouts in the audit trail (besides django-axes' own
log), so that an Admin Kabupaten reads them with every other entry of the area.

Never the password: Django's ``user_login_failed`` hands over the credentials with it
already replaced, and only the username is read from them.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from kampungkb.accounts.lockout import client_address
from kampungkb.core.audit import audit_entry, audit_record
from kampungkb.core.models import AuditAction
from kampungkb.wilayah.models import Level, Wilayah

USERNAME_MAX = 150


def _address(request) -> str:
    # The client's own address (through KAMPUNGKB_PROXY_COUNT), not the /64 its failures are
    # counted by: the trail says where an attempt came from.
    if request is None:
        return ""
    return client_address(request) or ""


def _installation_area() -> str:
    """The kabupaten this installation serves, when it serves one: where an attempt with an
    unknown username is filed, so that its Admin Kabupaten sees it (else: superusers only)."""
    codes = list(Wilayah.objects.filter(level=Level.KABUPATEN).values_list("kode", flat=True))
    return codes[0] if len(codes) == 1 else ""


def _account(username: str):
    """The user called ``username`` (or ``None``) and the area their attempts are filed in."""
    model = get_user_model()
    user = model.objects.filter(**{model.USERNAME_FIELD: username}).first() if username else None
    if user is not None and user.wilayah_id:
        return user, user.wilayah_id
    return user, _installation_area()


def _record_attempt(action, *, username: str, request) -> None:
    username = (username or "")[:USERNAME_MAX]
    user, area = _account(username)
    entry = audit_entry(
        actor=None,
        action=action,
        obj=user if user is not None else get_user_model(),
        wilayah_kode=area,
        changes={"username": username, "address": _address(request)},
        object_repr=username,
    )
    # Nobody is logged in: the entry names the username tried (a filter by that user finds
    # the attempts on their account), never "system".
    entry.actor_username = username
    entry.save()


def login_recorded(sender, request, user, **kwargs) -> None:
    audit_record(
        actor=user,
        action=AuditAction.LOGIN,
        obj=user,
        wilayah_kode=user.wilayah_id or "",
        changes={"address": _address(request)},
    )


def logout_recorded(sender, request, user, **kwargs) -> None:
    if user is None or not getattr(user, "pk", None):
        return  # no one was logged in
    audit_record(
        actor=user,
        action=AuditAction.LOGOUT,
        obj=user,
        wilayah_kode=user.wilayah_id or "",
        changes={"address": _address(request)},
    )


def login_failure_recorded(sender, credentials, request=None, **kwargs) -> None:
    model = get_user_model()
    username = str((credentials or {}).get(model.USERNAME_FIELD) or "")
    _record_attempt(AuditAction.LOGIN_FAILED, username=username, request=request)


def lockout_recorded(sender, request, username, ip_address, **kwargs) -> None:
    _record_attempt(AuditAction.LOCKOUT, username=str(username or ""), request=request)


def connect() -> None:
    """Connect the receivers (``AccountsConfig.ready``)."""
    user_logged_in.connect(login_recorded, dispatch_uid="kampungkb.audit.login")
    user_logged_out.connect(logout_recorded, dispatch_uid="kampungkb.audit.logout")
    user_login_failed.connect(login_failure_recorded, dispatch_uid="kampungkb.audit.failed")
    user_locked_out.connect(lockout_recorded, dispatch_uid="kampungkb.audit.lockout")
