"""Reads that span the convergence sub-domains: the counts of the app's landing page and the
desa a form offers. Each sub-domain keeps its own reads in ``<sub-domain>/selectors.py``.
"""

import datetime

from kampungkb.convergence.cadres.models import Cadre
from kampungkb.convergence.coaching.selectors import followups_overdue, visits_for
from kampungkb.convergence.plans.models import Plan
from kampungkb.wilayah.models import Wilayah

__all__ = ["desa_choices", "home_counts"]


def desa_choices(*, user):
    """Return the desa a user may pick in a form (those of their area), with their kecamatan."""
    return Wilayah.objects.for_user(user).desa().select_related("parent").order_by("kode")


def home_counts(*, user) -> dict:
    """Return the landing page's counts of the user's area: overdue follow-ups, this year's
    visits and plans, and the active cadres (as the cadre list counts them)."""
    year = datetime.date.today().year
    return {
        "overdue": followups_overdue(user=user).count(),
        "n_visits": visits_for(user=user).filter(tanggal__year=year).count(),
        "n_plans": Plan.objects.for_user(user).filter(tahun=year).count(),
        "n_cadres": Cadre.objects.for_user(user).filter(aktif=True).count(),
    }
