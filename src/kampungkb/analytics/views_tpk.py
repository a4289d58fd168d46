"""The TPK accompaniment page of the dashboard and its xlsx: aggregates of ``TpkSummary``
(``tpk_selectors``), for every role that may see the area's analysis."""

from django.shortcuts import render

from kampungkb.analytics import reports_tpk, selectors, tpk_selectors
from kampungkb.analytics.models import TpkPeriod


def _context(request, kode: str) -> dict:
    user = request.user
    area = selectors.area_get(user=user, kode=kode)
    sel = tpk_selectors.tpk_selection_parse(request.GET, user=user, area=area)
    return {
        "area": area,
        "breadcrumbs": selectors.area_breadcrumbs(area, user=user),
        "sel": sel,
        "period_types": TpkPeriod.choices,
        "period_choices": [
            (d.isoformat(), tpk_selectors.period_label(sel.period_type, d)) for d in sel.options
        ],
        "tpk": tpk_selectors.tpk_section(user=user, area=area, sel=sel),
        "share_labels": tpk_selectors.SHARE_LABELS,
        "child_level": tpk_selectors.CHILD_LEVEL.get(area.level),
        "freshness": selectors.summaries_freshness(),
    }


def tpk_page(request, kode):
    return render(request, "analytics/tpk.html", _context(request, kode))


def tpk_xlsx(request, kode):
    """The numbers of the TPK page: numerators, denominators and shares."""
    ctx = _context(request, kode)
    return reports_tpk.tpk_response(ctx)
