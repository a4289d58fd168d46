"""Survey figures, targets, priority weights and publishing: read by all, changed by the
Admin Kabupaten only."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kampungkb.analytics import course, publishing, selectors, services
from kampungkb.analytics.cube import period_end
from kampungkb.analytics.forms import (
    DistrictTargetForm,
    PriorityWeightsForm,
    PublishConfirmForm,
    PublishForm,
    SurveyFigureForm,
)
from kampungkb.analytics.models import PeriodType, SurveyFigure, Target, TargetScope
from kampungkb.analytics.priority import weights_for
from kampungkb.analytics.publication import MIN_CASES, MIN_N, publication_history
from kampungkb.analytics.views import period_label
from kampungkb.analytics.views_public import page_context
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_view_personal_data, is_district_admin
from kampungkb.core.scoping import within_q
from kampungkb.wilayah.models import Level
from kampungkb.wilayah.selectors import managed_kabupaten


def _kabupaten_of(user):
    area = selectors.area_default(user=user)
    return area.kode[:5] if area else ""


def _publications_of(user):
    """The publications a user's pages list: those of their kabupaten (a kecamatan or desa
    user: the kabupaten theirs lies in), or of every kabupaten of their provinsi (the Admin
    Provinsi, a superuser of a province installation); none without an area."""
    area = selectors.area_default(user=user)
    if area is None:
        return publication_history().none()
    kode = area.kode if area.level == Level.PROVINSI else area.kode[:5]
    return publication_history().filter(within_q("kabupaten__kode", kode))


def _require_manager(request):
    kabupaten = managed_kabupaten(request.user)
    if kabupaten is None:
        raise PermissionDenied
    return kabupaten


def references(request):
    """Survey figures and targets of the user's district, with the 'on course' rule."""
    area = selectors.area_default(user=request.user)
    kab = _kabupaten_of(request.user)
    surveys = SurveyFigure.objects.select_related("wilayah").filter(
        Q(wilayah_id=kab[:2]) | within_q("wilayah__kode", kab)
    )
    targets = Target.objects.filter(scope=TargetScope.NATIONAL) | Target.objects.filter(
        scope=TargetScope.DISTRICT, wilayah_id=kab
    )
    return render(
        request,
        "analytics/references.html",
        {
            "area": area,
            "surveys": surveys.order_by("-tahun", "wilayah_id", "survey") if kab else [],
            "targets": targets.order_by("scope", "tahun"),
            "can_manage": is_district_admin(request.user),
            "on_course_rule": str(course.ON_COURSE_RULE),
        },
    )


def survey_add(request):
    kabupaten = _require_manager(request)
    form = SurveyFigureForm(request.POST or None, kabupaten=kabupaten)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_figure_save(user=request.user, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Survey figure saved."))
            return redirect("analytics:references")
    return render(
        request,
        "analytics/form.html",
        {"form": form, "title": _("Add a survey figure")},
        status=400 if form.errors else 200,
    )


@require_POST
def survey_delete(request, pk):
    _require_manager(request)
    figure = get_object_or_404(SurveyFigure, pk=pk)
    services.survey_figure_delete(user=request.user, figure=figure)
    messages.success(request, _("Survey figure deleted."))
    return redirect("analytics:references")


def target_edit(request):
    _require_manager(request)
    form = DistrictTargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.district_target_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("District target saved."))
        return redirect("analytics:references")
    return render(
        request,
        "analytics/form.html",
        {
            "form": form,
            "title": _("Set the district's own target for a year"),
            "help": _("Saving a year that already has a target replaces it."),
        },
        status=400 if form.errors else 200,
    )


def weights_edit(request):
    kabupaten = _require_manager(request)
    weights = weights_for(kabupaten.kode)
    form = PriorityWeightsForm(request.POST or None, instance=weights)
    if request.method == "POST" and form.is_valid():
        services.priority_weights_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Priority weights saved."))
        return redirect("analytics:priority", kode=kabupaten.kode)
    return render(
        request,
        "analytics/form.html",
        {
            "form": form,
            "title": _("Weights of the priority desa ranking"),
            "help": _(
                "Each criterion is scaled from 0 (most favourable desa) to 1 (least favourable) "
                "and multiplied by its weight; the score is the weighted mean × 100."
            ),
        },
        status=400 if form.errors else 200,
    )


