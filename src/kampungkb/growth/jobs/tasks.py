"""Background work of the jobs (``kampungkb db_worker`` runs it; the tests run it at once).

This module calls the services, never the other way round: whoever requests a job starts it
here with :func:`file_job_start`.
"""

import logging

from django.conf import settings
from django.db import transaction
from django_tasks import task

from kampungkb.growth.jobs.services import file_job_claim, file_job_execute
from kampungkb.growth.models import FileJob, JobStatus

# An export of at most this many rows is written in the request itself (a second or so) and
# handed out at once; a bigger one goes to the worker and its progress page.
DEFAULT_SYNC_ROWS = 5000

logger = logging.getLogger(__name__)


def sync_rows() -> int:
    return int(getattr(settings, "KAMPUNGKB_EXPORT_SYNC_ROWS", DEFAULT_SYNC_ROWS))


@task()
def file_job_run(job_id: int) -> dict:
    """Run the recorded job; returns its row count."""
    job = file_job_claim(job_id)
    if job is None:  # already run (a task delivered twice), or deleted
        return {"skipped": True}
    job = file_job_execute(job)
    return {"rows": job.done}


def file_job_start(job: FileJob) -> bool:
    """Run a small job now, or queue a big one once the current transaction commits (so that
    a worker never looks for a job that was rolled back). Returns whether it is done."""
    if job.total <= sync_rows():
        claimed = file_job_claim(job.pk)
        if claimed is not None:
            try:
                file_job_execute(claimed)
            except OSError:
                # The file could not be written (a full disk, a folder the server may not
                # write): the job is marked failed, and its page says so to the user.
                logger.exception("export job %s could not write its file", job.pk)
            job.refresh_from_db()
        return job.status == JobStatus.DONE
    transaction.on_commit(lambda: file_job_run.enqueue(job_id=job.pk))
    return False
