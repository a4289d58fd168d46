"""Pages of the activity plans: the year's plans, a plan with its activities and realisation,
and the planned-vs-realised summary."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.convergence.pages import form_page, require_area, year_asked
from kampungkb.convergence.plans import selectors, services
from kampungkb.convergence.plans.forms import (
    ActivityForm,
    PlanCreateForm,
    RealisationCorrectForm,
    RealisationForm,
    RealisationRemoveForm,
    realisation_forms,
)
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_edit, can_view_personal_data, is_district_admin
from kampungkb.core.submissions import created_once


def plan_list(request):
    require_area(request.user)
    tahun = year_asked(request)
    return render(
        request,
        "convergence/plan_list.html",
        {
            "tahun": tahun,
            "plans": selectors.plan_list(user=request.user, tahun=tahun),
            "may_create": can_edit(request.user),
        },
    )


def plan_create(request):
    user = request.user
    if not can_edit(user):
        raise PermissionDenied
    tahun = year_asked(request)
    form = PlanCreateForm(
        request.POST or None,
        kampung_kb_qs=selectors.kampung_kb_choices(user=user),
        allow_opd=is_district_admin(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(user=user, tahun=tahun, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:plan_detail", pk=plan.pk)
    return form_page(
        request,
        title=_("New activity plan %(year)s") % {"year": tahun},
        form=form,
        back=reverse("convergence:plan_list"),
    )


def _plan_page(request, plan, *, activity_form=None, status=200):
    may_edit = services.may_edit_plan(request.user, plan)
    activities = selectors.plan_activities(plan=plan)
    return render(
        request,
        "convergence/plan_detail.html",
        {
            "plan": plan,
            "activities": realisation_forms(activities) if may_edit else activities,
            "show_personal": can_view_personal_data(request.user),
            "may_edit": may_edit,
            "activity_form": (activity_form or ActivityForm()) if may_edit else None,
        },
        status=status,
    )


def plan_detail(request, pk):
    return _plan_page(request, selectors.plan_get(user=request.user, pk=pk))


@require_POST
def activity_add(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not services.may_edit_plan(request.user, plan):
        raise PermissionDenied
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.activity_add(user=request.user, plan=plan, **form.cleaned_data),
                saved=_("Activity added."),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:plan_detail", pk=plan.pk)
    return _plan_page(request, plan, activity_form=form, status=400)


@require_POST
def realisation_add(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    if not services.may_edit_plan(request.user, activity.plan):
        raise PermissionDenied
    form = RealisationForm(request.POST)
    if form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.realisation_add(
                    user=request.user, activity=activity, **form.cleaned_data
                ),
                saved=_("Realisation recorded."),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:plan_detail", pk=activity.plan_id)
    return form_page(
        request,
        title=_("Realisation of %(activity)s") % {"activity": activity},
        form=form,
        back=reverse("convergence:plan_detail", args=[activity.plan_id]),
    )


def _editable_realisation(request, pk):
    """The realisation ``pk`` of the user's area (else 404), if the user may record
    realisation of its activity (else 403)."""
    real = selectors.realisation_get(user=request.user, pk=pk)
    if not services.may_edit_plan(request.user, real.activity.plan):
        raise PermissionDenied
    return real


def _realisation_change(request, real, form, *, save, done: str, title: str, extra=None):
    """The page correcting or removing ``real``: ``save`` is the service, given the form's
    cleaned data; back to the plan with ``done`` once saved."""
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, realisation=real, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("convergence:plan_detail", pk=real.activity.plan_id)
    return form_page(
        request,
        title=title % {"activity": real.activity, "date": real.tanggal.isoformat()},
        form=form,
        back=reverse("convergence:plan_detail", args=[real.activity.plan_id]),
        extra=extra,
    )


def realisation_edit(request, pk):
    real = _editable_realisation(request, pk)
    return _realisation_change(
        request,
        real,
        RealisationCorrectForm(request.POST or None, realisation=real),
        save=services.realisation_update,
        done=_("Realisation corrected."),
        title=_("Correct the realisation of %(activity)s on %(date)s"),
    )


def realisation_delete(request, pk):
    real = _editable_realisation(request, pk)
    return _realisation_change(
        request,
        real,
        RealisationRemoveForm(request.POST or None),
        save=services.realisation_delete,
        done=_("Realisation removed."),
        title=_("Remove the realisation of %(activity)s on %(date)s"),
        extra={
            "notes": [
                _("Progress %(p)s%%, output %(o)s, budget spent Rp %(b)s.")
                % {
                    "p": real.progres,
                    "o": real.output_tercapai,
                    "b": real.anggaran_realisasi,
                },
                _("The activity will show its latest remaining realisation."),
            ],
            "submit_label": _("Remove"),
            "submit_class": "btn-danger",
        },
    )


def plan_summary(request):
    require_area(request.user)
    tahun = year_asked(request)
    by = request.GET.get("by", "desa")
    by = by if by in selectors.SUMMARY_KEYS else "desa"
    return render(
        request,
        "convergence/plan_summary.html",
        {
            "tahun": tahun,
            "by": by,
            "rows": selectors.plan_summary(user=request.user, tahun=tahun, by=by),
            "groupings": [
                ("desa", _("Desa")),
                ("kecamatan", _("Kecamatan")),
                ("opd", _("OPD")),
                ("bidang", _("Programme area")),
            ],
        },
    )
