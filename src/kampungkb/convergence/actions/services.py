"""Writes of the district's convergence actions: the yearly record of each action and its
evidence files. Only the district admin writes them (``user=None``: the system)."""

import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.actions.models import (
    ActionRecord,
    ActionStatus,
    Commitment,
    EvidenceFile,
)
from kampungkb.convergence.guards import author, ensure_district_admin
from kampungkb.core.audit import audit_record, diff, snapshot
from kampungkb.core.models import AuditAction
from kampungkb.core.scoping import kode_within
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.wilayah.models import Level

RECORD_FIELDS = (
    "status",
    "tanggal_rencana",
    "tanggal_selesai",
    "opd",
    "perbup_nomor",
    "publikasi_url",
    "catatan_reviu",
    "keluaran",
)
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What a file must start with to be taken for its type; the extension must agree.
EVIDENCE_SIGNATURES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


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
    ensure_district_admin(user)
    record, created = ActionRecord.objects.select_for_update().get_or_create(
        kabupaten=kabupaten, tahun=tahun, action=action, defaults={"is_demo": is_demo}
    )
    before = {} if created else _audited(record)
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
    ensure_not_in_future(tanggal_selesai=record.tanggal_selesai)
    record.full_clean()
    record.save()
    lokus = list(lokus_desa)
    if any(d.level != Level.DESA for d in lokus):
        raise ValidationError({"lokus_desa": _("Priority locations must be desa.")})
    if any(not kode_within(d.kode, kabupaten.kode) for d in lokus):
        # A province installation holds other kabupaten's desa too.
        raise ValidationError(
            {"lokus_desa": _("Priority locations must be desa of the kabupaten.")}
        )
    record.lokus_desa.set(lokus)
    if commitments is not None:
        record.commitments.all().delete()
        rows = [Commitment(record=record, **c) for c in commitments]
        for row in rows:
            row.full_clean(exclude=["record"])
        Commitment.objects.bulk_create(rows)
    changes = diff(before, _audited(record))
    if created or changes:
        audit_record(
            actor=user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=record,
            wilayah_kode=kabupaten.kode,
            changes=changes,
        )
    return record


def _audited(record: ActionRecord) -> dict:
    """What the trail keeps of a record, so that an update shows its old and new values."""
    return {
        **snapshot(record, RECORD_FIELDS),
        "lokus": sorted(record.lokus_desa.values_list("kode", flat=True)),
        "commitments": [
            f"{c.penandatangan}; {c.lembaga}; {c.komitmen}"
            for c in record.commitments.order_by("id")
        ],
    }


@transaction.atomic
def evidence_add(
    *, user, record: ActionRecord, upload, judul: str, max_bytes: int = EVIDENCE_MAX_BYTES
) -> EvidenceFile:
    """Store an evidence file of an action record after checking its size and content."""
    ensure_district_admin(user)
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
        uploaded_by=author(user),
    )
    try:
        evidence.berkas.save(os.path.basename(upload.name), upload, save=False)
    except OSError as exc:  # a full disk, a media folder the server may not write
        raise ValidationError(
            {
                "berkas": _(
                    "The server could not save the file (%(error)s). Nothing was stored; try "
                    "again later, and tell your system administrator if it happens again."
                )
                % {"error": exc.strerror or type(exc).__name__}
            }
        ) from exc
    evidence.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=evidence,
        wilayah_kode=record.kabupaten_id,
        changes={"record": record.pk, "type": content_type, "size": upload.size},
    )
    return evidence


def evidence_file_forget(sender, instance: EvidenceFile, **kwargs) -> None:
    """Remove a deleted evidence record's file from the disk once its deletion commits
    (``post_delete``: a record deleted in Django admin, alone or with its action record).
    Django deletes no file with its row: each would stay in media/ for as long as the server
    runs, unreachable, and be copied into every backup."""
    name = instance.berkas.name
    if name:
        _file_forget_on_commit(instance.berkas.storage, name, using=kwargs.get("using"))


def evidence_file_replaced(sender, instance: EvidenceFile, **kwargs) -> None:
    """Remove the file an evidence record had before it was given another (``pre_save``: a
    file replaced in Django admin), once the change commits."""
    if instance.pk is None:
        return
    old = EvidenceFile.objects.filter(pk=instance.pk).values_list("berkas", flat=True).first()
    if old and old != instance.berkas.name:
        _file_forget_on_commit(instance.berkas.storage, old, using=kwargs.get("using"))


def _file_forget_on_commit(storage, name: str, *, using=None) -> None:
    def forget():
        # Never a file another record still names (none does: storage names are unique).
        if not EvidenceFile.objects.filter(berkas=name).exists():
            storage.delete(name)

    transaction.on_commit(forget, using=using)
