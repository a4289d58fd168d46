"""Requesting, claiming and running a background job.

An export is requested as its requester (scoped to their area and filters, audited as a read
of personal data: the file holds whole NIKs) and written later by the worker as the same user,
so an account that lost its area in between exports nothing more than it may see then.
"""

import contextlib
import datetime
import os
import time

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_view_personal_data
from kampungkb.core.scoping import covered_kode
from kampungkb.growth.importing.export import (
    measurements_export_queryset,
    measurements_export_xlsx,
)
from kampungkb.growth.jobs.files import exports_dir, new_file_name
from kampungkb.growth.models import FileJob, JobKind, JobStatus
from kampungkb.growth.models.jobs import JOB_TIMEOUT

PROGRESS_SECONDS = 1.0  # at most one progress write a second


def _filters(date_from, date_to, desa: str) -> dict:
    return {
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "desa": desa or "",
    }


def _export_arguments(params: dict) -> dict:
    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return {
        "date_from": day(params.get("date_from")),
        "date_to": day(params.get("date_to")),
        "desa": params.get("desa") or "",
    }


def _download_name(params: dict) -> str:
    parts = ["e-ppgbm-pengukuran", params.get("desa") or ""]
    parts += [params.get("date_from") or "", params.get("date_to") or ""]
    return "-".join(p for p in parts if p) + ".xlsx"


@transaction.atomic
def measurements_export_request(*, user, date_from=None, date_to=None, desa: str = "") -> FileJob:
    """Record an e-PPGBM export of the user's measurements (optionally by date range and desa)
    and audit it; the caller starts it (``jobs.tasks.file_job_start``)."""
    if not can_view_personal_data(user):
        raise PermissionDenied(_("Your role may not export personal records."))
    params = _filters(date_from, date_to, desa)
    total = measurements_export_queryset(user=user, **_export_arguments(params)).count()
    job = FileJob.objects.create(
        kind=JobKind.EXPORT_MEASUREMENTS,
        requested_by=user,
        wilayah_kode=covered_kode(user) or "",
        params=params,
        total=total,
        download_name=_download_name(params),
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=job,
        wilayah_kode=job.wilayah_kode,
        changes={"export": "e-PPGBM", "rows": total, **params},
    )
    return job


def file_job_claim(job_id: int) -> FileJob | None:
    """Mark a queued job as running and return it; None if it was claimed already (a task
    delivered twice), is gone, or waited longer than ``JOB_TIMEOUT``. One UPDATE, so two
    workers cannot both claim it.

    A job that waited that long has been shown to its requester as failed (``FileJob.lost``)
    and asked for again, most likely: it is recorded as failed, not written after all."""
    now = timezone.now()
    queued = FileJob.objects.filter(pk=job_id, status=JobStatus.QUEUED)
    claimed = queued.filter(created_at__gte=now - JOB_TIMEOUT).update(
        status=JobStatus.RUNNING, started_at=now
    )
    if not claimed:
        queued.filter(created_at__lt=now - JOB_TIMEOUT).update(
            status=JobStatus.FAILED, error="expired: waited too long for a worker", finished_at=now
        )
        return None
    return FileJob.objects.select_related("requested_by").get(pk=job_id)


def file_job_execute(
    job: FileJob, *, progress_seconds: float = PROGRESS_SECONDS, progress_every: int = 5000
) -> FileJob:
    """Run a claimed job now: write its file, recording its progress as it goes (every
    ``progress_every`` rows, at most once in ``progress_seconds``), then its end (or its
    error, also when the worker is stopped half-way)."""
    folder = exports_dir()
    name = new_file_name("xlsx")
    partial = folder / f"{name}.part"
    last = [time.monotonic()]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= progress_seconds:
            last[0] = now
            FileJob.objects.filter(pk=job.pk).update(done=done)

    try:
        # Inside the try: a folder that cannot be made fails the job, not leaves it running.
        folder.mkdir(parents=True, exist_ok=True)
        # Whole NIKs: readable by the server's user only, from its first byte (as uploads).
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        with os.fdopen(os.open(partial, flags, 0o600), "wb") as out:
            rows = measurements_export_xlsx(
                user=job.requested_by,
                out=out,
                progress=progress,
                progress_every=progress_every,
                **_export_arguments(job.params),
            )
        partial.replace(folder / name)
        # In the try: an end that cannot be recorded (the connection lost) fails the job
        # too, rather than leave it running beside a file nobody can download.
        job.status, job.file_name, job.done = JobStatus.DONE, name, rows
        job.total = max(job.total, rows)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "file_name", "done", "total", "finished_at"])
    except BaseException as error:
        with contextlib.suppress(OSError):  # no folder to remove it from
            partial.unlink(missing_ok=True)
            (folder / name).unlink(missing_ok=True)
        if not connection.in_atomic_block and connection.connection and not connection.is_usable():
            connection.close()  # a lost connection: the update below opens a new one
        FileJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    return job
