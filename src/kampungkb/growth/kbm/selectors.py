"""Reads of the KBM tables, of the default one, and of the recomputes that follow a change."""

import datetime

from django.utils import timezone

from kampungkb.growth.models import KBMEntry, KBMTable, RecomputeRun
from kampungkb.growth.rules import KBMRule

#: Recomputes listed on the page.
RECENT_RUNS = 10
#: A recompute queued or started longer ago than this without finishing is taken as lost
#: (a worker that stopped) and no longer holds back the next one.
RUN_TIMEOUT = datetime.timedelta(hours=1)


def kbm_tables_list() -> list[KBMTable]:
    """Every KBM table with its entries, the default first."""
    return list(KBMTable.objects.prefetch_related("entries").order_by("-is_default", "kode"))


def default_kbm():
    """Return (KBMTable, KBMRule) for the default KBM table, or (None, None) if none is set.

    One query, the entries with their table (a kader's every save reads it); a second one
    only for a default table without entries (there is at most one default table)."""
    entries = list(KBMEntry.objects.filter(table__is_default=True).select_related("table"))
    if not entries:
        table = KBMTable.objects.filter(is_default=True).first()
        return kbm_of(table) if table is not None else (None, None)
    table = entries[0].table
    rule = tuple((e.umur_bulan_dari, e.umur_bulan_sampai, e.kbm_gram) for e in entries)
    return table, KBMRule(entries=rule, scale_by_gap=table.scale_by_gap)


def kbm_of(table) -> tuple:
    """Return (``table``, its KBMRule): the pair ``kbm=`` arguments take."""
    entries = tuple(
        (e.umur_bulan_dari, e.umur_bulan_sampai, e.kbm_gram) for e in table.entries.all()
    )
    return table, KBMRule(entries=entries, scale_by_gap=table.scale_by_gap)


def recompute_in_progress() -> RecomputeRun | None:
    """A recompute queued or running (and not lost), if any."""
    since = timezone.now() - RUN_TIMEOUT
    return (
        RecomputeRun.objects.filter(finished_at__isnull=True, requested_at__gte=since)
        .order_by("-requested_at")
        .first()
    )


def recompute_runs_recent() -> list[RecomputeRun]:
    return list(RecomputeRun.objects.select_related("requested_by", "kbm_table")[:RECENT_RUNS])
