"""Pages of growth monitoring: the posyandu session (phone-first, htmx), children, edits."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_edit, can_view_full_nik, can_view_personal_data
from kampungkb.core.privacy import mask_nik
from kampungkb.core.scoping import user_covers
from kampungkb.core.submissions import ALREADY_SAVED, created_before, created_once
from kampungkb.core.validators import is_in_future
from kampungkb.growth import personal_data, selectors, services
from kampungkb.growth.forms import (
    ChildEditForm,
    ChildRegisterForm,
    MeasurementEditForm,
    MeasurementForm,
    SessionStartForm,
)
from kampungkb.growth.list_forms import ChildListForm
from kampungkb.growth.models import MeasurementSource
from kampungkb.growth.presenters import age_text, measurement_advice, measurement_indices


def _require_editor(user, desa_kode: str) -> None:
    if not can_edit(user):
        raise PermissionDenied
    if not user_covers(user, desa_kode):
        raise Http404


def _confirmed(request) -> bool:
    """Whether the kader pressed "I have checked, save" for values the rules questioned."""
    return request.POST.get("confirm") == "1"


def _parse_day(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise Http404 from exc
    if is_in_future(day):
        raise Http404
    return day


# --- posyandu session ---------------------------------------------------------------------


def session_start(request):
    if not can_edit(request.user):
        raise PermissionDenied
    posyandu_qs = selectors.posyandu_list(user=request.user)
    form = SessionStartForm(
        request.GET or None,
        posyandu_queryset=posyandu_qs,
        initial={"tanggal": datetime.date.today()},
    )
    if request.GET and form.is_valid():
        return redirect(
            "growth:session",
            posyandu=form.cleaned_data["posyandu"].pk,
            tanggal=form.cleaned_data["tanggal"].isoformat(),
        )
    return render(
        request, "growth/session_start.html", {"form": form, "has_posyandu": posyandu_qs.exists()}
    )


def _whole_page(request, page: bool | None) -> bool:
    """Is the session's whole page rendered (``page``), or one of its htmx parts (a form, a
    result: a kader's every step)? By default, as the request asks."""
    return not request.htmx if page is None else page


def _session(request, posyandu: int, tanggal: str, *, page: bool | None = None):
    # The page names the posyandu's desa; its htmx parts do not.
    pos = selectors.posyandu_get(
        user=request.user, pk=posyandu, with_desa=_whole_page(request, page)
    )
    _require_editor(request.user, pos.desa_id)
    return pos, _parse_day(tanggal)


def _session_context(request, pos, day, *, page: bool | None = None, **extra):
    # The children weighed that day: the page lists them (and their showing is audited, on
    # every page that draws the list, the forms without JavaScript too); its htmx parts do
    # not, and building the query cost a form a tenth of its time.
    done = None
    if _whole_page(request, page):
        done = list(selectors.session_measurements(user=request.user, posyandu=pos, tanggal=day))
        personal_data.session_shown(user=request.user, posyandu=pos, tanggal=day, measurements=done)
    return {"posyandu": pos, "tanggal": day, "done": done, "search_children": None, **extra}


def _session_after_save(request, pos, day, *, m, replaced: bool, **extra):
    """What a saved weighing's answer (htmx) brings the session page besides the result: the
    children still to weigh (read and their showing audited, as the list's own request does)
    and the count of those weighed; the weighed list gets the one row that changed."""
    children = list(selectors.session_candidates(user=request.user, posyandu=pos, tanggal=day))
    personal_data.session_children_shown(
        user=request.user, posyandu=pos, tanggal=day, search="", children=children
    )
    done = selectors.session_measurements(user=request.user, posyandu=pos, tanggal=day)
    return {
        "posyandu": pos,
        "tanggal": day,
        "m": m,
        "next_children": children,
        "done_count": done.count(),
        "replaced": replaced,
        **extra,
    }


def session(request, posyandu, tanggal):
    pos, day = _session(request, posyandu, tanggal, page=True)
    # Without JavaScript the search box submits here: the page shows what it found.
    query = request.GET.get("q", "").strip()[:100]
    found = (
        selectors.session_candidates(user=request.user, posyandu=pos, tanggal=day, search=query)
        if "q" in request.GET
        else None
    )
    context = _session_context(request, pos, day, page=True, search_children=found, q=query)
    if found is not None:
        found = list(found)
        context["search_children"] = found
        personal_data.session_children_shown(
            user=request.user, posyandu=pos, tanggal=day, search=query, children=found
        )
    return render(request, "growth/session.html", context)


