"""Writes of the cadres of a desa, their trainings and assignments, by whoever edits the desa
(``user=None``: the system)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.cadres.models import Assignment, Cadre, Training
from kampungkb.convergence.guards import ensure_area_editor
from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.wilayah.models import Level


@transaction.atomic
def cadre_save(
    *,
    user,
    cadre: Cadre | None = None,
    desa,
    nama: str,
    peran: str,
    telepon: str = "",
    aktif: bool = True,
    is_demo: bool = False,
) -> Cadre:
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa.")})
    ensure_area_editor(user, desa.kode)
    creating = cadre is None
    if not creating:
        ensure_area_editor(user, cadre.desa_id)
    cadre = cadre or Cadre(is_demo=is_demo)
    cadre.desa, cadre.nama, cadre.peran, cadre.telepon, cadre.aktif = (
        desa,
        nama,
        peran,
        telepon,
        aktif,
    )
    cadre.full_clean()
    cadre.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        obj=cadre,
        wilayah_kode=desa.kode,
        changes={"peran": peran, "aktif": aktif},
    )
    return cadre


@transaction.atomic
def training_add(
    *, user, cadre: Cadre, tanggal, topik: str, penyelenggara: str, sertifikat: str = ""
) -> Training:
    ensure_area_editor(user, cadre.desa_id)
    if tanggal > datetime.date.today():
        raise ValidationError({"tanggal": _("The date cannot be in the future.")})
    training = Training(
        cadre=cadre,
        tanggal=tanggal,
        topik=topik,
        penyelenggara=penyelenggara,
        sertifikat=sertifikat,
    )
    training.full_clean()
    training.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=training,
        wilayah_kode=cadre.desa_id,
        changes={"cadre": cadre.pk, "topik": topik, "tanggal": tanggal},
    )
    return training


@transaction.atomic
def assignment_add(*, user, cadre: Cadre, tugas: str, mulai, selesai=None) -> Assignment:
    ensure_area_editor(user, cadre.desa_id)
    if selesai and selesai < mulai:
        raise ValidationError({"selesai": _("The end date is before the start date.")})
    assignment = Assignment(cadre=cadre, tugas=tugas, mulai=mulai, selesai=selesai)
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=assignment,
        wilayah_kode=cadre.desa_id,
        changes={"cadre": cadre.pk, "tugas": tugas},
    )
    return assignment
