"""The convergence landing page; each sub-domain keeps its pages in ``<sub-domain>/views.py``."""

import datetime

from django.shortcuts import render

from kampungkb.convergence import selectors
from kampungkb.convergence.pages import require_area
from kampungkb.core.permissions import is_district_admin


def home(request):
    require_area(request.user)
    return render(
        request,
        "convergence/home.html",
        {
            "counts": selectors.home_counts(user=request.user),
            "year": datetime.date.today().year,
            "is_admin": is_district_admin(request.user),
        },
    )
