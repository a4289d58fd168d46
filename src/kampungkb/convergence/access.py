"""Who may do what in the convergence pages (the area check is ``core.scoping``)."""

from kampungkb.accounts.models import Role
from kampungkb.accounts.roles import can_edit
from kampungkb.core.scoping import covered_kode, user_covers


def is_district_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and (
        user.is_superuser or (user.role == Role.ADMIN_KABUPATEN and covered_kode(user) is not None)
    )


def is_mitra(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and user.role == Role.MITRA_OPD


def user_opd(user):
    """Return the OPD a Mitra OPD user belongs to (by its ``organisation``), or ``None``."""
    from kampungkb.convergence.models import Opd

    if not is_mitra(user):
        return None
    return next((o for o in Opd.objects.all() if o.matches(user.organisation)), None)


def may_edit_desa(user, kode: str) -> bool:
    return can_edit(user) and user_covers(user, kode)


def may_record_visit(user) -> bool:
    return is_district_admin(user) or user_opd(user) is not None
