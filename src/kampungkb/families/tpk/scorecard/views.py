"""Pages of the KPM scorecard (phone-first; a cell is entered with htmx): the desa list of an
area with the convergence level quarter on quarter, a desa's scorecard for a quarter, its
xlsx and PDF. The Mitra OPD and the Viewer see the counts and levels only, never names."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from kampungkb.core.downloads import pdf_response, xlsx_response
from kampungkb.core.permissions import can_record_tpk_work, can_view_tpk_targets
from kampungkb.core.scoping import user_covers
from kampungkb.families import stats
from kampungkb.families.tpk import selectors as tpk_selectors
from kampungkb.families.tpk.scorecard import derive, reports, selectors, services
from kampungkb.families.tpk.scorecard.card import months_label
from kampungkb.families.tpk.scorecard.catalogue import BY_KEY, INDICATORS
from kampungkb.families.tpk.scorecard.quarters import Quarter


def _quarter(request) -> Quarter:
    return selectors.quarter_from(request.GET.get("kuartal") or request.POST.get("kuartal"))


def _quarter_choices() -> list[Quarter]:
    """The last eight quarters, newest first."""
    current = Quarter.of(datetime.date.today())
    return list(reversed(selectors.quarters_ending(current, 8)))


def start(request):
    area = stats.area_default(user=request.user)
    if area is None:
        raise Http404
    return redirect("families:scorecard_area", kode=area.kode)


def _levels(request, kode) -> dict:
    area = stats.area_get(user=request.user, kode=kode)
    quarter = _quarter(request)
    quarters = selectors.quarters_ending(quarter)
    rows = selectors.desa_levels(user=request.user, area=area, quarters=quarters)
    return {"area": area, "quarter": quarter, "quarters": quarters, "rows": rows}


def area_page(request, kode):
    ctx = _levels(request, kode)
    return render(
        request, "families/tpk/scorecard/area.html", {**ctx, "choices": _quarter_choices()}
    )


def area_xlsx(request, kode):
    ctx = _levels(request, kode)
    return xlsx_response(
        reports.levels_sheets(ctx["area"], ctx["quarters"], ctx["rows"]),
        filename=reports.levels_filename(ctx["area"], ctx["quarter"], "xlsx"),
    )


def _context(request, kode):
    desa = selectors.desa_get(user=request.user, kode=kode)
    quarter = _quarter(request)
    card = selectors.scorecard_for_desa(user=request.user, desa=desa, quarter=quarter)
    names = can_view_tpk_targets(request.user)
    if names:
        rows = sum(len(g.rows) for g in card.groups.values())
        services.scorecard_viewed(user=request.user, desa=desa, quarter=quarter, rows=rows)
    return {
        "desa": desa,
        "quarter": quarter,
        "card": card,
        "names": names,
        "can_enter": can_record_tpk_work(request.user) and user_covers(request.user, desa.kode),
        # A desa operator's kecamatan page answers 404: no link back to it.
        "kecamatan_in_area": user_covers(request.user, desa.parent_id),
        "months": months_label(quarter),
        "mat_counts": list(zip(months_label(quarter), card.mat_counts, strict=True)),
        "choices": _quarter_choices(),
        "indicators": INDICATORS,
        "ts_keys": derive.TS_ENTERABLE,
        "notes": reports.notes(),
    }


def desa_page(request, kode):
    return render(request, "families/tpk/scorecard/desa.html", _context(request, kode))


def cell_enter(request, kode):
    """Enter one cell (htmx: the cell comes back; a plain POST goes back to the page)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    desa = selectors.desa_get(user=request.user, kode=kode)
    if not can_record_tpk_work(request.user):
        raise PermissionDenied
    try:
        pk = int(request.POST.get("target", ""))
    except ValueError:
        raise Http404 from None
    target = tpk_selectors.target_get(user=request.user, pk=pk)
    if target.desa_id != desa.kode:
        raise Http404
    quarter = _quarter(request)
    key = request.POST.get("indikator", "")
    error = ""
    try:
        cell = services.scorecard_entry_save(
            user=request.user,
            target=target,
            quarter=quarter,
            indikator=key,
            nilai=request.POST.get("nilai", ""),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        cell = None
    if not request.htmx:
        if error:
            return render(
                request, "families/tpk/scorecard/error.html", {"error": error, "desa": desa},
                status=400,
            )  # fmt: skip
        url = reverse("families:scorecard_desa", args=[desa.kode])
        return redirect(f"{url}?kuartal={quarter.code}")
    if cell is None:
        ctx = selectors.target_cell_context(user=request.user, target=target, quarter=quarter)
        cell = derive.cell(ctx, key) if ctx is not None and key in BY_KEY else None
    return render(
        request,
        "families/tpk/scorecard/_cell.html",
        {
            "desa": desa,
            "quarter": quarter,
            "target": target,
            "ind": BY_KEY.get(key),
            "c": cell,
            "can_enter": True,
            "ts_keys": derive.TS_ENTERABLE,
            "error": error,
        },
        status=400 if error else 200,
    )


def desa_xlsx(request, kode):
    ctx = _context(request, kode)
    sheets = reports.scorecard_sheets(ctx["desa"], ctx["card"], names=ctx["names"])
    return xlsx_response(sheets, filename=reports.filename(ctx["desa"], ctx["quarter"], "xlsx"))


def desa_pdf(request, kode):
    ctx = _context(request, kode)
    return pdf_response(
        "families/tpk/scorecard/pdf.html",
        {**ctx, "print": True},
        request=request,
        filename=reports.filename(ctx["desa"], ctx["quarter"], "pdf"),
        inline=True,
    )
