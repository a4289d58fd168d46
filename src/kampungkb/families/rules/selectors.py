"""Reads of the KRS rule sets and of the recomputes that follow a change."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from kampungkb.families.models import KrsRecomputeRun, KrsRuleSet

#: Recomputes listed on the page.
RECENT_RUNS = 10
#: A recompute queued or started longer ago than this without finishing is taken as lost.
RUN_TIMEOUT = datetime.timedelta(hours=1)


def rule_sets_list() -> list[KrsRuleSet]:
    """Every rule set, the default first, then the newest."""
    return list(KrsRuleSet.objects.order_by("-is_default", "-created_at", "-pk"))


def rule_set_get(*, pk: int) -> KrsRuleSet:
    return get_object_or_404(KrsRuleSet, pk=pk)


def krs_recompute_in_progress() -> KrsRecomputeRun | None:
    """A recompute queued or running (and not lost), if any."""
    since = timezone.now() - RUN_TIMEOUT
    return (
        KrsRecomputeRun.objects.filter(finished_at__isnull=True, requested_at__gte=since)
        .order_by("-requested_at")
        .first()
    )


def krs_recompute_runs_recent() -> list[KrsRecomputeRun]:
    return list(KrsRecomputeRun.objects.select_related("requested_by", "rule_set")[:RECENT_RUNS])
