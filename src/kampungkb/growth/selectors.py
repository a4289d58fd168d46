"""Reads of children, posyandu and measurements, always scoped by the acting user.

Children and measurements are personal records: roles without personal-data access (Mitra OPD,
Viewer) get empty querysets here, and aggregates come from the analytics instead.
"""

import datetime

from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404

from kampungkb.core.permissions import can_view_personal_data
from kampungkb.core.scoping import within_q
from kampungkb.growth.models import Child, Measurement, Posyandu
from kampungkb.growth.services import normalise_name


def _children(user):
    qs = Child.objects.for_user(user)
    return qs if can_view_personal_data(user) else qs.none()


def _measurements(user):
    qs = Measurement.objects.for_user(user)
    return qs if can_view_personal_data(user) else qs.none()


def posyandu_list(*, user, desa: str = ""):
    qs = Posyandu.objects.for_user(user).select_related("desa", "puskesmas")
    if desa:
        qs = qs.filter(desa_id=desa)
    return qs.order_by("desa_id", "nama")


def posyandu_get(*, user, pk: int) -> Posyandu:
    return get_object_or_404(Posyandu.objects.for_user(user).select_related("desa"), pk=pk)


def child_list(*, user, search: str = "", desa: str = "", posyandu: int | None = None):
    qs = (
        _children(user)
        .select_related("desa", "posyandu")
        .annotate(last_measured=Max("measurements__tanggal"), n_measurements=Count("measurements"))
    )
    if desa:
        qs = qs.filter(within_q("desa__kode", desa))
    if posyandu:
        qs = qs.filter(posyandu_id=posyandu)
    if search:
        qs = child_search_filter(qs, search)
    return qs.order_by("nama", "tanggal_lahir")


def child_search_filter(qs, search: str):
    """Match a NIK (whole or its start) or every word of the name, ignoring case and accents."""
    search = search.strip()
    if search.isdigit():
        return qs.filter(Q(nik__startswith=search) | Q(nik_ibu__startswith=search))
    words = normalise_name(search).split()
    for word in words:
        qs = qs.filter(match_key__contains=word)
    return qs


def child_get(*, user, pk: int) -> Child:
    return get_object_or_404(
        _children(user).select_related("desa", "desa__parent", "posyandu"), pk=pk
    )


def child_measurements(*, child: Child):
    return child.measurements.select_related("posyandu").order_by("tanggal")


def measurement_get(*, user, pk: int) -> Measurement:
    return get_object_or_404(
        _measurements(user).select_related("child", "child__desa", "posyandu"), pk=pk
    )


def measurements_needing_check(*, user):
    """The measurements of the user's area marked "needs checking", newest first."""
    return (
        _measurements(user)
        .filter(needs_check=True)
        .select_related("child", "child__desa", "posyandu")
        .order_by("-tanggal", "-pk")
    )


def measurement_list(
    *, user, date_from=None, date_to=None, desa: str = "", posyandu: int | None = None
):
    qs = _measurements(user).select_related(
        "child", "child__desa", "child__desa__parent", "posyandu", "posyandu__puskesmas"
    )
    if date_from:
        qs = qs.filter(tanggal__gte=date_from)
    if date_to:
        qs = qs.filter(tanggal__lte=date_to)
    if desa:
        qs = qs.filter(within_q("child__desa__kode", desa))
    if posyandu:
        qs = qs.filter(posyandu_id=posyandu)
    return qs.order_by("child__desa_id", "child__nama", "tanggal")


def session_measurements(*, user, posyandu, tanggal):
    """Return the measurements taken at a posyandu on a day, latest first."""
    return (
        _measurements(user)
        .filter(posyandu=posyandu, tanggal=tanggal)
        .select_related("child")
        .order_by("-updated_at")
    )


def session_candidates(*, user, posyandu, tanggal, search: str = "", limit: int = 25):
    """Children to pick at a posyandu session: with a search, any match in the user's area;
    without one, the posyandu's own children not yet measured that day."""
    born_after = tanggal - datetime.timedelta(days=1856)
    qs = _children(user).filter(tanggal_lahir__lte=tanggal, tanggal_lahir__gte=born_after)
    if search:
        qs = child_search_filter(qs, search)
    else:
        qs = qs.filter(posyandu=posyandu).exclude(measurements__tanggal=tanggal)
    qs = qs.select_related("desa", "posyandu").annotate(
        measured_today=Count("measurements", filter=Q(measurements__tanggal=tanggal))
    )
    return qs.order_by("nama")[:limit]
