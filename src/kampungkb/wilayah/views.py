from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.core.permissions import can_edit, can_register_kampung_kb, can_view_personal_data
from kampungkb.core.scoping import user_covers
from kampungkb.core.submissions import created_once
from kampungkb.wilayah import selectors, services
from kampungkb.wilayah.forms import (
    ActivityGroupFormSet,
    FundingFormSet,
    KampungKBForm,
    MaturityRecordForm,
    PartnerFormSet,
    PokjaFormSet,
    formset_rows,
)
from kampungkb.wilayah.maps import kampung_kb_map_spec
from kampungkb.wilayah.models import ActivityGroupType, Level


def wilayah_list(request):
    return render(
        request,
        "wilayah/wilayah_list.html",
        {
            "area": selectors.wilayah_area(user=request.user),
            "kecamatan_list": selectors.kecamatan_list(user=request.user),
        },
    )


def wilayah_detail(request, kode):
    wilayah = selectors.wilayah_get(user=request.user, kode=kode)
    context = {
        "wilayah": wilayah,
        "children": selectors.wilayah_children(user=request.user, wilayah=wilayah),
    }
    if wilayah.level == Level.DESA:
        context["kampung"] = getattr(wilayah, "kampung_kb", None)
    return render(request, "wilayah/wilayah_detail.html", context)


def map_page(request):
    return render(request, "wilayah/map.html", {"area": selectors.wilayah_area(user=request.user)})


def map_spec(request):
    return JsonResponse(kampung_kb_map_spec(user=request.user))


def kampung_kb_list(request):
    kecamatan = request.GET.get("kecamatan", "")
    search = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "wilayah/kampung_kb_list.html",
        {
            "kampung_list": selectors.kampung_kb_list(
                user=request.user, kecamatan=kecamatan, search=search
            ),
            "kecamatan_options": selectors.kecamatan_list(user=request.user),
            "kecamatan": kecamatan,
            "search": search,
            "can_create": can_register_kampung_kb(request.user),
        },
    )


def _detail_page(request, kampung, *, maturity_form=None, status=200):
    show_personal = can_view_personal_data(request.user)
    may_edit = can_edit(request.user) and user_covers(request.user, kampung.desa_id)
    if show_personal and kampung.pokja_members.all():
        services.kampung_kb_personal_data_viewed(user=request.user, kampung=kampung)
    return render(
        request,
        "wilayah/kampung_kb_detail.html",
        {
            "kampung": kampung,
            "show_personal": show_personal,
            "can_edit": may_edit,
            "maturity_form": (maturity_form or MaturityRecordForm()) if may_edit else None,
            "maturity_records": sorted(
                kampung.maturity_records.all(), key=lambda r: (r.tanggal, r.pk), reverse=True
            ),
        },
        status=status,
    )


def kampung_kb_detail(request, pk):
    return _detail_page(request, selectors.kampung_kb_get(user=request.user, pk=pk))


def _group_initial(kampung) -> list[dict]:
    existing = {g.jenis: g for g in kampung.groups.all()} if kampung else {}
    return [
        {
            "jenis": jenis,
            "aktif": existing[jenis].aktif if jenis in existing else False,
            "tanggal_mulai": existing[jenis].tanggal_mulai if jenis in existing else None,
        }
        for jenis in ActivityGroupType.values
    ]


def _kampung_kb_form_page(request, kampung):
    user = request.user
    creating = kampung is None
    allowed = (
        can_register_kampung_kb(user)
        if creating
        else (can_edit(user) and user_covers(user, kampung.desa_id))
    )
    if not allowed:
        raise PermissionDenied
    desa_qs = selectors.desa_without_kampung_kb(
        user=user, include=kampung.desa_id if kampung else ""
    )
    data = request.POST if request.method == "POST" else None
    form = KampungKBForm(data, instance=kampung, desa_queryset=desa_qs)
    pokja = PokjaFormSet(
        data,
        prefix="pokja",
        initial=[
            {"nama": m.nama, "jabatan": m.jabatan, "seksi": m.seksi, "telepon": m.telepon}
            for m in (kampung.pokja_members.all() if kampung else [])
        ],
    )
    groups = ActivityGroupFormSet(data, prefix="groups", initial=_group_initial(kampung))
    partners = PartnerFormSet(
        data,
        prefix="partners",
        initial=[
            {"jenis": p.jenis, "nama": p.nama} for p in (kampung.partners.all() if kampung else [])
        ],
    )
    funding = FundingFormSet(
        data,
        prefix="funding",
        initial=[
            {"sumber": f.sumber, "keterangan": f.keterangan}
            for f in (kampung.funding.all() if kampung else [])
        ],
    )
    formsets = {"pokja": pokja, "groups": groups, "partners": partners, "funding": funding}
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in formsets.values())
    ):
        try:
            saved = services.kampung_kb_save(
                user=user,
                kampung=kampung,
                profile=form.cleaned_data,
                **{name: formset_rows(fs) for name, fs in formsets.items()},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Kampung KB saved."))
            return redirect("wilayah:kampung_kb_detail", pk=saved.pk)
    # The form holds the Pokja's names and phone numbers, as the Kampung KB's page does.
    if kampung is not None and kampung.pokja_members.all():
        services.kampung_kb_personal_data_viewed(user=user, kampung=kampung)
    return render(
        request,
        "wilayah/kampung_kb_form.html",
        {"form": form, "kampung": kampung, **formsets},
        status=400 if request.method == "POST" else 200,
    )


def kampung_kb_create(request):
    return _kampung_kb_form_page(request, None)


def kampung_kb_edit(request, pk):
    return _kampung_kb_form_page(request, selectors.kampung_kb_get(user=request.user, pk=pk))


@require_POST
def maturity_add(request, pk):
    kampung = selectors.kampung_kb_get(user=request.user, pk=pk)
    if not (can_edit(request.user) and user_covers(request.user, kampung.desa_id)):
        raise PermissionDenied
    form = MaturityRecordForm(request.POST)
    if form.is_valid():
        try:
            created_once(
                request,
                form,
                lambda: services.maturity_record_add(
                    user=request.user, kampung=kampung, **form.cleaned_data
                ),
                saved=_("Maturity level recorded."),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("wilayah:kampung_kb_detail", pk=kampung.pk)
    return _detail_page(request, kampung, maturity_form=form, status=400)
