"""The annual performance review (aksi 8) as PDF (WeasyPrint, from an HTML template) and xlsx."""

import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kampungkb.convergence import selectors


def review_context(*, user, tahun: int) -> dict:
    rows = selectors.review_rows(user=user, tahun=tahun)
    return {
        "tahun": tahun,
        "rows": rows,
        "kecamatan": selectors.review_kecamatan(rows),
        **selectors.village_lists(user=user, tahun=tahun, rows=rows),
    }


def review_pdf_bytes(*, user, tahun: int, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "convergence/review_report.html", review_context(user=user, tahun=tahun), request=request
    )
    return HTML(string=html).write_pdf()


def review_pdf_response(request, *, tahun: int) -> HttpResponse:
    response = HttpResponse(
        review_pdf_bytes(user=request.user, tahun=tahun, request=request),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="reviu-kinerja-{tahun}.pdf"'
    return response


def review_xlsx_bytes(*, user, tahun: int) -> bytes:
    from openpyxl import Workbook

    ctx = review_context(user=user, tahun=tahun)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kampung KB")[:31]
    ws.append(
        [
            _("Kampung KB"),
            _("Desa"),
            _("Kecamatan"),
            _("Management score"),
            _("Contribution score"),
            _("Computed level"),
            _("Computed level last year"),
            _("Official level"),
            _("Stunting prevalence (%)"),
            _("Change (points)"),
            _("Activities"),
            _("Activities done"),
            _("Budget (Rp)"),
            _("Budget spent (Rp)"),
            _("Coaching visits"),
            _("Overdue follow-ups"),
        ]
    )
    for r in ctx["rows"]:
        e = r["evaluation"]
        k = r["kampung"]
        ws.append(
            [
                k.nama,
                k.desa.nama,
                k.desa.parent.nama,
                e.skor_manajemen if e else None,
                e.skor_kontribusi if e else None,
                e.get_tingkat_display() if e and e.tingkat else "",
                r["level_before"] or "",
                r["official"].get_tingkat_display() if r["official"] else "",
                r["system"]["sys_prevalensi"],
                r["trend"],
                r["plan"]["n"],
                r["plan"]["done"],
                float(r["plan"]["anggaran"] or 0),
                float(r["plan"]["realisasi"] or 0),
                r["visits"],
                r["followups"]["overdue"],
            ]
        )
    ws2 = wb.create_sheet(_("Model villages")[:31])
    ws2.append([_("Kampung KB"), _("What worked"), _("Innovations")])
    for m in ctx["model"]:
        ws2.append(
            [
                m["row"]["kampung"].nama,
                "; ".join(i["nama"] for i in m["worked_list"]),
                "; ".join(i.nama for i in m["innovations"]),
            ]
        )
    ws3 = wb.create_sheet(_("Needs support")[:31])
    ws3.append([_("Kampung KB"), _("Why"), _("Lagging indicators"), _("OPD to coach")])
    for s in ctx["support"]:
        ws3.append(
            [
                s["row"]["kampung"].nama,
                ", ".join(str(r) for r in s["reason_labels"]),
                "; ".join(i["nama"] for i in s["lagging_list"]),
                ", ".join(o.singkatan for o in s["opds"]),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def review_xlsx_response(request, *, tahun: int) -> HttpResponse:
    response = HttpResponse(
        review_xlsx_bytes(user=request.user, tahun=tahun),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="reviu-kinerja-{tahun}.xlsx"'
    return response
