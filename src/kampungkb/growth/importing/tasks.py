"""Background work of the import: forget uploads past their retention period
(``kampungkb db_worker`` runs it; the tests run it at once).

The import pages queue :func:`uploads_purge_enqueue` after a file is stored or committed, so a
running worker keeps the imports folder trimmed; ``kampungkb purge_uploads`` does the same
from cron or a systemd timer.
"""

from django.db import transaction
from django_tasks import task

from kampungkb.growth.importing.uploads import uploads_purge


@task()
def uploads_purge_task() -> dict:
    """Remove the uploads older than the retention period; returns how many."""
    result = uploads_purge()
    return {"uploads": len(result.uploads), "files": len(result.files)}


def uploads_purge_enqueue() -> None:
    """Queue a purge once the current transaction commits (at once outside one)."""
    transaction.on_commit(uploads_purge_task.enqueue)
