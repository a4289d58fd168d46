"""What every convergence write checks before it changes anything, and whom it records.

``user=None`` is the system itself (the demo seed, management commands): it passes every check.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kampungkb.core.permissions import can_edit_area, is_district_admin


def deny(message=None):
    raise PermissionDenied(message or _("You may not change convergence data of this area."))


def ensure_area_editor(user, kode: str) -> None:
    """Refuse a user who may not change records of the wilayah ``kode``."""
    if user is not None and not can_edit_area(user, kode):
        deny()


def ensure_district_admin(user) -> None:
    """Refuse anyone but the district admin."""
    if user is not None and not is_district_admin(user):
        deny(_("Only the district admin may do this."))


def author(user):
    """The user to store as a record's author: ``None`` for the system."""
    return user if getattr(user, "pk", None) else None
