"""The maturity rule sets: the list, and one rule set with its form for whoever manages
the installation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kampungkb.convergence.review.models import RuleSet
from kampungkb.convergence.review.rule_sets import RuleSetForm, rule_set_rows, rule_set_update
from kampungkb.core.permissions import can_manage_installation


def rule_set_list(request):
    return render(
        request,
        "convergence/rule_set_list.html",
        {
            "rule_sets": RuleSet.objects.order_by("berlaku_dari"),
            "may_change": can_manage_installation(request.user),
        },
    )


def rule_set_detail(request, pk: int):
    rule_set = get_object_or_404(RuleSet, pk=pk)
    may_change = can_manage_installation(request.user)
    form = None
    if may_change:
        form = RuleSetForm(request.POST or None, rule_set=rule_set)
        if request.method == "POST" and form.is_valid():
            try:
                rule_set_update(user=request.user, rule_set=rule_set, rules=form.rules())
            except ValidationError as error:
                form.add_error(None, error)
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
