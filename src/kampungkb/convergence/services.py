"""Writes of the convergence work. Each checks the user's right and area, validates, saves
atomically and records the change in the audit trail in the same transaction.

``user=None`` is the system itself (the demo seed, management commands).
"""

import datetime
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.models import (
    ActionRecord,
    ActionStatus,
    Assignment,
    Cadre,
    CoachingVisit,
    Commitment,
    Evaluation,
    EvidenceFile,
    FollowUp,
    FollowUpStatus,
    IndicatorDefinition,
    IndicatorRecord,
    Innovation,
    Plan,
    PlanActivity,
    Realisation,
    Training,
)
from kampungkb.convergence.review import scoring
from kampungkb.convergence.selectors import indicator_values, rule_set_for_year, user_opd
from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit_area, is_district_admin
from kampungkb.wilayah.models import KampungKB, Level

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What a file must start with to be taken for its type; the extension must agree.
EVIDENCE_SIGNATURES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


def _deny(message=None):
    raise PermissionDenied(message or _("You may not change convergence data of this area."))


def _ensure_desa(user, kode: str) -> None:
    if user is not None and not can_edit_area(user, kode):
        _deny()


def _ensure_admin(user) -> None:
    if user is not None and not is_district_admin(user):
        _deny(_("Only the district admin may do this."))


def _actor(user):
    return user if getattr(user, "pk", None) else None


# --- district actions -------------------------------------------------------------------------


def evidence_check(
    *, name: str, head: bytes, size: int, max_bytes: int = EVIDENCE_MAX_BYTES
) -> str:
    """Return the content type of an evidence file, or raise ValidationError saying why it is
    refused: too big, empty, or not a PDF/PNG/JPEG by its first bytes and its extension."""
    if size <= 0:
        raise ValidationError(_("The file is empty."))
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": size / 1024 / 1024, "limit": max_bytes / 1024 / 1024}
        )
    ext = os.path.splitext(name or "")[1].lower()
    for content_type, (magic, extensions) in EVIDENCE_SIGNATURES.items():
        if head.startswith(magic):
            if ext not in extensions:
                raise ValidationError(
                    _("The file's name (%(ext)s) does not match its content (%(type)s).")
                    % {"ext": ext or "-", "type": content_type}
                )
            return content_type
    raise ValidationError(_("Only PDF, JPEG or PNG files are accepted."))


@transaction.atomic
def action_record_save(
    *,
    user,
    kabupaten,
    tahun: int,
    action,
    values: dict,
    lokus_desa=(),
    commitments: list[dict] = (),
    is_demo: bool = False,
) -> ActionRecord:
    """Create or update the district's record of one action in one year."""
    _ensure_admin(user)
    record, created = ActionRecord.objects.select_for_update().get_or_create(
        kabupaten=kabupaten, tahun=tahun, action=action, defaults={"is_demo": is_demo}
    )
    for field in ("status", "tanggal_rencana", "tanggal_selesai", "opd"):
        if field in values:
            setattr(record, field, values[field])
    for field in ("perbup_nomor", "publikasi_url", "catatan_reviu"):
        if field in values:
            setattr(record, field, values[field] or "")
    if "keluaran" in values:
        record.keluaran = values["keluaran"] or {}
    if record.status == ActionStatus.SELESAI and record.tanggal_selesai is None:
        raise ValidationError({"tanggal_selesai": _("A done action needs the date it was done.")})
    if record.tanggal_selesai and record.tanggal_selesai > datetime.date.today():
        raise ValidationError({"tanggal_selesai": _("The date cannot be in the future.")})
    record.full_clean()
    record.save()
    lokus = list(lokus_desa)
    if any(d.level != Level.DESA for d in lokus):
        raise ValidationError({"lokus_desa": _("Priority locations must be desa.")})
    record.lokus_desa.set(lokus)
    if commitments is not None:
        record.commitments.all().delete()
        rows = [Commitment(record=record, **c) for c in commitments]
        for row in rows:
            row.full_clean(exclude=["record"])
        Commitment.objects.bulk_create(rows)
    audit_record(
        actor=user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=record,
        wilayah_kode=kabupaten.kode,
        changes={
            "status": record.status,
            "lokus": [d.kode for d in lokus],
            "commitments": len(commitments or []),
        },
    )
    return record


@transaction.atomic
def evidence_add(
    *, user, record: ActionRecord, upload, judul: str, max_bytes: int = EVIDENCE_MAX_BYTES
) -> EvidenceFile:
    """Store an evidence file of an action record after checking its size and content."""
    _ensure_admin(user)
    head = upload.read(16)
    upload.seek(0)
    content_type = evidence_check(
        name=upload.name, head=head, size=upload.size, max_bytes=max_bytes
    )
    if not (judul or "").strip():
        raise ValidationError({"judul": _("Give the file a title.")})
    evidence = EvidenceFile(
        record=record,
        judul=judul.strip()[:200],
        content_type=content_type,
        ukuran=upload.size,
        uploaded_by=_actor(user),
    )
    evidence.berkas.save(os.path.basename(upload.name), upload, save=False)
    evidence.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=evidence,
        wilayah_kode=record.kabupaten_id,
        changes={"record": record.pk, "type": content_type, "size": upload.size},
    )
    return evidence


