import datetime
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.convergence import reports, selectors, services
from kampungkb.convergence.forms import (
    ActionRecordForm,
    ActivityForm,
    AssignmentForm,
    CadreForm,
    EvidenceForm,
    FollowUpForm,
    IndicatorForm,
    InnovationForm,
    PlanCreateForm,
    RealisationForm,
    TrainingForm,
    VisitForm,
)
from kampungkb.convergence.models import IndicatorRecord
from kampungkb.convergence.selectors import user_may_record_visit, user_opd
from kampungkb.core.permissions import (
    can_edit,
    can_edit_area,
    can_view_personal_data,
    is_district_admin,
)
from kampungkb.core.redirects import safe_next
from kampungkb.core.scoping import covered_kode
from kampungkb.wilayah.models import KampungKB, Wilayah


def _year(request) -> int:
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        return datetime.date.today().year
    return min(max(year, 2015), 2100)


def _require_area(user):
    if covered_kode(user) is None:
        raise PermissionDenied


def _editable_desa(user):
    return Wilayah.objects.for_user(user).desa().select_related("parent").order_by("kode")


def _fail(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_page(request, *, title, form, back, status=None, extra=None):
    return render(
        request,
        "convergence/form.html",
        {"title": title, "form": form, "back": back, **(extra or {})},
        status=status or (400 if request.method == "POST" else 200),
    )


def home(request):
    _require_area(request.user)
    return render(
        request,
        "convergence/home.html",
        {
            "counts": selectors.home_counts(user=request.user),
            "year": datetime.date.today().year,
            "is_admin": is_district_admin(request.user),
        },
    )


# --- district actions -------------------------------------------------------------------------


def action_year(request):
    _require_area(request.user)
    tahun = _year(request)
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
    initial = {"opd": None}
    if record:
        initial = {
            "status": record.status,
            "tanggal_rencana": record.tanggal_rencana,
            "tanggal_selesai": record.tanggal_selesai,
            "opd": record.opd,
            "lokus_desa": list(record.lokus_desa.all()),
            "perbup_nomor": record.perbup_nomor,
            "publikasi_url": record.publikasi_url,
            "catatan_reviu": record.catatan_reviu,
            "commitments": "\n".join(
                f"{c.penandatangan}; {c.lembaga}; {c.komitmen}" for c in record.commitments.all()
            ),
            "keluaran": json.dumps(record.keluaran) if record.keluaran else "",
        }
    form = ActionRecordForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.action_record_save(
                    user=user,
                    kabupaten=Wilayah.objects.get(kode=selectors.district_kode(user=user)),
                    tahun=tahun,
                    action=action,
                    lokus_desa=data.pop("lokus_desa"),
                    commitments=data.pop("commitments"),
                    values=data,
                )
            except ValidationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("Action saved."))
                return redirect("convergence:action_edit", tahun=tahun, pk=action.pk)
    return render(
        request,
        "convergence/action_edit.html",
        {
            "tahun": tahun,
            "action": action,
            "record": record,
            "form": form if may_edit else None,
            "evidence_form": EvidenceForm() if may_edit and record else None,
            "kpm": selectors.kpm_per_desa(user=user) if action.nomor == 5 else None,
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
            services.evidence_add(
                user=request.user,
                record=record,
                upload=form.cleaned_data["berkas"],
                judul=form.cleaned_data["judul"],
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Evidence file stored."))
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
    return FileResponse(
        evidence.berkas.open("rb"),
        content_type=evidence.content_type,
        filename=evidence.berkas.name.rsplit("/", 1)[-1],
    )


# --- plans ------------------------------------------------------------------------------------


def plan_list(request):
    _require_area(request.user)
    tahun = _year(request)
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
    tahun = _year(request)
    form = PlanCreateForm(
        request.POST or None,
        kampung_qs=KampungKB.objects.for_user(user).order_by("desa_id"),
        allow_opd=is_district_admin(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(user=user, tahun=tahun, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            return redirect("convergence:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        title=_("New activity plan %(year)s") % {"year": tahun},
        form=form,
        back=reverse("convergence:plan_list"),
    )


def _may_edit_plan(user, plan):
    return can_edit_area(user, plan.desa_id) if plan.desa_id else is_district_admin(user)


def _plan_page(request, plan, *, activity_form=None, status=200):
    may_edit = _may_edit_plan(request.user, plan)
    return render(
        request,
        "convergence/plan_detail.html",
        {
            "plan": plan,
            "activities": selectors.plan_activities(plan=plan),
            "may_edit": may_edit,
            "activity_form": (activity_form or ActivityForm()) if may_edit else None,
            "realisation_form": RealisationForm() if may_edit else None,
        },
        status=status,
    )


def plan_detail(request, pk):
    return _plan_page(request, selectors.plan_get(user=request.user, pk=pk))


@require_POST
def activity_add(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not _may_edit_plan(request.user, plan):
        raise PermissionDenied
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.activity_add(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Activity added."))
            return redirect("convergence:plan_detail", pk=plan.pk)
    return _plan_page(request, plan, activity_form=form, status=400)


@require_POST
def realisation_add(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    if not _may_edit_plan(request.user, activity.plan):
        raise PermissionDenied
    form = RealisationForm(request.POST)
    if form.is_valid():
        try:
            services.realisation_add(user=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Realisation recorded."))
            return redirect("convergence:plan_detail", pk=activity.plan_id)
    return _form_page(
        request,
        title=_("Realisation of %(activity)s") % {"activity": activity},
        form=form,
        back=reverse("convergence:plan_detail", args=[activity.plan_id]),
    )


def plan_summary(request):
    _require_area(request.user)
    tahun = _year(request)
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


# --- people -----------------------------------------------------------------------------------


def cadre_list(request):
    _require_area(request.user)
    return render(
        request,
        "convergence/cadre_list.html",
        {
            "cadres": selectors.cadre_list(user=request.user),
            "gaps": selectors.desa_gaps(user=request.user),
            "show_personal": can_view_personal_data(request.user),
            "may_create": can_edit(request.user),
        },
    )


def cadre_create(request):
    if not can_edit(request.user):
        raise PermissionDenied
    form = CadreForm(request.POST or None, desa_qs=_editable_desa(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            cadre = services.cadre_save(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            return redirect("convergence:cadre_detail", pk=cadre.pk)
    return _form_page(
        request, title=_("New cadre"), form=form, back=reverse("convergence:cadre_list")
    )


def _cadre_page(request, cadre, *, training_form=None, assignment_form=None, status=200):
    may_edit = can_edit_area(request.user, cadre.desa_id)
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
            services.training_add(user=request.user, cadre=cadre, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
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
            services.assignment_add(user=request.user, cadre=cadre, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            return redirect("convergence:cadre_detail", pk=cadre.pk)
    return _cadre_page(request, cadre, assignment_form=form, status=400)


# --- coaching ---------------------------------------------------------------------------------


def visit_list(request):
    _require_area(request.user)
    return render(
        request,
        "convergence/visit_list.html",
        {
            "visits": selectors.visit_list(user=request.user),
            "may_create": user_may_record_visit(request.user),
        },
    )


def visit_create(request):
    user = request.user
    if not user_may_record_visit(user):
        raise PermissionDenied
    fixed = None if is_district_admin(user) else user_opd(user)
    initial = {"tanggal": datetime.date.today()}
    if request.GET.get("desa"):
        initial["desa"] = request.GET["desa"]
    form = VisitForm(
        request.POST or None, initial=initial, desa_qs=_editable_desa(user), fixed_opd=fixed
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.visit_record(
                user=user,
                opd=d["opd"],
                desa=d["desa"],
                tanggal=d["tanggal"],
                topik=d["topik"],
                temuan=d["temuan"],
                programme_area=d["programme_area"],
                follow_ups=form.follow_ups(),
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Coaching visit recorded."))
            return redirect("convergence:visit_detail", pk=visit.pk)
    return _form_page(
        request,
        title=_("Record a coaching visit"),
        form=form,
        back=reverse("convergence:visit_list"),
    )


def _visit_page(request, visit, *, followup_form=None, status=200):
    may_add = is_district_admin(request.user) or (
        user_opd(request.user) is not None and user_opd(request.user).pk == visit.opd_id
    )
    follow_ups = list(visit.follow_ups.select_related("owner_opd"))
    for fu in follow_ups:
        fu.may_close = fu.status == "terbuka" and services.may_close_followup(request.user, fu)
    return render(
        request,
        "convergence/visit_detail.html",
        {
            "visit": visit,
            "follow_ups": follow_ups,
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
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.followup_add(user=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            return redirect("convergence:visit_detail", pk=visit.pk)
    return _visit_page(request, visit, followup_form=form, status=400)


@require_POST
def followup_done(request, pk):
    fu = selectors.followup_get(user=request.user, pk=pk)
    services.followup_complete(user=request.user, followup=fu)
    messages.success(request, _("Follow-up marked done."))
    return redirect(safe_next(request, reverse("convergence:visit_detail", args=[fu.visit_id])))


def followup_overdue(request):
    _require_area(request.user)
    return render(
        request,
        "convergence/followup_overdue.html",
        {
            "follow_ups": selectors.followups_overdue(user=request.user),
            "today": datetime.date.today(),
        },
    )


# --- indicators, review -----------------------------------------------------------------------


def indicator_entry(request, pk):
    user = request.user
    kampung = selectors.kampung_get(user=user, pk=pk)
    if not can_edit_area(user, kampung.desa_id):
        raise PermissionDenied
    tahun = _year(request)
    definitions = list(selectors.indicator_definitions(computed=False))
    initial = dict(
        IndicatorRecord.objects.filter(kampung=kampung, tahun=tahun).values_list(
            "indicator__kode", "nilai"
        )
    )
    form = IndicatorForm(request.POST or None, initial=initial, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_values_save(
                user=user, kampung=kampung, tahun=tahun, values=form.cleaned_data
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Indicators saved."))
            return redirect(
                reverse("convergence:kampung_review", args=[kampung.pk]) + f"?tahun={tahun}"
            )
    return _form_page(
        request,
        title=_("Indicators of %(kampung)s, %(year)s") % {"kampung": kampung, "year": tahun},
        form=form,
        back=reverse("convergence:kampung_review", args=[kampung.pk]),
    )


def kampung_review(request, pk):
    kampung = selectors.kampung_get(user=request.user, pk=pk)
    tahun = _year(request)
    return render(
        request,
        "convergence/kampung_review.html",
        {
            "kampung": kampung,
            "tahun": tahun,
            **selectors.kampung_review(user=request.user, kampung=kampung, tahun=tahun),
            "may_edit": can_edit_area(request.user, kampung.desa_id),
            "may_visit": user_may_record_visit(request.user),
        },
    )


def review_year(request):
    _require_area(request.user)
    tahun = _year(request)
    rows = selectors.review_rows(user=request.user, tahun=tahun)
    return render(
        request,
        "convergence/review_year.html",
        {
            "tahun": tahun,
            "rows": rows,
            "kecamatan": selectors.review_kecamatan(rows),
            **selectors.village_lists(user=request.user, tahun=tahun, rows=rows),
            "is_admin": is_district_admin(request.user),
        },
    )


@require_POST
def evaluate(request):
    if not is_district_admin(request.user):
        raise PermissionDenied
    tahun = _year(request)
    try:
        done = services.evaluation_run(user=request.user, tahun=tahun)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s Kampung KB evaluated.") % {"n": len(done)})
    return redirect(reverse("convergence:review_year") + f"?tahun={tahun}")


def review_pdf(request):
    _require_area(request.user)
    return reports.review_pdf_response(request, tahun=_year(request))


def review_xlsx(request):
    _require_area(request.user)
    return reports.review_xlsx_response(request, tahun=_year(request))


def innovation_list(request):
    _require_area(request.user)
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
        desa_qs=_editable_desa(request.user),
        initial={"tahun": datetime.date.today().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.innovation_save(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Innovation registered."))
            return redirect("convergence:innovation_list")
    return _form_page(
        request,
        title=_("Register an innovation"),
        form=form,
        back=reverse("convergence:innovation_list"),
    )


def target(request):
    _require_area(request.user)
    return render(request, "convergence/target.html", selectors.district_target(user=request.user))
