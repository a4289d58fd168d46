import tempfile

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render

from kampungkb.core.downloads import XLSX_TYPE
from kampungkb.core.forms import AuditFilterForm
from kampungkb.core.permissions import can_view_audit
from kampungkb.core.reports import AUDIT_FILENAME, audit_trail_page_read, audit_trail_xlsx
from kampungkb.core.selectors import audit_entry_list

PAGE_SIZE = 50


def _filter_form(request) -> AuditFilterForm:
    if not can_view_audit(request.user):
        raise PermissionDenied
    return AuditFilterForm(request.GET or None)


def _page(request, form, *, status: int = 200):
    filters = form.filters()
    entries = audit_entry_list(user=request.user, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_trail_page_read(
        user=request.user,
        filters=filters,
        page_number=page.number,
        rows=len(page.object_list),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "form": form, "page_query": query.urlencode()},
        status=status,
    )


def audit_list(request):
    form = _filter_form(request)
    return _page(request, form, status=400 if form.errors else 200)


def audit_export(request):
    form = _filter_form(request)
    if form.errors:
        return _page(request, form, status=400)
    out = tempfile.SpooledTemporaryFile(max_size=20 * 2**20)  # noqa: SIM115 - FileResponse closes it
    audit_trail_xlsx(user=request.user, filters=form.filters(), out=out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=AUDIT_FILENAME, content_type=XLSX_TYPE)
