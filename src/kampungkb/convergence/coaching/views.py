"""Pages of the coaching work: the visits, recording a visit, a visit with its follow-ups,
and the overdue follow-ups."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.convergence.coaching import selectors, services
from kampungkb.convergence.coaching.forms import FollowUpForm, VisitForm
from kampungkb.convergence.pages import form_page, require_area
from kampungkb.convergence.selectors import desa_choices
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_record_coaching_visit, can_view_personal_data
from kampungkb.core.redirects import safe_next
from kampungkb.core.submissions import created_once


def visit_list(request):
    require_area(request.user)
    return render(
        request,
        "convergence/visit_list.html",
        {
            "visits": selectors.visit_list(user=request.user),
            "may_create": can_record_coaching_visit(request.user),
        },
    )


def visit_create(request):
    user = request.user
    if not can_record_coaching_visit(user):
        raise PermissionDenied
    initial = {"tanggal": datetime.date.today()}
    if request.GET.get("desa"):
        initial["desa"] = request.GET["desa"]
    form = VisitForm(request.POST or None, initial=initial, desa_qs=desa_choices(user=user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = created_once(
                request,
                form,
                lambda: services.visit_record(
                    user=user,
                    opd=d["opd"],
                    desa=d["desa"],
                    tanggal=d["tanggal"],
                    topik=d["topik"],
                    temuan=d["temuan"],
                    programme_area=d["programme_area"],
                    follow_ups=form.follow_ups(),
                ),
                saved=_("Coaching visit recorded."),
            ).obj
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:visit_detail", pk=visit.pk)
    return form_page(
        request,
        title=_("Record a coaching visit"),
        form=form,
        back=reverse("convergence:visit_list"),
    )


def _visit_page(request, visit, *, followup_form=None, status=200):
    may_add = services.may_add_followup(request.user, visit)
    follow_ups = list(visit.follow_ups.select_related("owner_opd"))
    for fu in follow_ups:
        fu.may_close = fu.status == "terbuka" and services.may_close_followup(request.user, fu)
    return render(
        request,
        "convergence/visit_detail.html",
        {
            "visit": visit,
            "follow_ups": follow_ups,
            "show_personal": can_view_personal_data(request.user),
            "today": datetime.date.today(),
            "followup_form": (followup_form or FollowUpForm()) if may_add else None,
        },
        status=status,
    )


def visit_detail(request, pk):
    return _visit_page(request, selectors.visit_get(user=request.user, pk=pk))


@require_POST
def followup_add(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    if not services.may_add_followup(request.user, visit):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.followup_add(user=request.user, visit=visit, **form.cleaned_data),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:visit_detail", pk=visit.pk)
    return _visit_page(request, visit, followup_form=form, status=400)


@require_POST
def followup_done(request, pk):
    fu = selectors.followup_get(user=request.user, pk=pk)
    if not services.may_close_followup(request.user, fu):
        raise PermissionDenied
    services.followup_complete(user=request.user, followup=fu)
    messages.success(request, _("Follow-up marked done."))
    return redirect(safe_next(request, reverse("convergence:visit_detail", args=[fu.visit_id])))


def followup_overdue(request):
    require_area(request.user)
    return render(
        request,
        "convergence/followup_overdue.html",
        {
            "follow_ups": selectors.followups_overdue(user=request.user),
            "show_personal": can_view_personal_data(request.user),
            "today": datetime.date.today(),
        },
    )
