"""The analysis dashboard (kabupaten → kecamatan → desa) and the priority desa pages."""

import dataclasses

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kampungkb.analytics import charts, course, krs_selectors, reports, selectors
from kampungkb.analytics.models import Group, Indicator, PeriodType
from kampungkb.analytics.priority import priority_ranking
from kampungkb.analytics.templatetags.analytics_tags import pct
from kampungkb.core.downloads import pdf_response, xlsx_response
from kampungkb.core.permissions import is_district_admin
from kampungkb.wilayah.models import Level


def _query(sel) -> str:
    if sel.period_start is None:
        return f"periode={sel.period_type}&indikator={sel.indicator}"
    return (
        f"periode={sel.period_type}&mulai={sel.period_start.isoformat()}&indikator={sel.indicator}"
    )


def period_label(period_type: str, start) -> str:
    if start is None:
        return "–"
    if period_type == PeriodType.YEAR:
        return str(start.year)
    return date_format(start, "F Y")


def _start(request):
    area = selectors.area_default(user=request.user)
    if area is None:
        raise Http404
    return area


def dashboard(request):
    area = _start(request)
    url = reverse("analytics:area", args=[area.kode])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


def _context(request, area):
    user = request.user
    sel = selectors.selection_parse(request.GET, area=area)
    head = selectors.headline(user=user, area=area, sel=sel)
    surveys = selectors.survey_figures(area=area)
    subareas = selectors.subarea_rows(user=user, area=area, sel=sel)
    return {
        "area": area,
        "breadcrumbs": selectors.area_breadcrumbs(area, user=user),
        "sel": sel,
        "query": _query(sel),
        "period_label": period_label(sel.period_type, sel.period_start),
        "previous_label": period_label(sel.period_type, sel.previous),
        "period_choices": [(d.isoformat(), period_label(sel.period_type, d)) for d in sel.options],
        "period_types": PeriodType.choices,
        "indicators": Indicator.choices,
        "indicator_label": Indicator(sel.indicator).label,
        "head": head,
        "head_status": course.selection_status(user=user, area=area, sel=sel),
        "subareas": subareas,
        # Drawn on no map (no boundary in the data): their figures are in the table only.
        "unmapped": selectors.without_boundary([r.wilayah for r in subareas]),
        "kampung_kb_groups": selectors.kampung_kb_rows(user=user, area=area, sel=sel),
        "trend": course.trend_with_status(
            selectors.trend_rows(user=user, area=area, indicator=sel.indicator)
        ),
        "surveys": surveys,
        "krs": krs_selectors.krs_section(user=user, area=area, when=sel.period_start),
        "checks": course.on_course_checks(user=user, area=area, surveys=surveys),
        "on_course_rule": str(course.ON_COURSE_RULE),
        "provisional_rule": str(course.PROVISIONAL_RULE),
        "child_level": selectors.CHILD_LEVEL.get(area.level),
        "freshness": selectors.summaries_freshness(),
        "can_manage": is_district_admin(user),
    }


