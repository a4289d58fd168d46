"""Background work of KBM: the recompute recorded when the default table changes
(``kampungkb db_worker`` runs it; the tests run it at once).

This module calls the services, never the other way round: whoever records a run queues it
here with :func:`recompute_enqueue`.
"""

from django.db import transaction
from django_tasks import task

from kampungkb.growth.kbm.services import recompute_run_claim, recompute_run_execute
from kampungkb.growth.models import RecomputeRun


@task()
def measurements_recompute(run_id: int) -> dict:
    """Recompute every measurement for the recorded ``RecomputeRun``; returns its counts."""
    run = recompute_run_claim(run_id)
    if run is None:  # already run (a task delivered twice), or deleted
        return {"skipped": True}
    result = recompute_run_execute(run)
    return {
        "rows": result.rows,
        "written": result.written,
        "relabelled": result.relabelled,
        "seconds": round(result.seconds, 2),
    }


def recompute_enqueue(run: RecomputeRun) -> None:
    """Queue the recompute of ``run`` once the current transaction commits (at once outside
    one), so that a worker never looks for a run that was rolled back."""
    transaction.on_commit(lambda: measurements_recompute.enqueue(run_id=run.pk))
