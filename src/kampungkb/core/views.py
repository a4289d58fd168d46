from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_view_audit
from kampungkb.core.selectors import audit_entry_list


def audit_list(request):
    if not can_view_audit(request.user):
        raise PermissionDenied
    action = request.GET.get("action", "")
    entries = audit_entry_list(
        user=request.user,
        action=action if action in AuditAction.values else "",
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "actions": AuditAction.choices, "action": action},
    )