# --- plans ------------------------------------------------------------------------------------


def _ensure_plan_editor(user, plan: Plan) -> None:
    if plan.desa_id:
        _ensure_desa(user, plan.desa_id)
    else:
        _ensure_admin(user)


@transaction.atomic
def plan_create(
    *, user, tahun: int, kampung: KampungKB | None = None, opd=None, is_demo: bool = False
) -> Plan:
    """Return the year's plan of a Kampung KB or an OPD, creating it if needed."""
    if (kampung is None) == (opd is None):
        raise ValidationError(_("A plan belongs to a Kampung KB or to an OPD."))
    if kampung is not None:
        _ensure_desa(user, kampung.desa_id)
        plan, created = Plan.objects.get_or_create(
            tahun=tahun, kampung=kampung, defaults={"desa_id": kampung.desa_id, "is_demo": is_demo}
        )
    else:
        _ensure_admin(user)
        plan, created = Plan.objects.get_or_create(
            tahun=tahun, opd=opd, defaults={"is_demo": is_demo}
        )
    if created:
        plan.full_clean()
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=plan,
            wilayah_kode=plan.desa_id or "",
            changes={"tahun": tahun},
        )
    return plan


def _check_months(months) -> list[int]:
    try:
        months = sorted({int(m) for m in months})
    except (TypeError, ValueError):
        months = []
    if not months or months[0] < 1 or months[-1] > 12:
        raise ValidationError({"bulan": _("Choose at least one month from 1 to 12.")})
    return months


@transaction.atomic
def activity_add(*, user, plan: Plan, **values) -> PlanActivity:
    _ensure_plan_editor(user, plan)
    values["bulan"] = _check_months(values.get("bulan"))
    if plan.opd_id and not values.get("opd"):
        values["opd"] = plan.opd
    activity = PlanActivity(plan=plan, **values)
    activity.full_clean()
    activity.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=activity,
        wilayah_kode=plan.desa_id or "",
        changes={k: v for k, v in values.items() if k != "opd" and k != "programme_area"},
    )
    return activity


@transaction.atomic
def realisation_add(
    *,
    user,
    activity: PlanActivity,
    tanggal: datetime.date,
    progres: int,
    output_tercapai: int,
    anggaran_realisasi,
    catatan: str = "",
) -> Realisation:
    """Record progress of a planned activity; the activity keeps its latest figures."""
    activity = PlanActivity.objects.select_for_update().select_related("plan").get(pk=activity.pk)
    _ensure_plan_editor(user, activity.plan)
    if tanggal > datetime.date.today():
        raise ValidationError({"tanggal": _("The date cannot be in the future.")})
    if tanggal.year != activity.plan.tahun:
        raise ValidationError(
            {
                "tanggal": _("The date must fall in the plan's year (%(year)s).")
                % {"year": activity.plan.tahun}
            }
        )
    last = activity.realisations.order_by("-tanggal", "-id").first()
    if last and tanggal >= last.tanggal and progres < last.progres:
        raise ValidationError(
            {
                "progres": _("Progress cannot go back (last recorded: %(p)s%%).")
                % {"p": last.progres}
            }
        )
    real = Realisation(
        activity=activity,
        tanggal=tanggal,
        progres=progres,
        output_tercapai=output_tercapai,
        anggaran_realisasi=anggaran_realisasi,
        catatan=catatan,
        recorded_by=_actor(user),
    )
    real.full_clean()
    real.save()
    latest = activity.realisations.order_by("-tanggal", "-id").first()
    activity.progres = latest.progres
    activity.output_tercapai = latest.output_tercapai
    activity.anggaran_realisasi = latest.anggaran_realisasi
    activity.save(update_fields=["progres", "output_tercapai", "anggaran_realisasi"])
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=real,
        wilayah_kode=activity.plan.desa_id or "",
        changes={
            "activity": activity.pk,
            "progres": progres,
            "anggaran_realisasi": anggaran_realisasi,
        },
    )
    return real


# --- people -----------------------------------------------------------------------------------


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
    _ensure_desa(user, desa.kode)
    creating = cadre is None
    if not creating:
        _ensure_desa(user, cadre.desa_id)
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
    _ensure_desa(user, cadre.desa_id)
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
    _ensure_desa(user, cadre.desa_id)
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


# --- coaching ---------------------------------------------------------------------------------


