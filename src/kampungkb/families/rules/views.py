"""The KRS rule sets: the list with the recent recomputes (polled by htmx while one runs),
one rule set read out in sentences, and its edit page, which saves a new version."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_manage_installation, can_view_personal_data
from kampungkb.families.models import Latrine, WaterSource
from kampungkb.families.reasons import rule_lines
from kampungkb.families.rules.forms import KrsRuleSetForm
from kampungkb.families.rules.selectors import (
    krs_recompute_in_progress,
    krs_recompute_runs_recent,
    rule_set_get,
    rule_sets_list,
)
from kampungkb.families.rules.services import krs_rule_set_revise
from kampungkb.families.tasks import krs_recompute_enqueue


def rule_set_list(request):
    context = {
        "rule_sets": rule_sets_list(),
        "runs": krs_recompute_runs_recent(),
        "busy": krs_recompute_in_progress() is not None,
        "can_manage": can_manage_installation(request.user),
        "show_personal": can_view_personal_data(request.user),
    }
    template = (
        "families/partials/recompute_runs.html" if request.htmx else "families/rules_list.html"
    )
    return render(request, template, context)


def rule_set_detail(request, pk: int):
    rule_set = rule_set_get(pk=pk)
    return render(
        request,
        "families/rules_detail.html",
        {
            "rule_set": rule_set,
            "lines": rule_lines(
                rule_set.rules,
                water=dict(WaterSource.choices),
                latrine=dict(Latrine.choices),
            ),
            "can_manage": can_manage_installation(request.user),
        },
    )


def rule_set_edit(request, pk: int):
    if not can_manage_installation(request.user):
        raise PermissionDenied
    rule_set = rule_set_get(pk=pk)
    form = KrsRuleSetForm(request.POST or None, rule_set=rule_set)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                run = krs_rule_set_revise(
                    user=request.user,
                    base=rule_set,
                    rules=form.rules(),
                    nama=form.cleaned_data["nama"],
                    sumber=form.cleaned_data["sumber"],
                )
                krs_recompute_enqueue(run)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The new KRS rule set is saved and is now the default. Every survey "
                    "round's labels are being recomputed in the background; the list below "
                    "shows when it is done."
                ),
            )
            return redirect("families:rules")
    return render(
        request,
        "families/rules_edit.html",
        {"rule_set": rule_set, "form": form, "busy": krs_recompute_in_progress() is not None},
        status=400 if request.method == "POST" else 200,
    )
