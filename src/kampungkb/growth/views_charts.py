"""Growth charts of one child: Vega-Lite JSON for the page, PNG and PDF for printing."""

from django.http import Http404, JsonResponse

from kampungkb.core.downloads import PDF_TYPE, download_response
from kampungkb.growth import charts, personal_data, selectors


def _child_and_measurements(request, pk: int, page: str):
    child = selectors.child_get(user=request.user, pk=pk)
    personal_data.child_shown(user=request.user, child=child, page=page)
    return child, list(selectors.child_measurements(child=child))


def child_chart_spec(request, pk: int, kind: str):
    if kind not in charts.KINDS:
        raise Http404
    child, measurements = _child_and_measurements(request, pk, f"chart_json_{kind}")
    return JsonResponse(charts.child_chart_spec(child=child, measurements=measurements, kind=kind))


def child_chart_png(request, pk: int):
    kind = request.GET.get("kind", "wfa")
    if kind not in charts.KINDS:
        raise Http404
    child, measurements = _child_and_measurements(request, pk, f"chart_png_{kind}")
    spec = charts.child_chart_spec(
        child=child, measurements=measurements, kind=kind, width=charts.PRINT_WIDTH
    )
    return download_response(
        charts.render_png(spec),
        filename=f"grafik-{kind}-{child.pk}.png",
        content_type="image/png",
        inline=True,
    )


def child_chart_pdf(request, pk: int):
    child, measurements = _child_and_measurements(request, pk, "chart_pdf")
    spec = charts.child_charts_print_spec(child=child, measurements=measurements)
    return download_response(
        charts.render_pdf(spec),
        filename=f"grafik-pertumbuhan-{child.pk}.pdf",
        content_type=PDF_TYPE,
        inline=True,
    )
