"""Uploaded e-PPGBM files: stored by their hash, owned by their uploader, kept for a while.

A file lies in MEDIA_ROOT/imports/<sha256>.<ext>; an :class:`Upload` row per uploader says
whose it is. The pages find an upload through ``selectors.upload_get`` (the uploader and the
admins of their area; anyone else gets a 404). :func:`uploads_purge` removes uploads older
than ``KAMPUNGKB_UPLOAD_RETENTION_DAYS``, their files, and any file of the folder that no
upload names (files stored before uploads had owners, unfinished writes).
"""

import datetime
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.scoping import covered_kode
from kampungkb.growth.models import Upload

DEFAULT_RETENTION_DAYS = 3

#: A file of the folder that no upload names yet is taken as being written while it was last
#: written this recently (an upload's request lasts minutes at most), whatever the period.
WRITING_GRACE = datetime.timedelta(hours=1)


class UploadStoreError(Exception):
    """The server could not write an uploaded file (its disk full, its folder not writable);
    nothing was stored. The message is for the user."""


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def retention_days() -> int:
    return int(getattr(settings, "KAMPUNGKB_UPLOAD_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def upload_path(upload: Upload) -> Path:
    return imports_dir() / f"{upload.sha256}.{upload.ext}"


@transaction.atomic
def upload_store(*, user, upload) -> Upload:
    """Save an uploaded file (a Django ``UploadedFile``) as ``user``'s; the same bytes sent
    again by the same user renew their upload."""
    digest = hashlib.sha256()
    folder = imports_dir()
    ext = Path(upload.name).suffix.lower().lstrip(".")
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as tmp:
            for chunk in upload.chunks():
                digest.update(chunk)
                tmp.write(chunk)
        sha = digest.hexdigest()
        Path(tmp.name).replace(folder / f"{sha}.{ext}")
    except OSError as exc:
        # A full disk or a folder the server may not write: no half file is left behind
        # (the preview would read it as the whole upload), and no row names one.
        if tmp is not None:
            Path(tmp.name).unlink(missing_ok=True)
        raise UploadStoreError(
            _(
                "The server could not save the file (%(error)s). Nothing was stored; try "
                "again later, and tell your system administrator if it happens again."
            )
            % {"error": exc.strerror or type(exc).__name__}
        ) from exc
    area = covered_kode(user)
    record, _created = Upload.objects.update_or_create(
        sha256=sha,
        uploaded_by=user,
        defaults={
            "ext": ext,
            "file_name": Path(upload.name).name[:255],
            "wilayah_kode": area or "",
            "created_at": timezone.now(),
        },
    )
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=record,
        wilayah_kode=record.wilayah_kode,
        changes={"file_name": record.file_name, "sha256": sha},
    )
    return record


@dataclass
class PurgeResult:
    """What a purge removed (or, for a dry run, would remove)."""

    cutoff: datetime.datetime
    uploads: list[Upload] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def uploads_purge(*, days: int | None = None, dry_run: bool = False, now=None) -> PurgeResult:
    """Remove the uploads older than ``days`` (default: the retention setting) with their
    files, and the files of the imports folder that no remaining upload names and that were
    last written before the same cutoff (and ``WRITING_GRACE`` ago: one being written stays,
    ``days=0`` included)."""
    days = retention_days() if days is None else days
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    result = PurgeResult(cutoff=cutoff)
    with transaction.atomic():
        old = list(Upload.objects.filter(created_at__lt=cutoff).order_by("created_at", "pk"))
        result.uploads = old
        kept = set(
            Upload.objects.filter(created_at__gte=cutoff).values_list("sha256", "ext").distinct()
        )
        if not dry_run and old:
            for upload in old:
                audit_record(
                    actor=None,
                    action=AuditAction.DELETE,
                    obj=upload,
                    wilayah_kode=upload.wilayah_kode,
                    changes={"file_name": upload.file_name, "sha256": upload.sha256},
                )
            Upload.objects.filter(pk__in=[u.pk for u in old]).delete()
    expired = {(u.sha256, u.ext) for u in old} - kept
    folder = imports_dir()
    if not folder.is_dir():
        return result
    kept_names = {f"{sha}.{ext}" for sha, ext in kept}
    expired_names = {f"{sha}.{ext}" for sha, ext in expired}
    written_ts = min(cutoff, now - WRITING_GRACE).timestamp()
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in kept_names:
            continue
        if path.name not in expired_names and path.stat().st_mtime >= written_ts:
            continue  # nobody's yet, but recent: an upload being written
        result.files.append(path)
        if not dry_run:
            path.unlink(missing_ok=True)
    return result