def area_page(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    return render(request, "analytics/area.html", _context(request, area))


def trend_spec(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = selectors.selection_parse(request.GET, area=area)
    rows = selectors.trend_rows(user=request.user, area=area, indicator=sel.indicator)
    return JsonResponse(charts.trend_spec(course.trend_with_status(rows)))


def _kampung_kb_chart_rows(rows):
    labels = dict(Group.choices)
    return [
        {
            "label": str(labels[r.group]),
            "p": r.prevalence,
            "low": r.ci_low,
            "high": r.ci_high,
            "n": r.n,
        }
        for r in rows
    ]


def kampung_kb_spec(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = selectors.selection_parse(request.GET, area=area)
    rows = selectors.kampung_kb_rows(user=request.user, area=area, sel=sel)
    return JsonResponse(charts.comparison_spec(_kampung_kb_chart_rows(rows)))


def _map_features(request, area, sel, *, level):
    cells = selectors.map_cells(user=request.user, area=area, sel=sel)
    shapes = selectors.map_shapes(user=request.user, area=area, level=level)
    query = _query(sel)
    features = []
    for w in shapes:
        c = cells.get(w.kode)
        features.append(
            {
                "wilayah": w,
                "value": c.prevalence if c else None,
                "text": f"{pct(c.prevalence if c else None)} %",
                "n": str(c.n) if c else "0",
                "url": reverse("analytics:area", args=[w.kode]) + "?" + query,
            }
        )
    return features


# ``?tingkat=`` of a map: the areas it colours (desa by default).
MAP_LEVELS = {"kecamatan": Level.KECAMATAN, "kabupaten": Level.KABUPATEN}


def map_spec(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = selectors.selection_parse(request.GET, area=area)
    level = MAP_LEVELS.get(request.GET.get("tingkat", ""), Level.DESA)
    features = _map_features(request, area, sel, level=level)
    legend = f"{Indicator(sel.indicator).label} (%)"
    return JsonResponse(charts.choropleth_spec(area, features, legend_title=legend))


def area_xlsx(request, kode):
    """The numbers behind every chart and table of the area page."""
    ctx = _context(request, selectors.area_get(user=request.user, kode=kode))
    return xlsx_response(reports.area_sheets(ctx), filename=reports.area_filename(ctx))


# --- priority desa (aksi 1) ----------------------------------------------------------------


def priority_start(request):
    area = _start(request)
    return redirect("analytics:priority", kode=area.kode)


def _priority_selection(request, area):
    """The period asked for, of stunting: what the ranking, its kecamatan table and its map
    show, whatever indicator a link from the area page carries (``indikator=``)."""
    sel = selectors.selection_parse(request.GET, area=area)
    return dataclasses.replace(sel, indicator=Indicator.STUNTING)


def _priority_context(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = _priority_selection(request, area)
    rows, weights = priority_ranking(user=request.user, area=area, sel=sel)
    return {
        "area": area,
        "sel": sel,
        # Ranked on a period not over yet: its figures (and so the lokus) will still change.
        "period_open": course.period_open(sel.period_type, sel.period_start),
        "query": _query(sel),
        "period_label": period_label(sel.period_type, sel.period_start),
        "previous_label": period_label(sel.period_type, sel.previous),
        "period_choices": [(d.isoformat(), period_label(sel.period_type, d)) for d in sel.options],
        "period_types": PeriodType.choices,
        "rows": rows,
        "weights": weights,
        "can_manage": is_district_admin(request.user),
        "freshness": selectors.summaries_freshness(),
        "subareas": selectors.subarea_rows(user=request.user, area=area, sel=sel)
        if area.level == Level.KABUPATEN
        else [],
    }


def _score_rows(rows):
    return [{"nama": r.wilayah.nama, "score": r.score, "lokus": r.lokus} for r in rows]


def priority_page(request, kode):
    return render(request, "analytics/priority.html", _priority_context(request, kode))


def priority_spec(request, kode):
    # The ranking only: not the page's subarea table, freshness or choices (a kabupaten's
    # kecamatan figures were read and thrown away on every chart).
    area = selectors.area_get(user=request.user, kode=kode)
    sel = _priority_selection(request, area)
    rows, _weights = priority_ranking(user=request.user, area=area, sel=sel)
    return JsonResponse(charts.score_spec(_score_rows(rows)))


def priority_pdf(request, kode):
    ctx = _priority_context(request, kode)
    area = ctx["area"]
    features = _map_features(request, area, ctx["sel"], level=Level.DESA)
    ctx = reports.pdf_context(
        ctx,
        chart_map=charts.choropleth_spec(
            area, features, legend_title=_("Stunting (%)"), height=320
        ),
        chart_score=charts.score_spec(_score_rows(ctx["rows"][:25])),
    )
    return pdf_response(
        "analytics/priority_pdf.html",
        ctx,
        request=request,
        filename=reports.priority_filename(area, "pdf"),
        inline=True,
    )


def priority_xlsx(request, kode):
    ctx = _priority_context(request, kode)
    return xlsx_response(
        reports.priority_sheets(ctx), filename=reports.priority_filename(ctx["area"], "xlsx")
    )
