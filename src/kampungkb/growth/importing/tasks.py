"""Background work of the import: forget uploads, and the files of exports, past their
retention period (``kampungkb db_worker`` runs it; the tests run it at once).

The import and export pages queue :func:`uploads_purge_enqueue` after a file is stored,
committed or exported, so a running worker keeps the imports and exports folders trimmed;
``kampungkb purge_uploads`` does the same from cron or a systemd timer.
"""

from django.db import transaction
from django_tasks import task

from kampungkb.growth.importing.uploads import uploads_purge
from kampungkb.growth.jobs.files import file_jobs_purge


@task()
def uploads_purge_task() -> dict:
    """Remove the uploads and exports older than the retention period; returns how many."""
    result, jobs = uploads_purge(), file_jobs_purge()
    return {
        "uploads": len(result.uploads),
        "files": len(result.files),
        "jobs": len(jobs.jobs),
        "job_files": len(jobs.files),
    }


def uploads_purge_enqueue() -> None:
    """Queue a purge once the current transaction commits (at once outside one)."""
    transaction.on_commit(uploads_purge_task.enqueue)
