"""Pages of pregnancy monitoring (phone-first, htmx): the panel on a pregnant woman's or a
new mother's page (summary, risk flags with reasons, the ANC / KB / nifas forms) and the list
of pregnant women of an area with their flags; the page correcting (or deleting) an ANC contact,
a KB decision or a nifas visit entered wrongly. Mitra OPD and Viewer get counts per desa only."""

import datetime

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_view_tpk_targets
from kampungkb.families.tpk import selectors as tpk_selectors
from kampungkb.families.tpk import services as tpk_services
from kampungkb.families.tpk.models import TargetKind
from kampungkb.families.tpk.pregnancy import selectors, services
from kampungkb.families.tpk.pregnancy.forms import AncForm, KbPascaForm, NifasForm
from kampungkb.families.tpk.pregnancy.panel import PANEL, panel_context
from kampungkb.families.tpk.views import _require_reader, _require_worker


def _panel(request, target, *, status=200, after_write=False, **forms):
    # The panel shows her pregnancy's record (contacts, measurements, risks): a read of it,
    # unless it answers a write of it (``after_write``), whose own entry covers it.
    if not after_write:
        tpk_services.target_viewed(user=request.user, target=target)
    context = panel_context(request, target, datetime.date.today(), **forms)["pregnancy_panel"]
    return render(request, PANEL, {"p": context}, status=status)


def _worker_target(request, pk, kind):
    _require_reader(request.user)
    obj = tpk_selectors.target_get(user=request.user, pk=pk)
    _require_worker(request.user, obj.desa_id)
    if obj.kind != kind:
        raise Http404
    return obj


