"""The roles a user can hold and the wilayah level each covers.

They live on the ground floor because every app checks them; ``accounts`` stores a user's role,
``core.permissions`` says what each role may do.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN_PROVINSI = "admin_provinsi", _("Province admin")
    ADMIN_KABUPATEN = "admin_kabupaten", _("District admin (DKPPKB)")
    OPERATOR_KECAMATAN = "operator_kecamatan", _("Sub-district operator (PKB/PLKB)")
    OPERATOR_DESA = "operator_desa", _("Village operator (kader, TPK, KPM)")
    MITRA_OPD = "mitra_opd", _("OPD partner (read only)")
    VIEWER = "viewer", _("Viewer (aggregates only)")


# The wilayah level each role's area must be.
ROLE_LEVEL = {
    Role.ADMIN_PROVINSI: ("provinsi",),
    Role.ADMIN_KABUPATEN: ("kabupaten",),
    Role.OPERATOR_KECAMATAN: ("kecamatan",),
    Role.OPERATOR_DESA: ("desa_kelurahan",),
    Role.MITRA_OPD: ("kabupaten",),
    Role.VIEWER: ("provinsi", "kabupaten", "kecamatan", "desa_kelurahan"),
}


def role_fits_wilayah(role: str, level: str) -> bool:
    """Say whether a role may be given an area of wilayah ``level``."""
    return level in ROLE_LEVEL.get(role, ())
