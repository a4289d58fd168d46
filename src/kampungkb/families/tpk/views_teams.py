"""Pages that run the TPK teams: create and rename a desa's team, give a target to another
team, a team's overdue list. The members are assigned on a convergence page (the cadres live
there), linked from the team page by its URL name."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_record_tpk_work
from kampungkb.families.tpk import selectors, services
from kampungkb.families.tpk.forms import TargetTeamForm, TeamForm
from kampungkb.families.tpk.views import (
    _require_reader,
    _require_worker,
    done,
    form_page,
    target_form,
)


def team_create(request):
    if not can_record_tpk_work(request.user):
        raise PermissionDenied
    form = TeamForm(request.POST or None, desa_queryset=selectors.desa_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            tim = services.team_save(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return done(request, reverse("families:tpk_team", args=[tim.pk]))
    return form_page(
        request,
        title=_("New TPK team"),
        form=form,
        action=reverse("families:tpk_team_create"),
        back=reverse("families:tpk_home"),
        button=_("Save team"),
        status=400 if request.method == "POST" else 200,
    )


def team_edit(request, pk):
    _require_reader(request.user)
    tim = selectors.team_get(user=request.user, pk=pk)
    _require_worker(request.user, tim.desa_id)
    others = selectors.team_choices(user=request.user, desa_kode=tim.desa_id).exclude(pk=tim.pk)
    form = TeamForm(
        request.POST or None,
        desa_queryset=selectors.desa_choices(user=request.user).filter(kode=tim.desa_id),
        successor_queryset=others,
        initial={"desa": tim.desa_id, "nama": tim.nama, "aktif": tim.aktif},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(user=request.user, team=tim, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return done(request, reverse("families:tpk_team", args=[tim.pk]))
    return form_page(
        request,
        title=_("Change the team %(name)s") % {"name": tim.nama},
        form=form,
        action=reverse("families:tpk_team_edit", args=[tim.pk]),
        back=reverse("families:tpk_team", args=[tim.pk]),
        button=_("Save team"),
        status=400 if request.method == "POST" else 200,
    )


def target_team(request, pk):
    """Give a target to another team of its desa (one team at a time)."""
    _require_reader(request.user)
    obj = selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    return target_form(
        request,
        obj,
        TargetTeamForm(
            request.POST or None,
            team_queryset=selectors.team_choices(user=request.user, desa_kode=obj.desa_id),
            initial={"team": obj.team_id},
        ),
        save=services.target_team_assign,
        route="families:tpk_target_team",
        title=_("Team of %(name)s") % {"name": obj.nama},
        button=_("Save team"),
    )


def team_overdue(request, pk):
    """The team's targets whose visit is overdue, the longest overdue first."""
    _require_reader(request.user)
    today = datetime.date.today()
    tim = selectors.team_get(user=request.user, pk=pk)
    rows = selectors.overdue(user=request.user, on=today, team=tim)
    services.targets_list_viewed(user=request.user, area=tim, count=len(rows))
    return render(
        request,
        "families/tpk/overdue.html",
        {"rows": rows, "area": None, "team": tim, "today": today},
    )
