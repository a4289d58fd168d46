"""Background work: rebuild the summaries after imports and edits.

A refresh that meets a busy or unreachable database waits and tries again (1 s, doubling, up
to about half a minute in all); one that still fails is recorded, and the analytics pages then
say their figures are behind (``selectors.summaries_freshness``).
"""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django_tasks import task

from kampungkb.analytics.models import SummaryState
from kampungkb.analytics.services import (
    summaries_changed_note,
    summaries_failure_note,
    summaries_rebuild,
    summaries_refresh_queued,
)
from kampungkb.core.database import retry_when_unavailable

logger = logging.getLogger(__name__)


@task()
def analytics_refresh(requested_at: str = "") -> dict:
    """Rebuild every summary table unless a rebuild that started after ``requested_at`` (an
    ISO timestamp) already did; returns the counts (kept in the task result)."""
    try:
        return _refresh(requested_at)
    except Exception as exc:
        try:
            summaries_failure_note(error=exc)
        except DatabaseError:
            logger.exception("could not record the failed refresh of the summaries")
        raise


@retry_when_unavailable()
def _refresh(requested_at: str) -> dict:
    if requested_at:
        asked = datetime.datetime.fromisoformat(requested_at)
        state = SummaryState.objects.filter(pk=1).first()
        if state is not None and state.rebuilt_at is not None and state.rebuilt_at >= asked:
            return {"skipped": True, "rebuilt_at": state.rebuilt_at.isoformat()}
    result = summaries_rebuild()
    if result.skipped:  # a rebuild that read the records later was saved meanwhile
        return {"skipped": True}
    return {
        "measurements": result.measurements,
        "prevalence_rows": result.prevalence_rows,
        "quality_rows": result.quality_rows,
        "seconds": round(result.seconds, 2),
    }


def analytics_refresh_enqueue(**_signal):
    """Note the change and queue a rebuild of the summaries (after an import or an edit).

    Runs on commit (``core.events.records_changed``) so the worker sees the committed data;
    ``kampungkb db_worker`` runs it (the tests run it at once). On the worker's queue the
    rebuild runs a little later (``KAMPUNGKB_SUMMARY_REFRESH_DELAY``), and the changes of
    those seconds queue nothing more: the refresh already queued has not started, so its
    rebuild reads them. Any request that is queued is still skipped when a rebuild that
    started after it has finished.
    """
    task = analytics_refresh
    delay = settings.KAMPUNGKB_SUMMARY_REFRESH_DELAY
    # Run a little later, not at once: the changes of those seconds share one rebuild. A
    # rebuild reads every measurement (a province: ~27 CPU-seconds of the worker and the
    # database); on a posyandu day, with a weighing every few seconds, rebuilding at once
    # meant rebuilding without pause, on the cores that serve the kader; and queueing a
    # request per weighing meant a row written and a task run for each.
    deferred = delay > 0 and task.get_backend().supports_defer
    try:
        if summaries_changed_note(covered_by_queued=deferred):
            return None
    except DatabaseError:
        # The change itself is committed; only the staleness notice may come late.
        logger.warning("could not note the change for the summaries", exc_info=True)
    try:
        now = timezone.now()
        due = now + datetime.timedelta(seconds=delay)
        if deferred:
            task = task.using(run_after=due)
        result = task.enqueue(requested_at=now.isoformat())
        if deferred:
            summaries_refresh_queued(due=due)
        return result
    except DatabaseError:
        # Not the user's error, and their change is saved: the next change queues a refresh
        # (and the pages say the figures are behind once the change is older than a while).
        logger.warning("could not queue a refresh of the summaries", exc_info=True)
        return None
