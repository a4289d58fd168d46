"""Background work: rebuild the summaries after imports and edits."""

import datetime

from django.utils import timezone
from django_tasks import task

from kampungkb.analytics.models import SummaryState
from kampungkb.analytics.services import summaries_rebuild


@task()
def analytics_refresh(requested_at: str = "") -> dict:
    """Rebuild every summary table unless a rebuild that started after ``requested_at`` (an
    ISO timestamp) already did; returns the counts (kept in the task result)."""
    if requested_at:
        asked = datetime.datetime.fromisoformat(requested_at)
        state = SummaryState.objects.filter(pk=1).first()
        if state is not None and state.rebuilt_at is not None and state.rebuilt_at >= asked:
            return {"skipped": True, "rebuilt_at": state.rebuilt_at.isoformat()}
    result = summaries_rebuild()
    return {
        "measurements": result.measurements,
        "prevalence_rows": result.prevalence_rows,
        "quality_rows": result.quality_rows,
        "seconds": round(result.seconds, 2),
    }


def analytics_refresh_enqueue(**_signal):
    """Queue a rebuild of the summaries (after an import or an edit).

    Runs on commit (``core.events.records_changed``) so the worker sees the committed data;
    ``kampungkb db_worker`` runs it (the tests run it at once). Many edits in a row queue
    many requests, but each is skipped when a rebuild that started after it has finished.
    """
    return analytics_refresh.enqueue(requested_at=timezone.now().isoformat())
