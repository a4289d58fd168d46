"""The analysis dashboard (kabupaten → kecamatan → desa) and the priority desa pages."""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kampungkb.analytics import charts, selectors
from kampungkb.analytics.exports import pct_value, workbook_response
from kampungkb.analytics.models import Group, Indicator, PeriodType, SummaryState
from kampungkb.analytics.pdf import pdf_response
from kampungkb.analytics.priority import priority_ranking
from kampungkb.analytics.templatetags.analytics_tags import pct
from kampungkb.core.permissions import is_district_admin
from kampungkb.wilayah.models import Level, Wilayah


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
    posyandu_stunting = head["cells"][0]
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
        "subareas": selectors.subarea_rows(user=user, area=area, sel=sel),
        "kkb": selectors.kkb_rows(user=user, area=area, sel=sel),
        "trend": selectors.trend_rows(user=user, area=area, indicator=sel.indicator),
        "surveys": surveys,
        "checks": selectors.on_course_checks(
            area=area, posyandu=posyandu_stunting, surveys=surveys
        ),
        "on_course_rule": str(selectors.ON_COURSE_RULE),
        "child_level": selectors.CHILD_LEVEL.get(area.level),
        "state": SummaryState.objects.first(),
        "can_manage": is_district_admin(user),
    }


def area_page(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    return render(request, "analytics/area.html", _context(request, area))


def trend_spec(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = selectors.selection_parse(request.GET, area=area)
    rows = selectors.trend_rows(user=request.user, area=area, indicator=sel.indicator)
    return JsonResponse(charts.trend_spec(rows))


def _kkb_chart_rows(rows):
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


def kkb_spec(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = selectors.selection_parse(request.GET, area=area)
    rows = selectors.kkb_rows(user=request.user, area=area, sel=sel)
    return JsonResponse(charts.comparison_spec(_kkb_chart_rows(rows)))


def _map_features(request, area, sel, *, level):
    cells = selectors.map_cells(user=request.user, area=area, sel=sel)
    if area.level == Level.DESA:
        shapes = [area]
    else:
        shapes = list(
            Wilayah.objects.for_user(request.user)
            .filter(level=level, kode__startswith=area.kode + ".")
            .order_by("kode")
        )
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


def map_spec(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = selectors.selection_parse(request.GET, area=area)
    level = Level.KECAMATAN if request.GET.get("tingkat") == "kecamatan" else Level.DESA
    features = _map_features(request, area, sel, level=level)
    legend = f"{Indicator(sel.indicator).label} (%)"
    return JsonResponse(charts.choropleth_spec(area, features, legend_title=legend))


def area_xlsx(request, kode):
    """The numbers behind every chart and table of the area page."""
    ctx = _context(request, selectors.area_get(user=request.user, kode=kode))
    area, label = ctx["area"], ctx["period_label"]
    indicator_headers = [
        _("Children measured"),
        _("Cases"),
        _("Prevalence (%)"),
        _("95% CI low (%)"),
        _("95% CI high (%)"),
    ]

    def cell_values(c):
        if c is None:
            return [0, 0, None, None, None]
        return [c.n, c.cases, pct_value(c.prevalence), pct_value(c.ci_low), pct_value(c.ci_high)]

    sheets = [
        (
            _("Headline"),
            [_("Indicator"), *indicator_headers],
            [[str(lbl), *cell_values(c)] for lbl, c in ctx["head"]["indicators"]],
        ),
        (
            _("Sub-areas"),
            [
                _("Code"),
                _("Area"),
                "Kampung KB",
                *indicator_headers,
                _("Coverage (%)"),
                _("Flagged (%)"),
                _("Lengths ending .0/.5 (%)"),
            ],
            [
                [
                    r.wilayah.kode,
                    r.wilayah.nama,
                    "ya" if r.kampung_kb else "",
                    *cell_values(r.cell),
                    pct_value(r.quality.coverage) if r.quality else None,
                    pct_value(r.quality.share_flagged) if r.quality else None,
                    pct_value(r.quality.digit_preference) if r.quality else None,
                ]
                for r in ctx["subareas"]
            ],
        ),
        (
            _("Trend"),
            [_("Period type"), _("Period start"), *indicator_headers],
            [[r.period_type, r.period_start, *cell_values(r)] for r in ctx["trend"]],
        ),
        (
            _("Kampung KB vs other"),
            [_("Group"), *indicator_headers],
            [[str(Group(r.group).label), *cell_values(r)] for r in ctx["kkb"]],
        ),
        (
            _("Surveys"),
            [_("Survey"), _("Year"), _("Area"), _("Prevalence (%)"), _("Source")],
            [
                [s.get_survey_display(), s.tahun, s.wilayah.nama, float(s.prevalensi), s.sumber]
                for s in ctx["surveys"]
            ],
        ),
        (
            _("On course"),
            [
                _("Figure"),
                _("Year"),
                _("Prevalence (%)"),
                _("Target of"),
                _("Target (%)"),
                _("On course"),
            ],
            [
                [
                    c.label,
                    c.year,
                    round(c.value, 1),
                    c.target_scope,
                    None if c.target is None else round(c.target, 2),
                    "" if c.on_course is None else ("ya" if c.on_course else "tidak"),
                ]
                for c in ctx["checks"]
            ],
        ),
    ]
    slug = f"analisis-{area.kode}-{ctx['sel'].period_type}-{label}".replace(" ", "-")
    return workbook_response(f"{slug}.xlsx", sheets)


# --- priority desa (aksi 1) ----------------------------------------------------------------


def priority_start(request):
    area = _start(request)
    return redirect("analytics:priority", kode=area.kode)


def _priority_context(request, kode):
    area = selectors.area_get(user=request.user, kode=kode)
    sel = selectors.selection_parse(request.GET, area=area)
    rows, weights = priority_ranking(user=request.user, area=area, sel=sel)
    return {
        "area": area,
        "sel": sel,
        "query": _query(sel),
        "period_label": period_label(sel.period_type, sel.period_start),
        "previous_label": period_label(sel.period_type, sel.previous),
        "period_choices": [(d.isoformat(), period_label(sel.period_type, d)) for d in sel.options],
        "period_types": PeriodType.choices,
        "rows": rows,
        "weights": weights,
        "can_manage": is_district_admin(request.user),
        "subareas": selectors.subarea_rows(user=request.user, area=area, sel=sel)
        if area.level == Level.KABUPATEN
        else [],
    }


def _score_rows(rows):
    return [{"nama": r.wilayah.nama, "score": r.score, "lokus": r.lokus} for r in rows]


def priority_page(request, kode):
    return render(request, "analytics/priority.html", _priority_context(request, kode))


def priority_spec(request, kode):
    ctx = _priority_context(request, kode)
    return JsonResponse(charts.score_spec(_score_rows(ctx["rows"])))


def priority_pdf(request, kode):
    ctx = _priority_context(request, kode)
    sel = ctx["sel"]
    area = ctx["area"]
    features = _map_features(request, area, sel, level=Level.DESA)
    ctx["chart_map"] = charts.png_data_uri(
        charts.choropleth_spec(area, features, legend_title=_("Stunting (%)"), height=320)
    )
    ctx["chart_score"] = charts.png_data_uri(charts.score_spec(_score_rows(ctx["rows"][:25])))
    return pdf_response(
        request, "analytics/priority_pdf.html", ctx, f"analisis-situasi-aksi1-{area.kode}.pdf"
    )


def priority_xlsx(request, kode):
    ctx = _priority_context(request, kode)
    w = ctx["weights"]
    rows = [
        [
            r.rank,
            r.wilayah.kode,
            r.wilayah.nama,
            r.wilayah.parent.nama if r.wilayah.parent else "",
            "ya" if r.kampung_kb else "",
            "ya" if r.lokus else "",
            round(r.score, 1),
            pct_value(r.prevalence),
            r.cases,
            r.n,
            None if r.trend is None else round(r.trend * 100, 1),
            pct_value(r.coverage),
            pct_value(r.quality),
            r.reason,
        ]
        for r in ctx["rows"]
    ]
    headers = [
        _("Rank"),
        _("Code"),
        _("Desa"),
        _("Kecamatan"),
        "Kampung KB",
        _("Priority (lokus)"),
        _("Score"),
        _("Stunting (%)"),
        _("Stunted children"),
        _("Children measured"),
        _("Change (points)"),
        _("Coverage (%)"),
        _("Data quality index (%)"),
        _("Reason"),
    ]
    weights = [
        [_("Stunting prevalence"), w.w_prevalence],
        [_("Number of stunted children"), w.w_cases],
        [_("Trend (rise in prevalence)"), w.w_trend],
        [_("Low weighing coverage"), w.w_coverage],
        [_("Poor data quality"), w.w_quality],
        [_("Number of priority desa (lokus)"), w.n_lokus],
    ]
    sub = [
        [
            r.wilayah.kode,
            r.wilayah.nama,
            r.cell.n if r.cell else 0,
            r.cell.cases if r.cell else 0,
            pct_value(r.cell.prevalence) if r.cell else None,
            pct_value(r.quality.coverage) if r.quality else None,
        ]
        for r in ctx["subareas"]
    ]
    return workbook_response(
        f"analisis-situasi-aksi1-{ctx['area'].kode}.xlsx",
        [
            (_("Priority desa"), headers, rows),
            (_("Weights"), [_("Criterion"), _("Weight")], weights),
            (
                _("Kecamatan"),
                [
                    _("Code"),
                    _("Kecamatan"),
                    _("Children measured"),
                    _("Cases"),
                    _("Stunting (%)"),
                    _("Coverage (%)"),
                ],
                sub,
            ),
        ],
    )
