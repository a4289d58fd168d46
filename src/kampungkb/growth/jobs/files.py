"""Where a job's file lies (MEDIA_ROOT/exports/), and forgetting jobs past their retention.

A job's file holds personal data (whole NIKs), so it is kept as long as an uploaded import
file: ``KAMPUNGKB_UPLOAD_RETENTION_DAYS`` days. :func:`file_jobs_purge` removes older jobs,
their files, and any file of the folder that no job names (a job deleted with its user, an
unfinished write); ``kampungkb purge_uploads`` and the worker's purge task run it. A job
still queued or running (not yet taken as lost, ``JOB_TIMEOUT``) is kept whatever the period,
and so is any file written within that time: its worker may be writing it.
"""

import datetime
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.growth.importing.uploads import retention_days
from kampungkb.growth.models import FileJob, JobStatus
from kampungkb.growth.models.jobs import JOB_TIMEOUT


def exports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def file_job_path(job: FileJob) -> Path | None:
    """The job's file, or None before it has one."""
    return exports_dir() / job.file_name if job.file_name else None


def file_job_expired(job: FileJob, *, now=None) -> bool:
    """Whether the job is past its retention period: its file is no longer handed out, even
    before :func:`file_jobs_purge` (run daily, and after each export) removes it."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    return job.created_at < cutoff


def new_file_name(ext: str) -> str:
    """A name nobody can guess for a job's file (the name alone never gives access)."""
    return f"{secrets.token_hex(16)}.{ext}"


@dataclass
class JobsPurgeResult:
    """What a purge removed (or, for a dry run, would remove)."""

    cutoff: datetime.datetime
    jobs: list[FileJob] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _active(now) -> Q:
    """The jobs a worker may still be running or about to run (see ``FileJob.lost``)."""
    since = now - JOB_TIMEOUT
    return Q(status=JobStatus.QUEUED, created_at__gte=since) | Q(
        Q(started_at=None) | Q(started_at__gte=since), status=JobStatus.RUNNING
    )


def file_jobs_purge(*, days: int | None = None, dry_run: bool = False, now=None) -> JobsPurgeResult:
    """Remove the jobs requested more than ``days`` ago (default: the retention setting) with
    their files, and files of the exports folder that no remaining job names and that were last
    written before the same cutoff. Jobs still queued or running are kept, and so are files
    written within ``JOB_TIMEOUT``: a worker may be writing them (``days=0`` included)."""
    days = retention_days() if days is None else days
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    result = JobsPurgeResult(cutoff=cutoff)
    with transaction.atomic():
        result.jobs = list(
            FileJob.objects.filter(created_at__lt=cutoff)
            .exclude(_active(now))
            .order_by("created_at")
        )
        if not dry_run and result.jobs:
            for job in result.jobs:
                audit_record(
                    actor=None,
                    action=AuditAction.DELETE,
                    obj=job,
                    wilayah_kode=job.wilayah_kode,
                    changes={"kind": job.kind, "file_name": job.download_name},
                )
            FileJob.objects.filter(pk__in=[j.pk for j in result.jobs]).delete()
        kept = set(
            FileJob.objects.filter(Q(created_at__gte=cutoff) | _active(now))
            .exclude(file_name="")
            .values_list("file_name", flat=True)
        )
    folder = exports_dir()
    if not folder.is_dir():
        return result
    expired = {j.file_name for j in result.jobs if j.file_name}
    # A file no job names yet is a worker's unfinished write while it is that recent.
    written_ts = min(cutoff, now - JOB_TIMEOUT).timestamp()
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in kept:
            continue
        if path.name not in expired and path.stat().st_mtime >= written_ts:
            continue  # nobody's, but recent: a file being written
        result.files.append(path)
        if not dry_run:
            path.unlink(missing_ok=True)
    return result
