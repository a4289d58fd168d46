"""Pages of pregnancy monitoring (phone-first, htmx): the panel on a pregnant woman's or a
new mother's page (summary, risk flags with reasons, the ANC / KB / nifas forms) and the list
of pregnant women of an area with their flags. Mitra OPD and Viewer get counts per desa only."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_view_tpk_targets
from kampungkb.families.tpk import selectors as tpk_selectors
from kampungkb.families.tpk import services as tpk_services
from kampungkb.families.tpk.models import TargetKind
from kampungkb.families.tpk.pregnancy import selectors, services
from kampungkb.families.tpk.pregnancy.forms import AncForm, KbPascaForm, NifasForm
from kampungkb.families.tpk.pregnancy.panel import PANEL, panel_context
from kampungkb.families.tpk.views import _require_reader, _require_worker


def _panel(request, target, *, status=200, **forms):
    context = panel_context(request, target, datetime.date.today(), **forms)["pregnancy_panel"]
    return render(request, PANEL, {"p": context}, status=status)


def _worker_target(request, pk, kind):
    _require_reader(request.user)
    obj = tpk_selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    if obj.kind != kind:
        raise Http404
    return obj


def _record(request, pk, *, kind, form_class, form_key, service, saved_key):
    obj = _worker_target(request, pk, kind)
    if request.method != "POST":
        return redirect("families:tpk_target", pk=obj.pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            saved = service(user=request.user, target=obj, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("families:tpk_target", pk=obj.pk)
            obj.refresh_from_db()
            return _panel(request, obj, **{saved_key: saved})
    return _panel(request, obj, status=400, **{form_key: form})


def anc_create(request, pk):
    """Record an ANC contact of a pregnant woman (from her page)."""
    return _record(
        request,
        pk,
        kind=TargetKind.IBU_HAMIL,
        form_class=AncForm,
        form_key="anc_form",
        service=services.anc_contact_record,
        saved_key="anc_saved",
    )


def kb_create(request, pk):
    """Record the KB pasca persalinan decision of a mother after delivery."""
    return _record(
        request,
        pk,
        kind=TargetKind.PASCA_PERSALINAN,
        form_class=KbPascaForm,
        form_key="kb_form",
        service=services.kb_pasca_record,
        saved_key="kb_saved",
    )


def nifas_create(request, pk):
    """Record a nifas visit of a mother after delivery."""
    return _record(
        request,
        pk,
        kind=TargetKind.PASCA_PERSALINAN,
        form_class=NifasForm,
        form_key="nifas_form",
        service=services.nifas_visit_record,
        saved_key="nifas_saved",
    )


def pregnant_list(request):
    """The pregnant women of an area with their flags (KEK, anaemia, missing ANC contacts,
    TTD under 90); counts per desa for the roles without personal data."""
    today = datetime.date.today()
    if not can_view_tpk_targets(request.user):
        rows = selectors.pregnancy_counts_per_desa(user=request.user, on=today)
        return render(request, "families/tpk/pregnancy/counts.html", {"rows": rows, "today": today})
    team = None
    tim = request.GET.get("tim", "")
    if tim:
        if not tim.isdigit():
            raise Http404
        team = tpk_selectors.team_get(user=request.user, pk=int(tim))
        area = team.desa
    else:
        area = tpk_selectors.overdue_area(user=request.user, kode=request.GET.get("wilayah", ""))
    rows = selectors.pregnancy_list(
        user=request.user, on=today, area=area.kode if area else "", team=team
    )
    if area is not None:
        tpk_services.targets_list_viewed(user=request.user, area=area, count=len(rows))
    return render(
        request,
        "families/tpk/pregnancy/list.html",
        {"rows": rows, "area": area, "team": team, "today": today},
    )
