"""The annual performance review (aksi 8) as PDF (WeasyPrint, from an HTML template) and xlsx,
through ``kampungkb.core.downloads``."""

import datetime

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kampungkb.analytics.charts import png_data_uri
from kampungkb.analytics.course import period_open
from kampungkb.analytics.models import PeriodType
from kampungkb.convergence.review import selectors
from kampungkb.convergence.review.charts import management_outcome_spec
from kampungkb.convergence.review.rapor import kampung_kb_rapor
from kampungkb.convergence.review.scorecard import scorecard_chart
from kampungkb.core.downloads import (
    PDF_TYPE,
    Sheet,
    download_response,
    pdf_bytes,
    xlsx_bytes,
    xlsx_response,
)
from kampungkb.core.rounding import round_half_up


def review_context(*, user, tahun: int) -> dict:
    """The review of ``tahun`` as its page, PDF and xlsx show it."""
    rows = selectors.review_rows(user=user, tahun=tahun)
    return {
        "tahun": tahun,
        # A year not over yet: its figures, levels and lists will still change.
        "year_open": period_open(PeriodType.YEAR, datetime.date(tahun, 1, 1)),
        "rows": rows,
        "kecamatan": selectors.review_kecamatan(rows),
        **selectors.village_lists(user=user, tahun=tahun, rows=rows),
    }


def year_open_note() -> str:
    return _(
        "This year has not ended yet: its figures, levels and lists are provisional and will "
        "change."
    )


def review_pdf_bytes(*, user, tahun: int, request=None) -> bytes:
    chart = scorecard_chart(user=user, tahun=tahun)
    ctx = review_context(user=user, tahun=tahun)
    if chart["points"]:
        ctx["chart_png"] = png_data_uri(management_outcome_spec(chart), scale=1.5)
    return pdf_bytes("convergence/review_report.html", ctx, request=request)


def rapor_pdf_response(request, *, kampung, tahun: int) -> HttpResponse:
    """The rapor of one Kampung KB on one A4 page."""
    ctx = {
        "kampung": kampung,
        "tahun": tahun,
        "rapor": kampung_kb_rapor(user=request.user, kampung=kampung, tahun=tahun),
    }
    return download_response(
        pdf_bytes("convergence/rapor_report.html", ctx, request=request),
        filename=f"rapor-{slugify(kampung.nama)}-{tahun}.pdf",
        content_type=PDF_TYPE,
    )


def review_pdf_response(request, *, tahun: int) -> HttpResponse:
    return download_response(
        review_pdf_bytes(user=request.user, tahun=tahun, request=request),
        filename=f"reviu-kinerja-{tahun}.pdf",
        content_type=PDF_TYPE,
    )


def review_sheets(ctx: dict) -> list[Sheet]:
    """The review rows, the model villages and those that need support (``review_context``)."""
    rows = []
    for r in ctx["rows"]:
        e = r["evaluation"]
        k = r["kampung"]
        rows.append(
            [
                k.nama,
                k.desa.nama,
                k.desa.parent.nama,
                round_half_up(e.skor_manajemen) if e else None,
                round_half_up(e.skor_kontribusi) if e else None,
                e.get_tingkat_display() if e and e.tingkat else "",
                r["level_before_label"],
                r["official"].get_tingkat_display() if r["official"] else "",
                round_half_up(r["system"]["sys_prevalensi"]),
                round_half_up(r["trend"]),
                r["plan"]["n"],
                r["plan"]["done"],
                float(r["plan"]["anggaran"] or 0),
                float(r["plan"]["realisasi"] or 0),
                r["visits"],
                r["followups"]["overdue"],
            ]
        )
    model = [
        [
            m["row"]["kampung"].nama,
            "; ".join(i["nama"] for i in m["worked_list"]),
            "; ".join(i.nama for i in m["innovations"]),
        ]
        for m in ctx["model"]
    ]
    support = [
        [
            s["row"]["kampung"].nama,
            ", ".join(str(r) for r in s["reason_labels"]),
            "; ".join(i["nama"] for i in s["lagging_list"]),
            ", ".join(o.singkatan for o in s["opds"]),
        ]
        for s in ctx["support"]
    ]
    header = [
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
    above = [[year_open_note()]] if ctx.get("year_open") else []
    return [
        Sheet(_("Kampung KB"), header=header, rows=rows, above=above, bold_header=False),
        Sheet(
            _("Model villages"),
            header=[_("Kampung KB"), _("What worked"), _("Innovations")],
            rows=model,
            bold_header=False,
        ),
        Sheet(
            _("Needs support"),
            header=[_("Kampung KB"), _("Why"), _("Lagging indicators"), _("OPD to coach")],
            rows=support,
            bold_header=False,
        ),
    ]


def review_xlsx_bytes(*, user, tahun: int) -> bytes:
    return xlsx_bytes(review_sheets(review_context(user=user, tahun=tahun)))


def review_xlsx_response(request, *, tahun: int) -> HttpResponse:
    return xlsx_response(
        review_sheets(review_context(user=request.user, tahun=tahun)),
        filename=f"reviu-kinerja-{tahun}.xlsx",
    )
