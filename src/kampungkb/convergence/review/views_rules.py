"""The maturity rule sets: the list, and one rule set with its form for whoever manages
the installation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kampungkb.convergence.review import selectors
from kampungkb.convergence.review.rule_sets import RuleSetForm, rule_set_rows, rule_set_update
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_manage_installation


def rule_set_list(request):
    return render(
        request,
        "convergence/rule_set_list.html",
        {
            "rule_sets": selectors.rule_set_list(),
            "may_change": can_manage_installation(request.user),
        },
    )


def rule_set_detail(request, pk: int):
    rule_set = selectors.rule_set_get(pk=pk)
    may_change = can_manage_installation(request.user)
    form = None
    if may_change:
        form = RuleSetForm(request.POST or None, rule_set=rule_set)
        if request.method == "POST" and form.is_valid():
            try:
                rule_set_update(user=request.user, rule_set=rule_set, rules=form.rules())
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The rule set is saved. Evaluations run from now on use it; run the "
                        "evaluation of the year again on the review page to apply it."
                    ),
                )
                return redirect("convergence:rule_set_detail", pk=rule_set.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "convergence/rule_set_detail.html",
        {
            "rule_set": rule_set,
            "rows": form.field_rows() if form is not None else rule_set_rows(rule_set),
            "form": form,
            "may_change": may_change,
        },
    )
