"""Writes of the coaching work: an OPD's visit to a desa and the follow-ups it agrees on. The
district admin records them for any OPD (``user=None``: the system); the operators of a desa
close the follow-ups the desa owns. A Mitra OPD, read only, changes nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.coaching.models import CoachingVisit, FollowUp, FollowUpStatus
from kampungkb.convergence.guards import author, deny
from kampungkb.convergence.review.services import evaluations_refresh
from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import (
    can_edit_area,
    can_record_coaching_visit,
    is_district_admin,
    is_read_only,
)
from kampungkb.core.scoping import user_covers
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.wilayah.models import KampungKB, Level


def _ensure_may_record_visit(user) -> None:
    if user is not None and not can_record_coaching_visit(user):
        deny(_("Only the district admin may record coaching visits."))


@transaction.atomic
def visit_record(
    *,
    user,
    opd,
    desa,
    tanggal,
    topik: str,
    temuan: str,
    programme_area=None,
    follow_ups: list[dict] = (),
    is_demo: bool = False,
) -> CoachingVisit:
    """Record an OPD's coaching visit to a desa (and its Kampung KB) with follow-ups."""
    _ensure_may_record_visit(user)
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa.")})
    if user is not None and not user_covers(user, desa.kode):
        deny()
    ensure_not_in_future(tanggal=tanggal)
    visit = CoachingVisit(
        opd=opd,
        desa=desa,
        kampung=KampungKB.objects.filter(desa=desa).first(),
        tanggal=tanggal,
        topik=topik,
        temuan=temuan,
        programme_area=programme_area,
        recorded_by=author(user),
        is_demo=is_demo,
    )
    visit.full_clean()
    visit.save()
    for fu in follow_ups:
        _followup_create(visit=visit, **fu)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=visit,
        wilayah_kode=desa.kode,
        changes={"opd": opd.pk, "tanggal": tanggal, "topik": topik, "follow_ups": len(follow_ups)},
    )
    if visit.kampung is not None:
        # Visits received are an indicator of the Kampung KB's management.
        evaluations_refresh(tahun=tanggal.year, kampungs=[visit.kampung], user=user)
    return visit


def _followup_create(
    *,
    visit,
    tindakan,
    penanggung_jawab,
    batas_waktu,
    owner_opd=None,
    status=FollowUpStatus.TERBUKA,
    tanggal_selesai=None,
) -> FollowUp:
    if batas_waktu < visit.tanggal:
        raise ValidationError({"batas_waktu": _("The due date is before the visit.")})
    fu = FollowUp(
        visit=visit,
        tindakan=tindakan,
        penanggung_jawab=penanggung_jawab,
        batas_waktu=batas_waktu,
        owner_opd=owner_opd,
        status=status,
        tanggal_selesai=tanggal_selesai,
    )
    fu.full_clean()
    fu.save()
    return fu


def may_add_followup(user, visit: CoachingVisit) -> bool:
    """Whether ``user`` may add a follow-up to ``visit``: whoever records its visits."""
    return can_record_coaching_visit(user)


@transaction.atomic
def followup_add(*, user, visit: CoachingVisit, **values) -> FollowUp:
    _ensure_may_record_visit(user)
    fu = _followup_create(visit=visit, **values)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=fu,
        wilayah_kode=visit.desa_id,
        changes={"visit": visit.pk, "batas_waktu": fu.batas_waktu},
    )
    return fu


def may_close_followup(user, fu: FollowUp) -> bool:
    """Whether ``user`` may mark ``fu`` done: the district admin, or the operators of the
    visited desa when the desa owns it. Read-only roles (the Mitra OPD too) never."""
    if is_read_only(user):
        return False
    if is_district_admin(user):
        return True
    return fu.owner_opd_id is None and can_edit_area(user, fu.visit.desa_id)


@transaction.atomic
def followup_complete(
    *, user, followup: FollowUp, tanggal: datetime.date | None = None
) -> FollowUp:
    if user is not None and not may_close_followup(user, followup):
        deny()
    tanggal = tanggal or datetime.date.today()
    ensure_not_in_future(tanggal_selesai=tanggal)
    followup.status, followup.tanggal_selesai = FollowUpStatus.SELESAI, tanggal
    followup.save(update_fields=["status", "tanggal_selesai"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=followup,
        wilayah_kode=followup.visit.desa_id,
        changes={"status": ["terbuka", "selesai"]},
    )
    return followup
