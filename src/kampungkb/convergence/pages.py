"""What the convergence pages share: the year a page shows, the check that the user covers an
area at all, and the page of a single form."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from kampungkb.convergence.years import FIRST_YEAR, LAST_YEAR
from kampungkb.core.scoping import covered_kode


def year_asked(request) -> int:
    """Return the year of ``?tahun=`` (this year when absent or not a number), within bounds."""
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        return datetime.date.today().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def require_area(user) -> None:
    """Refuse a user who covers no area (no role or no wilayah)."""
    if covered_kode(user) is None:
        raise PermissionDenied


def form_page(request, *, title, form, back, status=None, extra=None):
    """Render one form on its own page; a POST that reaches it failed, so it answers 400."""
    return render(
        request,
        "convergence/form.html",
        {"title": title, "form": form, "back": back, **(extra or {})},
        status=status or (400 if request.method == "POST" else 200),
    )
