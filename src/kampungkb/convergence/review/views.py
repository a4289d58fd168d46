"""Pages of the annual review: a Kampung KB's indicators and review, the year's review with
its evaluation run and report, and the district target."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.convergence import reports
from kampungkb.convergence.pages import form_page, require_area, year_asked
from kampungkb.convergence.review import selectors, services
from kampungkb.convergence.review.charts import management_outcome_spec
from kampungkb.convergence.review.forms import IndicatorForm
from kampungkb.convergence.review.rapor import kampung_kb_rapor
from kampungkb.convergence.review.scorecard import scorecard, scorecard_chart
from kampungkb.convergence.review.target import district_target
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import (
    can_edit_area,
    can_record_coaching_visit,
    is_district_admin,
)


def indicator_entry(request, pk):
    user = request.user
    kampung = selectors.kampung_kb_get(user=user, pk=pk)
    if not can_edit_area(user, kampung.desa_id):
        raise PermissionDenied
    tahun = year_asked(request)
    computed = selectors.computed_replacements(kampung=kampung, tahun=tahun)
    definitions = [
        d for d in selectors.indicator_definitions(computed=False) if d.kode not in computed
    ]
    initial = selectors.recorded_values(kampung=kampung, tahun=tahun)
    form = IndicatorForm(request.POST or None, initial=initial, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_values_save(
                user=user, kampung=kampung, tahun=tahun, values=form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Indicators saved."))
            return redirect(
                reverse("convergence:kampung_kb_review", args=[kampung.pk]) + f"?tahun={tahun}"
            )
    return form_page(
        request,
        title=_("Indicators of %(kampung)s, %(year)s") % {"kampung": kampung, "year": tahun},
        form=form,
        back=reverse("convergence:kampung_kb_review", args=[kampung.pk]),
        extra={
            "notes": list(computed.values()),
            "computed_lines": selectors.family_indicator_notes(kampung=kampung, tahun=tahun),
        },
    )


def kampung_kb_review(request, pk):
    kampung = selectors.kampung_kb_get(user=request.user, pk=pk)
    tahun = year_asked(request)
    return render(
        request,
        "convergence/kampung_kb_review.html",
        {
            "kampung": kampung,
            "tahun": tahun,
            **selectors.kampung_kb_review(user=request.user, kampung=kampung, tahun=tahun),
            "rapor": kampung_kb_rapor(user=request.user, kampung=kampung, tahun=tahun),
            "may_edit": can_edit_area(request.user, kampung.desa_id),
            "may_visit": can_record_coaching_visit(request.user),
        },
    )


def rapor_pdf(request, pk):
    kampung = selectors.kampung_kb_get(user=request.user, pk=pk)
    return reports.rapor_pdf_response(request, kampung=kampung, tahun=year_asked(request))


def scorecard_page(request):
    require_area(request.user)
    tahun = year_asked(request)
    return render(
        request,
        "convergence/scorecard.html",
        scorecard(user=request.user, tahun=tahun, sort=request.GET.get("urut", "")[:40]),
    )


def scorecard_chart_spec(request):
    require_area(request.user)
    chart = scorecard_chart(user=request.user, tahun=year_asked(request))
    return JsonResponse(management_outcome_spec(chart))


def review_year(request):
    require_area(request.user)
    tahun = year_asked(request)
    return render(
        request,
        "convergence/review_year.html",
        {
            **reports.review_context(user=request.user, tahun=tahun),
            "is_admin": is_district_admin(request.user),
        },
    )


@require_POST
def evaluate(request):
    if not is_district_admin(request.user):
        raise PermissionDenied
    tahun = year_asked(request)
    try:
        done = services.evaluation_run(user=request.user, tahun=tahun)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s Kampung KB evaluated.") % {"n": len(done)})
    return redirect(reverse("convergence:review_year") + f"?tahun={tahun}")


def review_pdf(request):
    require_area(request.user)
    return reports.review_pdf_response(request, tahun=year_asked(request))


def review_xlsx(request):
    require_area(request.user)
    return reports.review_xlsx_response(request, tahun=year_asked(request))


def target(request):
    require_area(request.user)
    return render(request, "convergence/target.html", district_target(user=request.user))
