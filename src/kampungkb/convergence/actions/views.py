"""Pages of the district's convergence actions: the year's list, one action's record with
its evidence, and the evidence files."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.convergence.actions import selectors, services
from kampungkb.convergence.actions.forms import ActionRecordForm, EvidenceForm, initial_from_record
from kampungkb.convergence.cadres import services as cadre_services
from kampungkb.convergence.cadres.selectors import kpm_per_desa
from kampungkb.convergence.pages import require_area, year_asked
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_view_personal_data, is_district_admin
from kampungkb.core.submissions import created_once


def action_year(request):
    require_area(request.user)
    tahun = year_asked(request)
    return render(
        request,
        "convergence/action_year.html",
        {
            "tahun": tahun,
            **selectors.action_year(user=request.user, tahun=tahun),
            "may_edit": is_district_admin(request.user),
            "years": range(datetime.date.today().year - 3, datetime.date.today().year + 2),
        },
    )


def action_edit(request, tahun, pk):
    user = request.user
    action = selectors.action_definition_get(user=user, tahun=tahun, pk=pk)
    record = selectors.action_record_find(user=user, tahun=tahun, action=action)
    may_edit = is_district_admin(user)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    kabupaten = selectors.district_get(user=user) if may_edit else None
    form = ActionRecordForm(
        request.POST or None, initial=initial_from_record(record), kabupaten=kabupaten
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.action_record_save(
                    user=user,
                    kabupaten=kabupaten,
                    tahun=tahun,
                    action=action,
                    lokus_desa=data.pop("lokus_desa"),
                    commitments=data.pop("commitments"),
                    values=data,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Action saved."))
                return redirect("convergence:action_edit", tahun=tahun, pk=action.pk)
    kpm = kpm_per_desa(user=user) if action.nomor == 5 else None
    if kpm is not None:
        cadre_services.kpm_names_viewed(user=user, rows=kpm)
    return render(
        request,
        "convergence/action_edit.html",
        {
            "tahun": tahun,
            "action": action,
            "record": record,
            "form": form if may_edit else None,
            "evidence_form": EvidenceForm() if may_edit and record else None,
            "kpm": kpm,
            "show_personal": can_view_personal_data(user),
        },
        status=status,
    )


@require_POST
def evidence_upload(request, pk):
    record = selectors.action_record_get(user=request.user, pk=pk)
    if not is_district_admin(request.user):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.evidence_add(
                    user=request.user,
                    record=record,
                    upload=form.cleaned_data["berkas"],
                    judul=form.cleaned_data["judul"],
                ),
                saved=_("Evidence file stored."),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("convergence:action_edit", tahun=record.tahun, pk=record.action_id)
    return render(
        request,
        "convergence/form.html",
        {
            "title": _("Upload evidence"),
            "form": form,
            "multipart": True,
            "back": reverse("convergence:action_edit", args=[record.tahun, record.action_id]),
        },
        status=400,
    )


def evidence_download(request, pk):
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    try:
        stored = evidence.berkas.open("rb")
    except FileNotFoundError:  # media/ not restored with the database, or removed by hand
        raise Http404 from None
    return FileResponse(
        stored,
        content_type=evidence.content_type,
        filename=evidence.berkas.name.rsplit("/", 1)[-1],
    )
