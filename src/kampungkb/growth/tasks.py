"""Background work of the growth app: the recompute queued after the default KBM table
changes (``kampungkb db_worker`` runs it; the tests run it at once)."""

from django_tasks import task


@task()
def measurements_recompute(run_id: int) -> dict:
    """Recompute every measurement for the recorded ``RecomputeRun``; returns its counts."""
    from kampungkb.growth.kbm_tables import recompute_run_claim, recompute_run_execute

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
