"""Pages of the TPK work (phone-first, htmx): the teams and their workload, a team's list of
whom to visit this week, the overdue lists, a target's page with its visit form, and the
registration of a target. Mitra OPD and Viewer get the counts per desa only."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import (
    can_record_tpk_work,
    can_view_full_nik,
    can_view_tpk_targets,
)
from kampungkb.core.scoping import user_covers
from kampungkb.core.submissions import ALREADY_SAVED, created_once
from kampungkb.families.tpk import selectors, services, services_visits
from kampungkb.families.tpk.forms import (
    CloseForm,
    DeliveryForm,
    MarriageForm,
    ReopenForm,
    TargetForm,
    VisitForm,
)
from kampungkb.families.tpk.models import DeliveryOutcome, TargetKind
from kampungkb.families.tpk.pregnancy.panel import panel_context as pregnancy_panel
from kampungkb.families.tpk.presenters import target_facts
from kampungkb.families.tpk.screening.panel import panel_context as screening_panel


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
            "can_work": can_record_tpk_work(request.user)
            and user_covers(request.user, tim.desa_id),
            "rows": rows,
            "today": today,
        },
    )


def overdue(request):
    _require_reader(request.user)
    today = datetime.date.today()
    area = selectors.overdue_area(user=request.user, kode=request.GET.get("wilayah", ""))
    rows = selectors.overdue(user=request.user, on=today, area=area.kode if area else "")
    services.targets_list_viewed(user=request.user, area=area, count=len(rows))
    return render(
        request,
        "families/tpk/overdue.html",
        {"rows": rows, "area": area, "today": today},
    )


def _target_page(
    request,
    target,
    form,
    *,
    status=200,
    saved=None,
    screening=None,
    already_saved=False,
    after_write=False,
):
    # Whatever brings the target's record back (her page, a form refused and shown again with
    # it) is a read of it, unless the answer follows a write of it (``after_write``): the
    # write's own entry covers what it shows.
    if not after_write:
        services.target_viewed(user=request.user, target=target)
    today = datetime.date.today()
    context = {
        "target": target,
        "facts": target_facts(target, today),
        "nik": target.nik if can_view_full_nik(request.user) else target.nik_masked,
        "visits": selectors.target_visits(target=target),
        "due": selectors.target_due(target=target, on=today),
        "form": form,
        "saved": saved,
        # A visit sent twice: ``saved`` is the one the first send saved.
        "already_saved": ALREADY_SAVED if already_saved else None,
        "can_work": can_record_tpk_work(request.user) and target.aktif,
        "can_reopen": target.closed_by_hand
        and can_record_tpk_work(request.user)
        and user_covers(request.user, target.desa_id),
        **pregnancy_panel(request, target, today),
    }
    if target.kind == TargetKind.CATIN:
        context |= screening or screening_panel(request, target)
    template = (
        "families/tpk/partials/visit_form.html" if request.htmx else "families/tpk/target.html"
    )
    return render(request, template, context, status=status)


def target(request, pk):
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
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
            visit, created = created_once(
                request,
                form,
                lambda: services_visits.visit_record(
                    user=request.user, target=obj, **form.cleaned_data
                ),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("families:tpk_target", pk=obj.pk)
            fresh = VisitForm(initial={"tanggal": datetime.date.today(), "jenis": "kie"})
            return _target_page(
                request, obj, fresh, saved=visit, already_saved=not created, after_write=created
            )
    return _target_page(request, obj, form, status=400)


def target_create(request):
    if not can_record_tpk_work(request.user):
        raise PermissionDenied
    form = TargetForm(request.POST or None, desa_queryset=selectors.desa_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            obj, _created = created_once(
                request,
                form,
                lambda: services.target_register(user=request.user, **form.service_values()),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("families:tpk_target", pk=obj.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "families/tpk/target_form.html", {"form": form}, status=status)


def done(request, url: str):
    """After a saved form: a redirect (htmx follows ``HX-Redirect`` with a full page)."""
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def form_page(request, *, title, form, action, back, button, status=200, intro="", target=None):
    """One phone form on its own page; an htmx POST refused answers 400 with the form only
    (swapped in place, each error beside its field). A form that names a ``target`` is a read
    of her record whenever it is shown: first, and again after a POST refused (one saved is
    audited as the write it makes, and answers with a redirect, not with this form)."""
    if target is not None:
        services.target_viewed(user=request.user, target=target)
    context = {
        "title": title,
        "form": form,
        "action": action,
        "back": back,
        "button": button,
        "intro": intro,
    }
    template = (
        "families/tpk/partials/record_form.html" if request.htmx else "families/tpk/record.html"
    )
    return render(request, template, context, status=status)


def delivery_create(request, pk):
    """Record the delivery of a pregnant woman: she becomes a pasca persalinan target."""
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    children = selectors.delivery_child_choices(user=request.user, target=obj)
    form = DeliveryForm(
        request.POST or None,
        child_queryset=children,
        initial={
            "tanggal_persalinan": datetime.date.today(),
            "hasil_persalinan": DeliveryOutcome.LIVE_BIRTH,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            nxt = services.delivery_record(user=request.user, target=obj, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return done(request, reverse("families:tpk_target", args=[nxt.pk]))
    return form_page(
        request,
        title=_("Record the delivery of %(name)s") % {"name": obj.nama},
        target=obj,
        form=form,
        action=reverse("families:tpk_delivery_create", args=[obj.pk]),
        back=reverse("families:tpk_target", args=[obj.pk]),
        button=_("Save delivery"),
        intro=_("She is then accompanied as a mother after delivery (42 days)."),
        status=400 if request.method == "POST" else 200,
    )


def target_form(request, obj, form, *, save, route, title, button, intro=""):
    """A form changing the target ``obj`` on its own page (``route``): on a valid POST
    ``save`` (a service, given the form's cleaned data) and back to her page; otherwise the
    form, with the service's refusals at their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, target=obj, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return done(request, reverse("families:tpk_target", args=[obj.pk]))
    return form_page(
        request,
        title=title,
        target=obj,
        form=form,
        action=reverse(route, args=[obj.pk]),
        back=reverse("families:tpk_target", args=[obj.pk]),
        button=button,
        intro=intro,
        status=400 if request.method == "POST" else 200,
    )


def marriage_create(request, pk):
    """Record the marriage of a catin couple: the catin stage ends."""
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    return target_form(
        request,
        obj,
        MarriageForm(request.POST or None, initial={"tanggal_nikah": datetime.date.today()}),
        save=services.marriage_record,
        route="families:tpk_marriage_create",
        title=_("Record the marriage of %(name)s") % {"name": obj.nama},
        button=_("Save marriage"),
    )


def target_close(request, pk):
    """Close a target by hand: she moved out, died, or was registered by mistake."""
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    if not obj.aktif and request.method != "POST":
        return redirect("families:tpk_target", pk=obj.pk)
    return target_form(
        request,
        obj,
        CloseForm(request.POST or None, initial={"tanggal": datetime.date.today()}),
        save=services.target_close,
        route="families:tpk_target_close",
        title=_("Close %(name)s as a target") % {"name": obj.nama},
        button=_("Close target"),
        intro=_(
            "From this date the target is no longer due a visit nor counted in the scorecard; "
            "the quarters before keep what was due then."
        ),
    )


def target_reopen(request, pk):
    """Reopen a target closed by hand by mistake."""
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    if not obj.closed_by_hand and request.method != "POST":
        return redirect("families:tpk_target", pk=obj.pk)
    return target_form(
        request,
        obj,
        ReopenForm(request.POST or None),
        save=services.target_reopen,
        route="families:tpk_target_reopen",
        title=_("Reopen %(name)s as a target") % {"name": obj.nama},
        button=_("Reopen target"),
    )
