"""Background work: rebuild the summaries after imports and edits."""

from django_tasks import task


@task()
def analytics_refresh(requested_at: str = "") -> dict:
    """Rebuild every summary table unless a rebuild that started after ``requested_at`` (an
    ISO timestamp) already did; returns the counts (kept in the task result)."""
    import datetime

    from kampungkb.analytics.models import SummaryState
    from kampungkb.analytics.services import summaries_rebuild

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
