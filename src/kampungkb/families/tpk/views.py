"""Pages of the TPK work (phone-first, htmx): the teams and their workload, a team's list of
whom to visit this week, the overdue lists, a target's page with its visit form, and the
registration of a target. Mitra OPD and Viewer get the counts per desa only."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import (
    can_record_tpk_work,
    can_view_full_nik,
    can_view_tpk_targets,
)
from kampungkb.core.scoping import user_covers
from kampungkb.families.tpk import selectors, services, services_visits
from kampungkb.families.tpk.forms import TargetForm, VisitForm
from kampungkb.families.tpk.presenters import target_facts


def _require_reader(user) -> None:
    if not can_view_tpk_targets(user):
        raise PermissionDenied


def _require_worker(user, desa_kode: str) -> None:
    if not can_record_tpk_work(user):
        raise PermissionDenied
    if not user_covers(user, desa_kode):
        raise Http404


def home(request):
    today = datetime.date.today()
    if not can_view_tpk_targets(request.user):
        rows = selectors.counts_per_desa(user=request.user, on=today)
        return render(request, "families/tpk/aggregates.html", {"rows": rows, "today": today})
    loads = selectors.workload(user=request.user, on=today)
    return render(
        request,
        "families/tpk/home.html",
        {"loads": loads, "today": today, "can_work": can_record_tpk_work(request.user)},
    )


def team(request, pk):
    _require_reader(request.user)
    today = datetime.date.today()
    tim = selectors.team_get(user=request.user, pk=pk)
    rows = selectors.to_visit(user=request.user, team=tim, on=today)
    services.targets_list_viewed(user=request.user, area=tim, count=len(rows))
    return render(
        request,
        "families/tpk/team.html",
        {
            "team": tim,
            "members": selectors.team_members(team=tim),
            "rows": rows,
            "today": today,
        },
    )


def overdue(request):
    _require_reader(request.user)
    today = datetime.date.today()
    area = selectors.overdue_area(user=request.user, kode=request.GET.get("wilayah", ""))
    rows = selectors.overdue(user=request.user, on=today, area=area.kode if area else "")
    if area is not None:
        services.targets_list_viewed(user=request.user, area=area, count=len(rows))
    return render(
        request,
        "families/tpk/overdue.html",
        {"rows": rows, "area": area, "today": today},
    )


def _target_page(request, target, form, *, status=200, saved=None):
    today = datetime.date.today()
    context = {
        "target": target,
        "facts": target_facts(target, today),
        "nik": target.nik if can_view_full_nik(request.user) else target.nik_masked,
        "visits": selectors.target_visits(target=target),
        "due": selectors.target_due(target=target, on=today),
        "form": form,
        "saved": saved,
        "can_work": can_record_tpk_work(request.user) and target.aktif,
    }
    template = (
        "families/tpk/partials/visit_form.html" if request.htmx else "families/tpk/target.html"
    )
    return render(request, template, context, status=status)


def target(request, pk):
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
    services.target_viewed(user=request.user, target=obj)
    form = VisitForm(initial={"tanggal": datetime.date.today(), "jenis": "kie"})
    return _target_page(request, obj, form)


def visit_create(request, pk):
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    if request.method != "POST":
        return redirect("families:tpk_target", pk=obj.pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            visit = services_visits.visit_record(user=request.user, target=obj, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("families:tpk_target", pk=obj.pk)
            fresh = VisitForm(initial={"tanggal": datetime.date.today(), "jenis": "kie"})
            return _target_page(request, obj, fresh, saved=visit)
    return _target_page(request, obj, form, status=400)


def target_create(request):
    if not can_record_tpk_work(request.user):
        raise PermissionDenied
    form = TargetForm(request.POST or None, desa_queryset=selectors.desa_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.target_register(user=request.user, **form.service_values())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("families:tpk_target", pk=obj.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "families/tpk/target_form.html", {"form": form}, status=status)
