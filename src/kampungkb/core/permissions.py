"""What each role may do: the one definition of every permission, used by every app, the access
tests and the templates (through ``core.context_processors``).

Scoping (which area) is separate: see ``core.scoping``. A check here answers "may this kind of
user ever do this?"; a selector then limits the rows to the user's area.
"""

from django.apps import apps

from kampungkb.core.roles import Role, role_fits_wilayah
from kampungkb.core.scoping import user_covers

__all__ = [
    "can_edit",
    "can_edit_area",
    "can_manage_installation",
    "can_record_coaching_visit",
    "can_record_tpk_work",
    "can_register_kampung_kb",
    "can_view_audit",
    "can_view_full_nik",
    "can_view_personal_data",
    "can_view_tpk_targets",
    "is_district_admin",
    "is_mitra",
    "is_province_admin",
    "is_read_only",
    "role_fits_wilayah",
    "sees_aggregates_only",
]

_EDITORS = {Role.ADMIN_KABUPATEN, Role.OPERATOR_KECAMATAN, Role.OPERATOR_DESA}
_PERSONAL = {Role.ADMIN_KABUPATEN, Role.OPERATOR_KECAMATAN, Role.OPERATOR_DESA}
_REGISTRARS = {Role.ADMIN_KABUPATEN, Role.OPERATOR_KECAMATAN}
# They read and never write: no service changes anything for them, whatever the area.
_READ_ONLY = {Role.MITRA_OPD, Role.VIEWER}
# They read aggregates only: no page lists persons for them, no page names one. The Admin
# Provinsi analyses its kabupaten from the figures (a province official needs the
# prevalence, coverage and ranking, not children's names or NIKs); the only thing it changes
# is what applies to the whole installation (``can_manage_installation``).
_AGGREGATES_ONLY = {Role.VIEWER, Role.ADMIN_PROVINSI}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _role(user) -> str:
    return user.role if _active(user) else ""


def _superuser(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def can_edit(user) -> bool:
    """Whether the user may change records in their area."""
    return _superuser(user) or _role(user) in _EDITORS


def can_edit_area(user, kode: str) -> bool:
    """Whether the user may change records of the wilayah ``kode``."""
    return can_edit(user) and user_covers(user, kode)


def can_register_kampung_kb(user) -> bool:
    """Whether the user may create a new Kampung KB in their area."""
    return _superuser(user) or _role(user) in _REGISTRARS


def can_view_personal_data(user) -> bool:
    """Whether names, phone numbers and other personal details may be shown."""
    return _superuser(user) or _role(user) in _PERSONAL


def sees_aggregates_only(user) -> bool:
    """Whether the user sees aggregates only (the Viewer, the Admin Provinsi): a page that lists
    persons (children, cadres) answers 403, and a detail page shows no name."""
    return not _superuser(user) and _role(user) in _AGGREGATES_ONLY


def can_view_full_nik(user) -> bool:
    """Whether a whole NIK may be shown (on a child's own page and in e-PPGBM exports).

    Lists always mask it; roles without personal-data access never see one at all.
    """
    return can_view_personal_data(user)


def can_view_audit(user) -> bool:
    """Whether the user may read the audit trail of their area."""
    return _superuser(user) or _role(user) == Role.ADMIN_KABUPATEN


def is_district_admin(user) -> bool:
    """Whether the user runs a district: the Admin Kabupaten (with an area) or a superuser.

    The district admin publishes, enters survey figures, sets targets and weights, and
    coaches every OPD.
    """
    if not _active(user):
        return False
    return user.is_superuser or (user.role == Role.ADMIN_KABUPATEN and bool(user.wilayah_id))


def is_province_admin(user) -> bool:
    """Whether the user is the Admin Provinsi (with an area): reads and analyses every
    kabupaten of the province, from aggregates only."""
    return _role(user) == Role.ADMIN_PROVINSI and bool(user.wilayah_id)


def is_mitra(user) -> bool:
    """Whether the user is a partner agency (OPD) reading its coaching work."""
    return _role(user) == Role.MITRA_OPD


def is_read_only(user) -> bool:
    """Whether the user may change nothing at all: the Mitra OPD and the Viewer.

    Every service refuses them with ``PermissionDenied``, whatever the area or the object.
    """
    return not _superuser(user) and _role(user) in _READ_ONLY


def can_record_coaching_visit(user) -> bool:
    """Whether the user may record coaching visits and their follow-ups: the district admin,
    for any OPD. A Mitra OPD reads its own OPD's visits but records nothing (read only)."""
    return is_district_admin(user)


def can_record_tpk_work(user) -> bool:
    """Whether the user may do TPK work in their area: register targets, record accompaniment
    visits, deliveries and marriages, run the teams. The roles that edit a desa (the Operator
    Desa is the kader/TPK; the admins above may help)."""
    return can_edit(user)


def can_view_tpk_targets(user) -> bool:
    """Whether the user may read the TPK's targets by name (lists, a target's page). The
    Mitra OPD and the Viewer see only the counts per desa."""
    return can_view_personal_data(user)


def can_manage_installation(user) -> bool:
    """Whether ``user`` may change what applies to the whole installation (the default KBM
    table, the maturity and KRS rule sets): the system administrator; the Admin Provinsi when
    every kabupaten of the installation lies in their province; the Admin Kabupaten when the
    installation serves their kabupaten alone (with several kabupaten, one district's admin
    would decide for the others)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.wilayah_id is None:
        return False
    if user.role == Role.ADMIN_PROVINSI:
        served = _installation_kabupaten()
        return bool(served) and all(k.startswith(user.wilayah_id + ".") for k in served)
    if user.role != Role.ADMIN_KABUPATEN:
        return False
    return _installation_kabupaten() == [user.wilayah_id]


def _installation_kabupaten() -> list[str]:
    # The one place the ground floor reads the wilayah registry (documented in
    # docs/architecture.md): which kabupaten this installation serves decides who manages it.
    # Looked up through the app registry so that core does not import the wilayah app.
    wilayah = apps.get_model("wilayah", "Wilayah")
    return list(wilayah.objects.filter(level="kabupaten").values_list("kode", flat=True))
