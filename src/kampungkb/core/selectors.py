from kampungkb.core.models import AuditEntry
from kampungkb.core.permissions import can_view_audit
from kampungkb.core.scoping import NOTHING, scope_q


def audit_entry_list(*, user, action: str = "", object_type: str = ""):
    """Return the audit entries of the user's area, newest first (admins only)."""
    if not can_view_audit(user):
        return AuditEntry.objects.filter(NOTHING)
    qs = AuditEntry.objects.filter(scope_q(user, "wilayah_kode")).select_related("actor")
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs
