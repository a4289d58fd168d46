"""Growth charts of one child (Vega-Lite JSON for the page, PNG/PDF for printing) and the
SKDN page with its xlsx download."""

import datetime
import io

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.growth import charts, selectors
from kampungkb.growth.skdn import skdn_table


def _child_and_measurements(request, pk: int):
    child = selectors.child_get(user=request.user, pk=pk)
    return child, list(selectors.child_measurements(child=child))


def child_chart_spec(request, pk: int, kind: str):
    if kind not in charts.KINDS:
        raise Http404
    child, measurements = _child_and_measurements(request, pk)
    return JsonResponse(charts.child_chart_spec(child=child, measurements=measurements, kind=kind))


def child_chart_png(request, pk: int):
    kind = request.GET.get("kind", "wfa")
    if kind not in charts.KINDS:
        raise Http404
    child, measurements = _child_and_measurements(request, pk)
    spec = charts.child_chart_spec(
        child=child, measurements=measurements, kind=kind, width=charts.PRINT_WIDTH
    )
    response = HttpResponse(charts.render_png(spec), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="grafik-{kind}-{child.pk}.png"'
    return response


def child_chart_pdf(request, pk: int):
    child, measurements = _child_and_measurements(request, pk)
    spec = charts.child_charts_print_spec(child=child, measurements=measurements)
    response = HttpResponse(charts.render_pdf(spec), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="grafik-pertumbuhan-{child.pk}.pdf"'
    return response


SORT_KEYS = ("posyandu", "desa", "s", "k", "d", "n", "t", "o", "b", "two_t", "bgm")
SORT_KEYS += ("ks", "ds", "nd")


def _default_month() -> tuple[int, int]:
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


def _parse_month(text: str) -> tuple[int, int]:
    try:
        day = datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return _default_month()
    return day.year, day.month


def _sorted_rows(rows, key: str):
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORT_KEYS:
        return rows

    def value(row):
        v = getattr(row, name)
        # Empty ratios go last whichever way the column is sorted.
        return (v is None) != descending, v if v is not None else 0

    return sorted(rows, key=value, reverse=descending)


def _skdn(request):
    tahun, month = _parse_month(request.GET.get("bulan", ""))
    desa = request.GET.get("desa", "").strip()[:20]
    table = skdn_table(user=request.user, tahun=tahun, month=month, desa=desa)
    return table, desa


def skdn_page(request):
    table, desa = _skdn(request)
    sort = request.GET.get("urut", "")
    desa_choices = sorted(
        {(p.desa_id, p.desa.nama) for p in selectors.posyandu_list(user=request.user)}
    )
    columns = [
        ("posyandu", _("Posyandu")),
        ("desa", _("Desa")),
        ("s", "S"),
        ("k", "K"),
        ("d", "D"),
        ("n", "N"),
        ("t", "T"),
        ("o", "O"),
        ("b", "B"),
        ("two_t", "2T"),
        ("bgm", "BGM"),
        ("ks", "K/S %"),
        ("ds", "D/S %"),
        ("nd", "N/D %"),
    ]
    return render(
        request,
        "growth/skdn.html",
        {
            "table": table,
            "rows": _sorted_rows(table.rows, sort),
            "columns": columns,
            "sort": sort,
            "bulan": f"{table.tahun:04d}-{table.month:02d}",
            "desa": desa,
            "desa_choices": desa_choices,
            "unbalanced": [r for r in table.rows if not r.balanced],
        },
    )


def skdn_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table, desa = _skdn(request)
    wb = Workbook()
    ws = wb.active
    ws.title = f"SKDN {table.tahun:04d}-{table.month:02d}"
    ws.append([_("SKDN per posyandu"), f"{table.tahun:04d}-{table.month:02d}", desa])
    header = [_("Posyandu"), _("Desa"), "S", "K", "D", "N", "T", "O", "B", "2T", "BGM"]
    header += ["K/S %", "D/S %", "N/D %", "D = N+T+O+B", _("Weighed without a code")]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)

    def line(row, name, desa_name):
        return [
            name,
            desa_name,
            row.s,
            row.k,
            row.d,
            row.n,
            row.t,
            row.o,
            row.b,
            row.two_t,
            row.bgm,
            row.ks,
            row.ds,
            row.nd,
            _("yes") if row.balanced else _("no"),
            row.blank,
        ]

    for row in table.rows:
        ws.append(line(row, row.posyandu, row.desa))
    ws.append(line(table.total, _("Total"), ""))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 22
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="skdn-{table.tahun:04d}-{table.month:02d}.xlsx"'
    )
    return response
