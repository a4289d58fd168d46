"""What each role may do. Scoping (which area) is separate: see ``core.scoping``."""

from kampungkb.accounts.models import Role

# The wilayah level each role's area must be.
ROLE_LEVEL = {
    Role.ADMIN_KABUPATEN: ("kabupaten",),
    Role.OPERATOR_KECAMATAN: ("kecamatan",),
    Role.OPERATOR_DESA: ("desa_kelurahan",),
    Role.MITRA_OPD: ("kabupaten",),
    Role.VIEWER: ("provinsi", "kabupaten", "kecamatan", "desa_kelurahan"),
}

_EDITORS = {Role.ADMIN_KABUPATEN, Role.OPERATOR_KECAMATAN, Role.OPERATOR_DESA}
_PERSONAL = {Role.ADMIN_KABUPATEN, Role.OPERATOR_KECAMATAN, Role.OPERATOR_DESA}
_REGISTRARS = {Role.ADMIN_KABUPATEN, Role.OPERATOR_KECAMATAN}


def _role(user) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    return user.role


def can_edit(user) -> bool:
    """Whether the user may change records in their area."""
    return bool(user and user.is_authenticated and user.is_superuser) or _role(user) in _EDITORS


def can_register_kampungkb(user) -> bool:
    """Whether the user may create a new Kampung KB in their area."""
    return bool(user and user.is_authenticated and user.is_superuser) or _role(user) in _REGISTRARS


def can_view_personal_data(user) -> bool:
    """Whether names, phone numbers and other personal details may be shown."""
    return bool(user and user.is_authenticated and user.is_superuser) or _role(user) in _PERSONAL


def can_view_audit(user) -> bool:
    """Whether the user may read the audit trail of their area."""
    return bool(user and user.is_authenticated and user.is_superuser) or (
        _role(user) == Role.ADMIN_KABUPATEN
    )


def role_fits_wilayah(role: str, level: str) -> bool:
    return level in ROLE_LEVEL.get(role, ())


def can_view_full_nik(user) -> bool:
    """Whether a whole NIK may be shown (on a child's own page and in e-PPGBM exports).

    Lists always mask it; roles without personal-data access never see one at all.
    """
    return can_view_personal_data(user)


def can_manage_installation(user) -> bool:
    """Whether ``user`` may change what applies to the whole installation (the default KBM
    table, the maturity rule sets): the system administrator, or the Admin Kabupaten when the
    installation serves their kabupaten alone."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role != Role.ADMIN_KABUPATEN or user.wilayah_id is None:
        return False
    from kampungkb.wilayah.models import Level, Wilayah

    kabupaten = list(Wilayah.objects.filter(level=Level.KABUPATEN).values_list("kode", flat=True))
    return kabupaten == [user.wilayah_id]
