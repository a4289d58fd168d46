from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from kampungkb.accounts.roles import can_view_audit
from kampungkb.core.models import AuditAction
from kampungkb.core.selectors import audit_entry_list
from kampungkb.wilayah.models import MaturityLevel
from kampungkb.wilayah.selectors import area_summary, wilayah_area


def home(request):
    summary = area_summary(user=request.user)
    levels = [(label, summary["levels"].get(value, 0)) for value, label in MaturityLevel.choices]
    unrated = summary["levels"].get("", 0)
    return render(
        request,
        "core/home.html",
        {
            "area": wilayah_area(user=request.user),
            "summary": summary,
            "levels": levels,
            "unrated": unrated,
        },
    )


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
