"""Pages of the innovations: the list and registering one."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kampungkb.convergence.innovations import selectors, services
from kampungkb.convergence.innovations.forms import InnovationForm
from kampungkb.convergence.pages import form_page, require_area
from kampungkb.convergence.selectors import desa_choices
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_edit
from kampungkb.core.submissions import created_once


def innovation_list(request):
    require_area(request.user)
    return render(
        request,
        "convergence/innovation_list.html",
        {
            "innovations": selectors.innovation_list(user=request.user),
            "may_create": can_edit(request.user),
        },
    )


def innovation_create(request):
    if not can_edit(request.user):
        raise PermissionDenied
    form = InnovationForm(
        request.POST or None,
        desa_qs=desa_choices(user=request.user),
        replica_qs=selectors.replica_desa_choices(user=request.user),
        initial={"tahun": datetime.date.today().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.innovation_save(user=request.user, **form.cleaned_data),
                saved=_("Innovation registered."),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:innovation_list")
    return form_page(
        request,
        title=_("Register an innovation"),
        form=form,
        back=reverse("convergence:innovation_list"),
    )