def _publications_context(request, form=None) -> dict:
    history = list(_publications_of(request.user))
    for p in history:
        p.label = period_label(p.period_type, p.period_start)
    if form is None and is_district_admin(request.user):
        latest = selectors.period_options(period_type=PeriodType.PENIMBANGAN)
        start = latest[0] if latest else None
        form = PublishForm(
            initial={
                "period_type": PeriodType.PENIMBANGAN,
                "period_start": start,
                "period_end": min(period_end(PeriodType.PENIMBANGAN, start), timezone.localdate())
                if start
                else None,
            }
        )
    return {
        "history": history,
        "several_kabupaten": len({p.kabupaten_id for p in history}) > 1,
        "form": form,
        "show_personal": can_view_personal_data(request.user),
        "freshness": selectors.summaries_freshness(),
    }


def publications(request):
    """Every version published in the user's district: the public ones and the archive."""
    return render(request, "analytics/publications.html", _publications_context(request))


@require_GET
def publication_preview(request):
    """What publishing the chosen period would make public, hide and change; nothing is
    published until the admin confirms (``publish``)."""
    _require_manager(request)
    form = PublishForm(request.GET)
    if form.is_valid():
        try:
            preview = publishing.publication_preview(
                user=request.user,
                period_type=form.cleaned_data["period_type"],
                start=form.cleaned_data["period_start"],
                end=form.cleaned_data["period_end"],
                catatan=form.cleaned_data["catatan"],
            )
        except ValidationError as e:
            add_validation_errors(form, e)
        else:
            confirm = PublishConfirmForm(
                initial={
                    "period_type": preview.period_type,
                    "period_start": preview.period_start.isoformat(),
                    "catatan": preview.catatan,
                    "konfirmasi": preview.fingerprint,
                }
            )
            return render(
                request,
                "analytics/publication_preview.html",
                {
                    "preview": preview,
                    "confirm": confirm,
                    "label": period_label(preview.period_type, preview.period_start),
                    "edit_query": request.GET.urlencode(),
                    "min_n": MIN_N,
                    "min_cases": MIN_CASES,
                },
            )
    return render(
        request, "analytics/publications.html", _publications_context(request, form), status=400
    )


def publication_archive(request, pk):
    """One version as it was published, for the district's officials: a superseded version
    has left the public site but stays readable here, with a note saying so."""
    publication = get_object_or_404(_publications_of(request.user), pk=pk)
    ctx = page_context(publication)
    return render(request, "analytics/publication_archive.html", ctx)


@require_POST
def publish(request):
    """Publish a previewed period. Without the preview's confirmation nothing is published:
    the admin is sent to the preview."""
    _require_manager(request)
    form = PublishConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the preview, then confirm to publish."))
        return redirect(_preview_url(request.POST))
    try:
        publication = services.publication_publish(
            user=request.user,
            period_type=form.cleaned_data["period_type"],
            period_start=form.cleaned_data["period_start"],
            catatan=form.cleaned_data["catatan"],
            fingerprint=form.cleaned_data["konfirmasi"],
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect(_preview_url(request.POST))
    messages.success(
        request,
        _("Published %(period)s as version %(version)s.")
        % {
            "period": period_label(publication.period_type, publication.period_start),
            "version": publication.version,
        },
    )
    return redirect("analytics:publications")


def _preview_url(data) -> str:
    """The preview of the period a confirmation named (the whole period), else the form."""
    params = {k: data.get(k, "") for k in ("period_type", "period_start", "catatan")}
    try:
        start = datetime.date.fromisoformat(params["period_start"])
        end = period_end(PeriodType(params["period_type"]), start)  # ValueError after 9999
    except ValueError:
        return reverse("analytics:publications")
    params["period_end"] = min(end, timezone.localdate()).isoformat()
    return reverse("analytics:publication_preview") + "?" + urlencode(params)