def _ensure_may_record_visit(user, opd) -> None:
    if user is None or is_district_admin(user):
        return
    own = user_opd(user)
    if own is None or own.pk != opd.pk:
        _deny(_("You may record only your own OPD's coaching visits."))


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
    _ensure_may_record_visit(user, opd)
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa.")})
    from kampungkb.core.scoping import user_covers

    if user is not None and not user_covers(user, desa.kode):
        _deny()
    if tanggal > datetime.date.today():
        raise ValidationError({"tanggal": _("The date cannot be in the future.")})
    visit = CoachingVisit(
        opd=opd,
        desa=desa,
        kampung=KampungKB.objects.filter(desa=desa).first(),
        tanggal=tanggal,
        topik=topik,
        temuan=temuan,
        programme_area=programme_area,
        recorded_by=_actor(user),
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


@transaction.atomic
def followup_add(*, user, visit: CoachingVisit, **values) -> FollowUp:
    _ensure_may_record_visit(user, visit.opd)
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
    if is_district_admin(user):
        return True
    own = user_opd(user)
    if own is not None:
        return own.pk in (fu.visit.opd_id, fu.owner_opd_id)
    return fu.owner_opd_id is None and can_edit_area(user, fu.visit.desa_id)


@transaction.atomic
def followup_complete(
    *, user, followup: FollowUp, tanggal: datetime.date | None = None
) -> FollowUp:
    if user is not None and not may_close_followup(user, followup):
        _deny()
    tanggal = tanggal or datetime.date.today()
    if tanggal > datetime.date.today():
        raise ValidationError({"tanggal_selesai": _("The date cannot be in the future.")})
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


# --- indicators and evaluation ----------------------------------------------------------------


@transaction.atomic
def indicator_values_save(*, user, kampung: KampungKB, tahun: int, values: dict) -> int:
    """Save a Kampung KB's recorded indicators for a year (kode → value; ``None`` clears)."""
    _ensure_desa(user, kampung.desa_id)
    if tahun > datetime.date.today().year:
        raise ValidationError({"tahun": _("The year cannot be in the future.")})
    defs = {d.kode: d for d in IndicatorDefinition.objects.filter(computed=False)}
    changed = {}
    for kode, value in values.items():
        if kode not in defs:
            raise ValidationError(_("Unknown indicator %(kode)s.") % {"kode": kode})
        if value is None:
            if IndicatorRecord.objects.filter(
                kampung=kampung, tahun=tahun, indicator=defs[kode]
            ).delete()[0]:
                changed[kode] = None
            continue
        if value < 0 or (defs[kode].satuan == "%" and value > 100):
            raise ValidationError(
                {kode: _("%(name)s: enter a value from 0 to 100.") % {"name": defs[kode].nama}}
                if defs[kode].satuan == "%"
                else {
                    kode: _("%(name)s: the value cannot be negative.") % {"name": defs[kode].nama}
                }
            )
        IndicatorRecord.objects.update_or_create(
            kampung=kampung,
            tahun=tahun,
            indicator=defs[kode],
            defaults={"nilai": value, "recorded_by": _actor(user)},
        )
        changed[kode] = value
    if changed:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=kampung,
            wilayah_kode=kampung.desa_id,
            changes={"indicators": {"tahun": tahun, **changed}},
        )
    return len(changed)


@transaction.atomic
def evaluation_run(*, user, tahun: int, kampungs=None) -> list[Evaluation]:
    """Score and classify each Kampung KB (of the user's area) for a year with the rule set
    valid that year; every run is stored, the newest is current."""
    _ensure_admin(user)
    rule_set = rule_set_for_year(tahun)
    if rule_set is None:
        raise ValidationError(_("No maturity rule set is valid for %(year)s.") % {"year": tahun})
    if kampungs is None:
        kampungs = KampungKB.objects.for_user(user) if user is not None else KampungKB.objects.all()
    out = []
    for kampung in kampungs:
        values = indicator_values(kampung=kampung, tahun=tahun)
        result = scoring.evaluate(values, rule_set.rules)
        ev = Evaluation.objects.create(
            kampung=kampung,
            tahun=tahun,
            rule_set=rule_set,
            skor_manajemen=result.management.score,
            skor_kontribusi=result.contribution.score,
            tingkat=result.level or "",
            detail={**result.as_dict(), "values": values},
            created_by=_actor(user),
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=ev,
            wilayah_kode=kampung.desa_id,
            changes={"tahun": tahun, "rule_set": rule_set.kode, "tingkat": ev.tingkat},
        )
        out.append(ev)
    return out


# --- innovations ------------------------------------------------------------------------------


@transaction.atomic
def innovation_save(
    *,
    user,
    desa,
    nama: str,
    tahun: int,
    deskripsi: str,
    bukti: str,
    direplikasi_di=(),
    is_demo: bool = False,
) -> Innovation:
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa.")})
    _ensure_desa(user, desa.kode)
    innovation = Innovation(
        desa=desa, nama=nama, tahun=tahun, deskripsi=deskripsi, bukti=bukti, is_demo=is_demo
    )
    innovation.full_clean()
    innovation.save()
    innovation.direplikasi_di.set([d for d in direplikasi_di if d.level == Level.DESA])
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=innovation,
        wilayah_kode=desa.kode,
        changes={"nama": nama, "tahun": tahun},
    )
    return innovation
