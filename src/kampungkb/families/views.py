"""The family list (one row per family: its latest round, or its round of a chosen year) and
the family page (members, labels per round with their reasons, each child's growth status)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_edit_area, can_view_full_nik, can_view_personal_data
from kampungkb.core.privacy import mask_nik
from kampungkb.families import selectors
from kampungkb.families.forms import FamilyAddressForm
from kampungkb.families.models import FamilySurvey
from kampungkb.families.reasons import factor_reason, sasaran_labels
from kampungkb.families.services import (
    families_listed,
    family_address_correct,
    family_viewed,
)
from kampungkb.wilayah.models import Wilayah


def _text(request, name: str, size: int) -> str:
    return request.GET.get(name, "").strip()[:size]


def _filters(request) -> selectors.FamilyFilters:
    tahun = _text(request, "tahun", 4)
    return selectors.FamilyFilters(
        desa=_text(request, "desa", 13),
        rt=_text(request, "rt", 10),
        rw=_text(request, "rw", 10),
        krs=_text(request, "krs", 5),
        factor=_text(request, "faktor", 20),
        sasaran=_text(request, "sasaran", 20),
        stunted=request.GET.get("stunting") == "1",
        tahun=int(tahun) if tahun.isascii() and tahun.isdigit() else None,
        sort=_text(request, "urut", 10) or "desa",
    )


def family_list(request):
    if not can_view_personal_data(request.user):
        raise PermissionDenied
    filters = _filters(request)
    rounds = selectors.family_rounds(user=request.user, filters=filters)
    page = Paginator(selectors.with_heads(rounds), selectors.PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    families_listed(user=request.user, filters=filters, count=page.paginator.count)
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "families/list.html",
        {
            "page": page,
            "counts": selectors.family_rounds_counts(rounds),
            "filters": filters,
            "query": query.urlencode(),
            "years": selectors.survey_years(user=request.user),
            "desa_options": Wilayah.objects.for_user(request.user).desa().order_by("nama"),
            "factors": [
                (field, factor_reason(name, None))
                for name, field in FamilySurvey.FACTOR_FIELDS.items()
            ],
            "sasaran": list(sasaran_labels().items()),
            "sorts": selectors.SORTS,
        },
    )


def _members(
    survey: FamilySurvey, full_nik: bool, latest: dict, stunted: dict, visible: set[int]
) -> list[dict]:
    rows = []
    for m in survey.members.all():
        rows.append(
            {
                "m": m,
                "nik": (m.nik if full_nik else mask_nik(m.nik)) or "–",
                "child_visible": m.child_id in visible,
                "measurement": latest.get(m.child_id),
                "stunted": stunted.get(m.child_id),
            }
        )
    return rows


def family_detail(request, pk: int):
    keluarga = selectors.family_get(user=request.user, pk=pk)
    family_viewed(user=request.user, keluarga=keluarga)
    history = selectors.family_history(keluarga=keluarga)
    child_ids = [m.child_id for s in history for m in s.members.all() if m.child_id]
    # Only the growth records the user may open: a member may be linked to a child of a
    # desa outside their area (matched by NIK when an official of a wider area imported).
    visible = selectors.children_visible(user=request.user, child_ids=child_ids)
    latest = selectors.children_latest_measurements(user=request.user, child_ids=child_ids)
    stunted = selectors.children_latest_stunted(user=request.user, child_ids=child_ids)
    current = history[0] if history else None
    full_nik = can_view_full_nik(request.user)
    labels = sasaran_labels()
    return render(
        request,
        "families/detail.html",
        {
            "keluarga": keluarga,
            "can_edit_address": can_edit_area(request.user, keluarga.desa_id),
            "no_kk": keluarga.no_kk if full_nik else mask_nik(keluarga.no_kk),
            "current": current,
            "members": _members(current, full_nik, latest, stunted, visible) if current else [],
            "history": [
                {
                    "survey": s,
                    "sasaran": [label for f, label in labels.items() if getattr(s, f)],
                    "reasons": s.reasons,
                }
                for s in history
            ],
            "priority": any(
                stunted.get(m.child_id) for m in (current.members.all() if current else [])
            ),
        },
    )


def family_address(request, pk: int):
    """Correct where a family lives (its desa, RW, RT, address): for the editors of its desa;
    another desa only among those the user may edit."""
    keluarga = selectors.family_get(user=request.user, pk=pk)
    if not can_edit_area(request.user, keluarga.desa_id):
        raise PermissionDenied
    family_viewed(user=request.user, keluarga=keluarga)
    initial = {"desa": keluarga.desa_id, "rt": keluarga.rt, "rw": keluarga.rw}
    form = FamilyAddressForm(
        request.POST or None, user=request.user, initial={**initial, "alamat": keluarga.alamat}
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = family_address_correct(
                user=request.user, keluarga=keluarga, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if changes:
                messages.success(request, _("The family's address was corrected."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("families:detail", pk=keluarga.pk)
    return render(
        request,
        "families/address_form.html",
        {
            "keluarga": keluarga,
            "no_kk": mask_nik(keluarga.no_kk),
            "form": form,
            "tpk_targets": keluarga.tpk_targets.filter(aktif=True).count(),
        },
        status=400 if request.method == "POST" else 200,
    )