def session_search(request, posyandu, tanggal):
    pos, day = _session(request, posyandu, tanggal)
    query = request.GET.get("q", "").strip()[:100]
    children = list(
        selectors.session_candidates(user=request.user, posyandu=pos, tanggal=day, search=query)
    )
    personal_data.session_children_shown(
        user=request.user, posyandu=pos, tanggal=day, search=query, children=children
    )
    return render(
        request,
        "growth/partials/search_results.html",
        {"posyandu": pos, "tanggal": day, "children": children, "q": query},
    )


def _measure_context(pos, day, child, form):
    return {
        "posyandu": pos,
        "tanggal": day,
        "child": child,
        "form": form,
        "age": age_text((day - child.tanggal_lahir).days),
    }


def _new_measurement_form(day, kid) -> MeasurementForm:
    """An empty weighing of ``kid`` on ``day``: lying length under two years, standing
    height from two; vitamin A ticked in its months (February, August)."""
    age_days = (day - kid.tanggal_lahir).days
    return MeasurementForm(
        initial={"cara_ukur": "PB" if age_days < 731 else "TB", "vitamin_a": day.month in (2, 8)}
    )


def session_measure(request, posyandu, tanggal, child):
    pos, day = _session(request, posyandu, tanggal)
    kid = selectors.session_child_get(user=request.user, pk=child)
    template = "growth/partials/measure_form.html" if request.htmx else "growth/session.html"
    if request.method != "POST":
        form = _new_measurement_form(day, kid)
        ctx = _measure_context(pos, day, kid, form)
        personal_data.child_shown(user=request.user, child=kid, page="session_measure")
        return render(request, template, _session_context(request, pos, day, **ctx))
    form = MeasurementForm(request.POST)
    needs_check = False
    if form.is_valid():
        values = dict(form.cleaned_data.items())
        values["sumber"] = (
            MeasurementSource.BULAN_PENIMBANGAN
            if day.month in (2, 8)
            else MeasurementSource.POSYANDU
        )
        try:
            m = services.measurement_record(
                user=request.user,
                child=kid,
                tanggal=day,
                posyandu=pos,
                confirmed=_confirmed(request),
                **values,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
            needs_check = isinstance(exc, services.MeasurementNeedsCheck)
        else:
            ctx = {
                "m": m,
                "child": kid,
                "indices": measurement_indices(m),
                "advice": measurement_advice(m),
                "age": age_text(m.umur_hari),
            }
            if not request.htmx:
                return render(
                    request, "growth/session.html", _session_context(request, pos, day, **ctx)
                )
            m.child = kid  # the row of the weighed list names the child: no query for it
            # A correction of a weighing at this session replaces its row of the weighed list
            # (the service says what it replaced); a new weighing, or one moved here from
            # another posyandu that day, adds one.
            before = m.before_correction
            replaced = before is not None and before.posyandu_id == pos.pk
            return render(
                request,
                "growth/partials/result_with_lists.html",
                _session_after_save(request, pos, day, replaced=replaced, **ctx),
            )
    # The child's form shown again (refused, or asking to confirm unusual values): a read of
    # the child, as the form's first showing is; nothing was written.
    personal_data.child_shown(user=request.user, child=kid, page="session_measure")
    ctx = _measure_context(pos, day, kid, form) | {"needs_check": needs_check}
    return render(request, template, _session_context(request, pos, day, **ctx), status=400)


def session_register(request, posyandu, tanggal):
    pos, day = _session(request, posyandu, tanggal)
    template = "growth/partials/register_form.html" if request.htmx else "growth/session.html"
    form = ChildRegisterForm(request.POST or None, initial={"dusun": pos.dusun})
    # Sent again: the form's NIK check would refuse it, the NIK being the child's it registered.
    earlier = created_before(request, form) if request.method == "POST" else None
    if earlier is not None or (request.method == "POST" and form.is_valid()):
        try:
            kid, created = earlier or created_once(
                request,
                form,
                lambda: services.child_register(
                    user=request.user, desa=pos.desa, posyandu=pos, **form.cleaned_data
                ),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            url = reverse("growth:session_measure", args=[pos.pk, day.isoformat(), kid.pk])
            if request.htmx:
                return session_measure_after_register(request, pos, day, kid, created=created)
            return redirect(url)
    status = 400 if request.method == "POST" else 200
    return render(
        request, template, _session_context(request, pos, day, register_form=form), status=status
    )


def session_measure_after_register(request, pos, day, kid, *, created: bool = True):
    """The measurement form of the child just registered (or, for a registration sent twice,
    of the child the first send registered: ``created`` false)."""
    form = _new_measurement_form(day, kid)
    if not created:
        # Nothing created now (no CREATE entry): a read of the child, as session_measure's.
        personal_data.child_shown(user=request.user, child=kid, page="session_measure")
    return render(
        request,
        "growth/partials/measure_form.html",
        _session_context(
            request,
            pos,
            day,
            **_measure_context(pos, day, kid, form),
            just_registered=created,
            already_saved=None if created else ALREADY_SAVED,
        ),
    )


# --- children -------------------------------------------------------------------------------


def child_list(request):
    if not can_view_personal_data(request.user):
        raise PermissionDenied
    form = ChildListForm(request.GET, user=request.user)
    filters = form.filters()
    page = selectors.child_list_page(
        user=request.user, filters=filters, page=request.GET.get("page")
    )
    # What was asked (a bad filter included, which the list ignored) and how many were shown.
    personal_data.children_listed(
        user=request.user,
        search=request.GET.get("q", "")[:100].strip(),
        desa=request.GET.get("desa", "")[:13].strip(),
        count=page.paginator.count,
    )
    return render(request, "growth/child_list.html", {"form": form, "page": page})


def child_detail(request, pk):
    kid = selectors.child_get(user=request.user, pk=pk)
    full_nik = can_view_full_nik(request.user)
    personal_data.child_shown(user=request.user, child=kid, page="detail", full_nik=full_nik)
    rows = [
        {"m": m, "age": age_text(m.umur_hari), "indices": measurement_indices(m)}
        for m in selectors.child_measurements(child=kid)
    ]
    latest = rows[-1]["m"] if rows else None
    return render(
        request,
        "growth/child_detail.html",
        {
            "child": kid,
            "family_members": selectors.child_family_members(user=request.user, child=kid),
            "nik": kid.nik if full_nik else mask_nik(kid.nik),
            "nik_ibu": kid.nik_ibu if full_nik else mask_nik(kid.nik_ibu),
            "rows": rows,
            "latest_advice": measurement_advice(latest) if latest else [],
            "can_edit": can_edit(request.user),
            "chart_kinds": [
                ("wfa", _("Weight-for-age (BB/U)")),
                ("lhfa", _("Length/height-for-age (PB/U, TB/U)")),
                ("wflh", _("Weight-for-length/height (BB/PB, BB/TB)")),
            ],
        },
    )


def child_edit(request, pk):
    kid = selectors.child_get(user=request.user, pk=pk)
    _require_editor(request.user, kid.desa_id)
    form = ChildEditForm(request.POST or None, instance=kid)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(user=request.user, child=kid, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Child's data saved."))
            return redirect("growth:child_detail", pk=kid.pk)
    # The form holds the whole NIKs of the child and the mother.
    personal_data.child_shown(user=request.user, child=kid, page="edit", full_nik=True)
    return render(
        request,
        "growth/child_form.html",
        {"form": form, "child": kid},
        status=400 if request.method == "POST" else 200,
    )


def measurement_edit(request, pk):
    m = selectors.measurement_get(user=request.user, pk=pk)
    _require_editor(request.user, m.child.desa_id)
    form = MeasurementEditForm(request.POST or None, instance=m)
    needs_check = False
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_update(
                user=request.user,
                measurement=m,
                confirmed=_confirmed(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
            needs_check = isinstance(exc, services.MeasurementNeedsCheck)
        else:
            messages.success(request, _("Measurement saved."))
            return redirect("growth:child_detail", pk=m.child_id)
    personal_data.measurement_shown(user=request.user, measurement=m, page="edit")
    return render(
        request,
        "growth/measurement_form.html",
        {"form": form, "m": m, "needs_check": needs_check},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def measurement_delete(request, pk):
    m = selectors.measurement_get(user=request.user, pk=pk)
    _require_editor(request.user, m.child.desa_id)
    child_id = m.child_id
    services.measurement_delete(user=request.user, measurement=m)
    messages.success(request, _("Measurement deleted."))
    return redirect("growth:child_detail", pk=child_id)


# --- measurements that need checking ------------------------------------------------------


def check_list(request):
    """The measurements of the user's area marked "needs checking", to confirm or correct."""
    if not can_view_personal_data(request.user):
        raise PermissionDenied
    rows = selectors.measurements_needing_check(user=request.user)
    n_rows = rows.count()
    personal_data.children_listed(
        user=request.user, search="", desa="", count=n_rows, page="check_list"
    )
    return render(
        request,
        "growth/check_list.html",
        {"rows": rows[:200], "n_rows": n_rows, "can_edit": can_edit(request.user)},
    )


@require_POST
def measurement_confirm(request, pk):
    m = selectors.measurement_get(user=request.user, pk=pk)
    _require_editor(request.user, m.child.desa_id)
    services.measurement_check_confirm(user=request.user, measurement=m)
    messages.success(
        request,
        _("The measurement of %(name)s on %(date)s is confirmed: it counts again.")
        % {"name": m.child.nama, "date": date_format(m.tanggal, "j M Y")},
    )
    return redirect("growth:check_list")
