"""Background work of the families app: the recompute of every round's KRS labels recorded
when the rule changes (``kampungkb db_worker`` runs it; the tests run it at once).

This module calls the services, never the other way round: whoever records a run queues it
here with :func:`krs_recompute_enqueue`.
"""

from django.db import transaction
from django_tasks import task

from kampungkb.families.models import KrsRecomputeRun
from kampungkb.families.rules.services import krs_recompute_run_claim, krs_recompute_run_execute


@task()
def krs_labels_recompute(run_id: int) -> dict:
    """Recompute every round's labels for the recorded ``KrsRecomputeRun``."""
    run = krs_recompute_run_claim(run_id)
    if run is None:  # already run (a task delivered twice), or deleted
        return {"skipped": True}
    rows = krs_recompute_run_execute(run)
    return {"rows": rows, "seconds": run.seconds}


def krs_recompute_enqueue(run: KrsRecomputeRun) -> None:
    """Queue the recompute of ``run`` once the current transaction commits."""
    transaction.on_commit(lambda: krs_labels_recompute.enqueue(run_id=run.pk))
