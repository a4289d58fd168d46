"""Pages of the cadres: the list with each desa's gaps, a cadre with trainings and
assignments. Cadres' names and phone numbers are shown only where personal data may be seen:
the Mitra OPD reads counts per desa instead of the list, the Viewer (aggregates only) not even
that (403); a cadre's own page names the role and desa instead of the person."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.convergence.cadres import selectors, services
from kampungkb.convergence.cadres.forms import AssignmentForm, CadreForm, TrainingForm
from kampungkb.convergence.pages import form_page, require_area
from kampungkb.convergence.selectors import desa_choices
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import (
    can_edit,
    can_edit_area,
    can_view_personal_data,
    sees_aggregates_only,
)
from kampungkb.core.submissions import created_once


def cadre_list(request):
    user = request.user
    require_area(user)
    if sees_aggregates_only(user):
        raise PermissionDenied
    show_personal = can_view_personal_data(user)
    cadres = list(selectors.cadre_list(user=user)) if show_personal else None
    if show_personal:
        services.cadres_personal_data_viewed(user=user, cadres=cadres)
    return render(
        request,
        "convergence/cadre_list.html",
        {
            "cadres": cadres,
            "counts": None if show_personal else selectors.cadre_counts(user=user),
            "gaps": selectors.desa_gaps(user=user),
            "show_personal": show_personal,
            "may_create": can_edit(user),
        },
    )


def cadre_create(request):
    if not can_edit(request.user):
        raise PermissionDenied
    form = CadreForm(request.POST or None, desa_qs=desa_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            cadre, _created = created_once(
                request, form, lambda: services.cadre_save(user=request.user, **form.cleaned_data)
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:cadre_detail", pk=cadre.pk)
    return form_page(
        request, title=_("New cadre"), form=form, back=reverse("convergence:cadre_list")
    )


def _cadre_page(request, cadre, *, training_form=None, assignment_form=None, status=200):
    may_edit = can_edit_area(request.user, cadre.desa_id)
    if can_view_personal_data(request.user):
        services.cadre_personal_data_viewed(user=request.user, cadre=cadre)
    return render(
        request,
        "convergence/cadre_detail.html",
        {
            "cadre": cadre,
            "show_personal": can_view_personal_data(request.user),
            "may_edit": may_edit,
            "training_form": (training_form or TrainingForm()) if may_edit else None,
            "assignment_form": (assignment_form or AssignmentForm()) if may_edit else None,
        },
        status=status,
    )


def cadre_detail(request, pk):
    return _cadre_page(request, selectors.cadre_get(user=request.user, pk=pk))


@require_POST
def training_add(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    if not can_edit_area(request.user, cadre.desa_id):
        raise PermissionDenied
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.training_add(user=request.user, cadre=cadre, **form.cleaned_data),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:cadre_detail", pk=cadre.pk)
    return _cadre_page(request, cadre, training_form=form, status=400)


@require_POST
def assignment_add(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    if not can_edit_area(request.user, cadre.desa_id):
        raise PermissionDenied
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.assignment_add(
                    user=request.user, cadre=cadre, **form.cleaned_data
                ),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:cadre_detail", pk=cadre.pk)
    return _cadre_page(request, cadre, assignment_form=form, status=400)
