"""Who may change analysis settings and publish: the Admin Kabupaten (and superusers)."""

from kampungkb.accounts.models import Role
from kampungkb.wilayah.models import Level, Wilayah


def can_manage_analytics(user) -> bool:
    """Whether the user may publish, enter survey figures and set targets and weights."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role == Role.ADMIN_KABUPATEN


def managed_kabupaten(user) -> Wilayah | None:
    """The district whose settings and publications the user manages."""
    if not can_manage_analytics(user):
        return None
    if user.is_superuser and not getattr(user, "wilayah_id", None):
        return Wilayah.objects.filter(level=Level.KABUPATEN).order_by("kode").first()
    return Wilayah.objects.filter(kode=(user.wilayah_id or "")[:5], level=Level.KABUPATEN).first()