def _record(request, pk, *, kind, form_class, form_key, service, saved_key):
    obj = _worker_target(request, pk, kind)
    if request.method != "POST":
        return redirect("families:tpk_target", pk=obj.pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            saved = service(user=request.user, target=obj, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("families:tpk_target", pk=obj.pk)
            obj.refresh_from_db()
            return _panel(request, obj, after_write=True, **{saved_key: saved})
    return _panel(request, obj, status=400, **{form_key: form})


def anc_create(request, pk):
    """Record an ANC contact of a pregnant woman (from her page)."""
    return _record(
        request,
        pk,
        kind=TargetKind.IBU_HAMIL,
        form_class=AncForm,
        form_key="anc_form",
        service=services.anc_contact_record,
        saved_key="anc_saved",
    )


def kb_create(request, pk):
    """Record the KB pasca persalinan decision of a mother after delivery."""
    return _record(
        request,
        pk,
        kind=TargetKind.PASCA_PERSALINAN,
        form_class=KbPascaForm,
        form_key="kb_form",
        service=services.kb_pasca_record,
        saved_key="kb_saved",
    )


def nifas_create(request, pk):
    """Record a nifas visit of a mother after delivery."""
    return _record(
        request,
        pk,
        kind=TargetKind.PASCA_PERSALINAN,
        form_class=NifasForm,
        form_key="nifas_form",
        service=services.nifas_visit_record,
        saved_key="nifas_saved",
    )


def pregnant_list(request):
    """The pregnant women of an area with their flags (KEK, anaemia, missing ANC contacts,
    TTD under 90); counts per desa for the roles without personal data."""
    today = datetime.date.today()
    if not can_view_tpk_targets(request.user):
        rows = selectors.pregnancy_counts_per_desa(user=request.user, on=today)
        return render(request, "families/tpk/pregnancy/counts.html", {"rows": rows, "today": today})
    team = None
    tim = request.GET.get("tim", "")
    if tim:
        if not (tim.isascii() and tim.isdigit()):
            raise Http404
        team = tpk_selectors.team_get(user=request.user, pk=int(tim))
        area = team.desa
    else:
        area = tpk_selectors.overdue_area(user=request.user, kode=request.GET.get("wilayah", ""))
    rows = selectors.pregnancy_list(
        user=request.user, on=today, area=area.kode if area else "", team=team
    )
    tpk_services.targets_list_viewed(user=request.user, area=area, count=len(rows))
    return render(
        request,
        "families/tpk/pregnancy/list.html",
        {"rows": rows, "area": area, "team": team, "today": today},
    )


# --- corrections ----------------------------------------------------------------------------
# Who may correct or delete a record is who may record it: a TPK worker of the record's desa.
# Another area's record is not found (404), as its target is. From the panel (htmx) the
# correction form takes the place of the panel's forms and the answer is the panel again, as
# after a new record; without JavaScript it is a page of its own, back to the target's page.

EDIT = "families/tpk/pregnancy/edit.html"


def _worker_record(request, get, pk):
    _require_reader(request.user)
    record = get(user=request.user, pk=pk)
    _require_worker(request.user, record.target.desa_id)
    return record


def _back(record):
    return redirect(reverse("families:tpk_target", args=[record.target_id]) + "#pregnancy")


def _target_panel(request, record, *, status=200, after_write=False, **forms):
    target = tpk_selectors.target_get(user=request.user, pk=record.target_id)
    return _panel(request, target, status=status, after_write=after_write, **forms)


def _edit(request, record, *, form_class, service, arg, texts):
    initial = {name: getattr(record, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = service(user=request.user, **{arg: record}, **form.cleaned_data)
        except ObjectDoesNotExist:  # deleted since the page was read
            raise Http404 from None
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if request.htmx:
                return _target_panel(
                    request, record, after_write=True, **{texts["saved_key"]: saved}
                )
            messages.success(request, texts["saved"])
            return _back(record)
    status = 400 if request.method == "POST" else 200
    editing = {"form": form, "record": record, **texts}
    if request.htmx:
        return _target_panel(request, record, status=status, editing=editing)
    tpk_services.target_viewed(user=request.user, target=record.target)
    return render(request, EDIT, {"target": record.target, **editing}, status=status)


def _deleted(request, record, message):
    if request.htmx:
        return _target_panel(request, record, after_write=True, deleted=message)
    messages.success(request, message)
    return _back(record)


def _texts(kind: str, record, **texts) -> dict:
    return {
        "kind": kind,
        "url": reverse(f"families:tpk_{kind}_edit", args=[record.pk]),
        "delete_url": reverse(f"families:tpk_{kind}_delete", args=[record.pk]),
        "saved_key": f"{kind}_saved",
        "testid": f"{kind}-edit-form",
        **texts,
    }


def _day(record) -> str:
    return date_format(record.tanggal, "j M Y")


def anc_edit(request, pk):
    """Correct an ANC contact (a mistyped Hb, date or blood pressure)."""
    contact = _worker_record(request, selectors.anc_contact_get, pk)
    day = {"day": _day(contact)}
    texts = _texts(
        "anc",
        contact,
        title=_("Correct the ANC contact of %(day)s") % day,
        saved=_("ANC contact of %(day)s saved.") % day,
        delete_label=_("Delete this ANC contact"),
        delete_question=_("Delete the ANC contact of %(day)s? It cannot be undone.") % day,
    )
    return _edit(
        request,
        contact,
        form_class=AncForm,
        service=services.anc_contact_update,
        arg="contact",
        texts=texts,
    )


@require_POST
def anc_delete(request, pk):
    """Delete an ANC contact entered wrongly (the later contacts are numbered again)."""
    contact = _worker_record(request, selectors.anc_contact_get, pk)
    message = _("ANC contact of %(day)s deleted.") % {"day": _day(contact)}
    services.anc_contact_delete(user=request.user, contact=contact)
    return _deleted(request, contact, message)


def kb_edit(request, pk):
    """Correct the KB pasca persalinan decision of a mother."""
    record = _worker_record(request, selectors.kb_pasca_get, pk)
    texts = _texts(
        "kb",
        record,
        title=_("Correct the KB decision after delivery"),
        saved=_("KB decision saved."),
        delete_label=_("Delete this KB decision"),
        delete_question=_("Delete this KB decision? It cannot be undone."),
    )
    return _edit(
        request,
        record,
        form_class=KbPascaForm,
        service=services.kb_pasca_update,
        arg="record",
        texts=texts,
    )


@require_POST
def kb_delete(request, pk):
    """Delete a KB decision recorded on the wrong mother."""
    record = _worker_record(request, selectors.kb_pasca_get, pk)
    services.kb_pasca_delete(user=request.user, record=record)
    return _deleted(request, record, _("KB decision deleted."))


def nifas_edit(request, pk):
    """Correct a nifas visit."""
    visit = _worker_record(request, selectors.nifas_visit_get, pk)
    day = {"day": _day(visit)}
    texts = _texts(
        "nifas",
        visit,
        title=_("Correct the nifas visit of %(day)s") % day,
        saved=_("Nifas visit of %(day)s saved.") % day,
        delete_label=_("Delete this nifas visit"),
        delete_question=_("Delete the nifas visit of %(day)s? It cannot be undone.") % day,
    )
    return _edit(
        request,
        visit,
        form_class=NifasForm,
        service=services.nifas_visit_update,
        arg="visit",
        texts=texts,
    )


@require_POST
def nifas_delete(request, pk):
    """Delete a nifas visit entered wrongly (the other visits keep their KF number: it follows
    the days since the delivery)."""
    visit = _worker_record(request, selectors.nifas_visit_get, pk)
    message = _("Nifas visit of %(day)s deleted.") % {"day": _day(visit)}
    services.nifas_visit_delete(user=request.user, visit=visit)
    return _deleted(request, visit, message)
