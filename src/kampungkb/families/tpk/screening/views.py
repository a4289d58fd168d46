"""Pages of the catin screening: the screening panel of a catin target's page (phone-first,
htmx: errors beside their fields, unusual values confirmed, the result and its reasons shown
after saving), the catin of an area with their latest result (counts only for the Mitra OPD and
the Viewer) and the threshold versions with their edit page."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import (
    can_manage_installation,
    can_record_tpk_work,
    can_view_tpk_targets,
)
from kampungkb.core.scoping import user_covers
from kampungkb.core.submissions import ALREADY_SAVED, created_once
from kampungkb.families.tpk import selectors as tpk_selectors
from kampungkb.families.tpk import services as tpk_services
from kampungkb.families.tpk.forms import VisitForm
from kampungkb.families.tpk.models import TargetKind
from kampungkb.families.tpk.screening import rules, selectors, services
from kampungkb.families.tpk.screening.forms import ScreeningForm, ThresholdSetForm
from kampungkb.families.tpk.screening.panel import panel_context
from kampungkb.families.tpk.views import _target_page


def screening_create(request, pk):
    if not can_view_tpk_targets(request.user):
        raise PermissionDenied
    target = tpk_selectors.target_get(user=request.user, pk=pk)
    if not can_record_tpk_work(request.user):
        raise PermissionDenied
    if not user_covers(request.user, target.desa_id):
        raise Http404
    if request.method != "POST" or target.kind != TargetKind.CATIN:
        return redirect("families:tpk_target", pk=target.pk)
    form = ScreeningForm(request.POST)
    needs_check = False
    if form.is_valid():
        try:
            saved, created = created_once(
                request,
                form,
                lambda: services.screening_record(
                    user=request.user,
                    target=target,
                    confirmed=request.POST.get("confirm") == "1",
                    **form.cleaned_data,
                ),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
            needs_check = isinstance(exc, services.ScreeningNeedsCheck)
        else:
            if not request.htmx:
                return redirect("families:tpk_target", pk=target.pk)
            if not created:
                # Sent twice: nothing written now (no CREATE entry covers what is shown).
                tpk_services.target_viewed(user=request.user, target=target)
            context = panel_context(request, target, saved=saved)
            context["already_saved"] = None if created else ALREADY_SAVED
            return render(request, "families/tpk/screening/panel.html", context)
    context = panel_context(request, target, form=form, needs_check=needs_check)
    if request.htmx:
        # Her screenings shown again with the refused form: a read of her record.
        tpk_services.target_viewed(user=request.user, target=target)
        return render(request, "families/tpk/screening/panel.html", context, status=400)
    visit_form = VisitForm(initial={"tanggal": datetime.date.today(), "jenis": "kie"})
    return _target_page(request, target, visit_form, status=400, screening=context)


def _date_arg(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def catin_list(request):
    """The catin of the user's area (or of one desa) with their latest screening; the counts
    per desa for the roles that see no names."""
    start = _date_arg(request.GET.get("dari", ""))
    end = _date_arg(request.GET.get("sampai", ""))
    area = tpk_selectors.overdue_area(user=request.user, kode=request.GET.get("wilayah", ""))
    kode = area.kode if area is not None else ""
    counts = selectors.catin_counts_per_desa(user=request.user, start=start, end=end, area=kode)
    context = {
        "counts": counts,
        "total": selectors.catin_counts_total(counts),
        "area": area,
        "start": start,
        "end": end,
        "months_before": rules.MONTHS_BEFORE_MARRIAGE,
        "reason_labels": [str(rules.REASON_LABELS[c]) for c in rules.REASONS],
    }
    if can_view_tpk_targets(request.user):
        rows = selectors.catin_rows(user=request.user, area=kode, start=start, end=end)
        services.screenings_list_viewed(user=request.user, area=area, count=len(rows))
        context["rows"] = rows
    return render(request, "families/tpk/screening/list.html", context)


def thresholds(request):
    if request.method == "POST":
        if not can_manage_installation(request.user):
            raise PermissionDenied
        n = services.screenings_reevaluate(user=request.user)
        messages.success(request, _("%(n)s screening results were evaluated again.") % {"n": n})
        return redirect("families:catin_thresholds")
    versions = selectors.threshold_sets_list()
    in_force = services.threshold_set_in_force(datetime.date.today())
    return render(
        request,
        "families/tpk/screening/thresholds.html",
        {
            "versions": versions,
            "in_force": in_force,
            "lines": threshold_lines(in_force.thresholds),
            "outdated": selectors.screenings_outdated_count(),
            "can_manage": can_manage_installation(request.user),
        },
    )


def threshold_lines(t: dict) -> list[tuple[str, str]]:
    """The thresholds as label/value lines (a disabled one says so)."""
    off = _("not counted")

    def on(group: str, text: str) -> str:
        return text if t[group]["enabled"] else off

    return [
        (
            str(rules.REASON_LABELS["anemia"]),
            on(
                "anemia",
                _("Hb under %(f)s g/dL (women), %(m)s g/dL (men)")
                % {
                    "f": rules.fmt(t["anemia"]["hb_under_female"]),
                    "m": rules.fmt(t["anemia"]["hb_under_male"]),
                },
            ),
        ),
        (
            str(rules.REASON_LABELS["kek"]),
            on("kek", _("LiLA under %(v)s cm (women)") % {"v": rules.fmt(t["kek"]["lila_under"])}),
        ),
        (
            str(rules.REASON_LABELS["kurus"]),
            on("kurus", _("BMI under %(v)s") % {"v": rules.fmt(t["kurus"]["bmi_under"])}),
        ),
        (
            str(rules.REASON_LABELS["usia"]),
            on(
                "usia",
                _("legal minimum %(legal)s; recommended %(bride)s (bride), %(groom)s (groom)")
                % {
                    "legal": t["usia"]["legal_under"],
                    "bride": t["usia"]["bride_under"],
                    "groom": t["usia"]["groom_under"],
                },
            ),
        ),
        (
            str(rules.REASON_LABELS["obesitas_sentral"]),
            on(
                "obesitas_sentral",
                _("waist over %(f)s cm (women), %(m)s cm (men)")
                % {
                    "f": rules.fmt(t["obesitas_sentral"]["waist_over_female"]),
                    "m": rules.fmt(t["obesitas_sentral"]["waist_over_male"]),
                },
            ),
        ),
        (str(rules.REASON_LABELS["merokok"]), on("merokok", _("counted"))),
    ]


def threshold_edit(request, pk):
    if not can_manage_installation(request.user):
        raise PermissionDenied
    base = selectors.threshold_set_get(pk=pk)
    form = ThresholdSetForm(
        request.POST or None, threshold_set=base, berlaku_mulai=datetime.date.today()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_set_revise(
                user=request.user,
                base=base,
                thresholds=form.thresholds(),
                nama=form.cleaned_data["nama"],
                sumber=form.cleaned_data["sumber"],
                berlaku_mulai=form.cleaned_data["berlaku_mulai"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The new version of the catin thresholds is saved."))
            return redirect("families:catin_thresholds")
    return render(
        request,
        "families/tpk/screening/threshold_edit.html",
        {"base": base, "form": form},
        status=400 if request.method == "POST" else 200,
    )
