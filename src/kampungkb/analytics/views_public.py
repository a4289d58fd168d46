"""The public publication pages (aksi 7): no login, published figures only, small cells
suppressed, no personal data. Every number goes through ``publication.public_tables``.

Only the newest version of each period is public. An older version's page and files
redirect to the newest version's: taken with it, the older one could give a hidden figure
away (see ``publication``), so the site never offers both. The older versions stay in the
officials' archive (``views_manage.publication_archive``).
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kampungkb.analytics import charts, reports
from kampungkb.analytics.models import Publication
from kampungkb.analytics.publication import (
    MIN_CASES,
    MIN_N,
    province_public_rows,
    public_tables,
    publication_current,
    publication_history,
    publication_latest,
)
from kampungkb.analytics.publication_krs import krs_public_tables
from kampungkb.analytics.reports_krs import krs_public_sheet
from kampungkb.analytics.selectors import is_province_installation
from kampungkb.analytics.templatetags.analytics_tags import pct
from kampungkb.analytics.views import period_label
from kampungkb.core.downloads import pdf_response, xlsx_response
from kampungkb.core.middleware import login_exempt
from kampungkb.wilayah.models import Level, Wilayah


def page_context(publication):
    """The context of a version's page (public, PDF, or the officials' archive)."""
    tables = public_tables(publication)
    history = list(publication_history(kabupaten_kode=publication.kabupaten_id, public=True))
    for p in history:
        p.label = period_label(p.period_type, p.period_start)
    krs = krs_public_tables(publication)
    return {
        "publication": publication,
        "label": period_label(publication.period_type, publication.period_start),
        "tables": tables,
        "krs_tables": krs,
        "krs_sections": [krs[s] for s in ("kabupaten", "kampung_kb", "kecamatan", "desa")],
        "history": history,
        "min_n": MIN_N,
        "min_cases": MIN_CASES,
        "provinsi": _province_installation(),
    }


def _current(request, pk, route):
    """The version ``pk`` if it is the public one of its period, else a redirect to the
    same ``route`` (and query) of the one that is."""
    publication = get_object_or_404(Publication.objects.select_related("kabupaten"), pk=pk)
    current = publication_current(publication)
    if current.pk != publication.pk:
        url = reverse(route, args=[current.pk])
        query = request.GET.urlencode()
        return None, redirect(f"{url}?{query}" if query else url)
    return publication, None


@login_exempt
def index(request):
    provinsi = _province_installation()
    if provinsi is not None:
        return _province_page(request, provinsi)
    publication = publication_latest()
    if publication is None:
        return render(request, "analytics/public_empty.html", status=404)
    return render(request, "analytics/public.html", page_context(publication))


def _province_installation() -> Wilayah | None:
    """The provinsi whose kabupaten this installation serves, when it serves several."""
    provinces = list(Wilayah.objects.filter(level=Level.PROVINSI)[:2])
    if len(provinces) == 1 and is_province_installation(provinces[0]):
        return provinces[0]
    return None


def _province_page(request, provinsi):
    rows = province_public_rows(provinsi.kode)
    for r in rows:
        if r.publication is not None:
            r.label = period_label(r.publication.period_type, r.publication.period_start)
    context = {"provinsi": provinsi, "rows": rows, "min_n": MIN_N, "min_cases": MIN_CASES}
    return render(request, "analytics/public_province.html", context)


@login_exempt
def province(request, kode):
    """The province's page: each kabupaten's newest public figures, linked to its page."""
    provinsi = get_object_or_404(Wilayah, kode=kode, level=Level.PROVINSI)
    return _province_page(request, provinsi)


@login_exempt
def kabupaten(request, kode):
    """A kabupaten's public page: its newest publication (404 before its first)."""
    area = get_object_or_404(Wilayah, kode=kode, level=Level.KABUPATEN)
    publication = publication_latest(kabupaten_kode=area.kode)
    if publication is None:
        return render(request, "analytics/public_empty.html", status=404)
    return render(request, "analytics/public.html", page_context(publication))


@login_exempt
def version(request, pk):
    publication, moved = _current(request, pk, "analytics_public:version")
    return moved or render(request, "analytics/public.html", page_context(publication))


def _features(publication, tables, level):
    rows = tables["kecamatan" if level == "kecamatan" else "desa"]
    shapes = {w.kode: w for w in Wilayah.objects.filter(kode__in=[r.kode for r in rows])}
    out = []
    for r in rows:
        if r.kode not in shapes:
            continue
        cell = r.stunting
        out.append(
            {
                "wilayah": shapes[r.kode],
                "value": cell.prevalence,
                "text": pct(cell.prevalence),
                "n": "–" if cell.n is None else str(cell.n),
                "url": "",
            }
        )
    return out


def _map(publication, tables, level="desa", **kwargs):
    return charts.choropleth_spec(
        publication.kabupaten,
        _features(publication, tables, level),
        legend_title=_("Stunting (%)"),
        **kwargs,
    )


@login_exempt
def map_spec(request, pk):
    publication, moved = _current(request, pk, "analytics_public:map_spec")
    if moved:
        return moved
    level = "kecamatan" if request.GET.get("tingkat") == "kecamatan" else "desa"
    return JsonResponse(_map(publication, public_tables(publication), level))


@login_exempt
def report_pdf(request, pk):
    publication, moved = _current(request, pk, "analytics_public:pdf")
    if moved:
        return moved
    ctx = page_context(publication)
    ctx = reports.pdf_context(ctx, chart_map=_map(publication, ctx["tables"], height=320))
    return pdf_response(
        "analytics/public_pdf.html",
        ctx,
        request=request,
        filename=reports.public_filename(publication, "pdf"),
        inline=True,
    )


@login_exempt
def report_xlsx(request, pk):
    publication, moved = _current(request, pk, "analytics_public:xlsx")
    if moved:
        return moved
    sheets = reports.public_sheets(publication, public_tables(publication))
    krs = krs_public_sheet(krs_public_tables(publication))
    if krs is not None:  # before the notes sheet
        sheets = [*sheets[:-1], krs, sheets[-1]]
    return xlsx_response(sheets, filename=reports.public_filename(publication, "xlsx"))
