import datetime

from django.utils import timezone

from kampungkb.core.models import AuditEntry
from kampungkb.core.permissions import can_view_audit
from kampungkb.core.scoping import NOTHING, scope_q


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entry_list(
    *,
    user,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """Return the audit entries of the user's area, newest first (admins only).

    ``username`` keeps the entries of one account (acting, or the name tried at a failed
    login); ``date_from`` and ``date_to`` are whole days, both included.
    """
    if not can_view_audit(user):
        return AuditEntry.objects.filter(NOTHING)
    qs = AuditEntry.objects.filter(scope_q(user, "wilayah_kode")).select_related("actor")
    if username:
        qs = qs.filter(actor_username__iexact=username.strip())
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type.strip().lower())
    if object_id:
        qs = qs.filter(object_id=object_id.strip())
    # Python's calendar runs from year 1 to 9999: its first day as a start or its last as an
    # end excludes nothing, and would overflow (the first midnight in UTC, the day after the
    # last), so they are left out.
    if date_from and date_from > datetime.date.min:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to and date_to < datetime.date.max:
        qs = qs.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs
