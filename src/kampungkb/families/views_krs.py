"""The KRS picture by desa (aggregates only: every role that covers the area may see it)."""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kampungkb.core.downloads import pdf_response, xlsx_response
from kampungkb.families import charts, reports, stats


def krs_start(request):
    area = stats.area_default(user=request.user)
    if area is None:
        raise Http404
    url = reverse("families:krs", args=[area.kode])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


def _picture(request, kode):
    area = stats.area_get(user=request.user, kode=kode)
    return stats.krs_picture(user=request.user, area=area, tahun_text=request.GET.get("tahun"))


def _context(picture) -> dict:
    return {
        "picture": picture,
        "area": picture.area,
        "query": f"tahun={picture.tahun}" if picture.tahun else "",
        "factor_labels": reports.factor_labels(),
        "notes": reports.krs_notes(),
    }


def krs_page(request, kode):
    return render(request, "families/krs_picture.html", _context(_picture(request, kode)))


def krs_map_spec(request, kode):
    return JsonResponse(charts.krs_map_spec(_picture(request, kode)))


def krs_xlsx(request, kode):
    picture = _picture(request, kode)
    return xlsx_response(
        reports.krs_sheets(picture), filename=reports.krs_filename(picture, "xlsx")
    )


def krs_pdf(request, kode):
    picture = _picture(request, kode)
    ctx = {
        **_context(picture),
        "print": True,
        "chart_map": charts.png_data_uri(charts.krs_map_spec(picture, height=320)),
    }
    return pdf_response(
        "families/krs_pdf.html",
        ctx,
        request=request,
        filename=reports.krs_filename(picture, "pdf"),
        inline=True,
    )
