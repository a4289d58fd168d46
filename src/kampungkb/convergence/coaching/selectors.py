"""Reads of the coaching work. A Mitra OPD reads only its own OPD's visits and follow-ups;
everyone else the visits to the desa of their area."""

import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from kampungkb.convergence.agencies import Opd
from kampungkb.convergence.coaching.models import CoachingVisit, FollowUp, FollowUpStatus
from kampungkb.core.permissions import is_district_admin, is_mitra
from kampungkb.core.scoping import scope_q


def user_opd(user):
    """Return the OPD a Mitra OPD user belongs to (by its ``organisation``), or ``None``."""
    if not is_mitra(user):
        return None
    return next((o for o in Opd.objects.all() if o.matches(user.organisation)), None)


def visits_for(*, user):
    """Return the coaching visits the user may read."""
    qs = CoachingVisit.objects.for_user(user)
    if is_mitra(user):
        opd = user_opd(user)
        return qs.filter(opd=opd) if opd else qs.none()
    return qs


def visit_list(*, user, tahun: int | None = None):
    qs = (
        visits_for(user=user)
        .select_related("opd", "desa", "kampung")
        .annotate(n_open=Count("follow_ups", filter=Q(follow_ups__status=FollowUpStatus.TERBUKA)))
        # Spelled out: a GROUP BY query (the count) leaves the model's Meta.ordering out.
        .order_by("-tanggal", "-id")
    )
    if tahun:
        qs = qs.filter(tanggal__year=tahun)
    return qs


def visit_get(*, user, pk: int) -> CoachingVisit:
    return get_object_or_404(
        visits_for(user=user).select_related("opd", "desa", "kampung", "programme_area"), pk=pk
    )


def followup_get(*, user, pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.filter(visit__in=visits_for(user=user)).select_related(
            "visit", "owner_opd"
        ),
        pk=pk,
    )


def followups_overdue(*, user, today=None):
    """Return the open follow-ups past their due date that this user must chase: all of the
    area for the district admin, their OPD's for a Mitra OPD, the desa's own for operators."""
    today = today or datetime.date.today()
    qs = FollowUp.objects.filter(
        status=FollowUpStatus.TERBUKA, batas_waktu__lt=today
    ).select_related("visit", "visit__desa", "visit__opd", "owner_opd")
    if is_district_admin(user):
        qs = qs.filter(scope_q(user, "visit__desa__kode"))
    elif is_mitra(user):
        opd = user_opd(user)
        # Their OPD's, within their area: an OPD of the same name serves other kabupaten
        # of a province installation too.
        qs = (
            qs.filter(
                Q(owner_opd=opd) | Q(owner_opd__isnull=True, visit__opd=opd),
                scope_q(user, "visit__desa__kode"),
            )
            if opd
            else qs.none()
        )
    elif user.role in ("operator_kecamatan", "operator_desa"):
        qs = qs.filter(scope_q(user, "visit__desa__kode"), owner_opd__isnull=True)
    else:
        qs = qs.none()
    return qs.order_by("batas_waktu", "id")
