"""Choosing the default KBM table, and the recompute of every measurement that follows.

The default table applies to the whole installation (every stored growth code comes from it),
so it is chosen by the system administrator, or by the Admin Kabupaten when the installation
serves their kabupaten alone. Choosing it records who and when in the audit trail and queues a
recompute (``tasks.measurements_recompute``), which the page follows as a ``RecomputeRun``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_manage_installation
from kampungkb.growth.models import KBMTable, RecomputeRun
from kampungkb.growth.recompute import RecomputeResult, measurements_recompute_all

#: Recomputes listed on the page.
RECENT_RUNS = 10
#: A recompute queued or started longer ago than this without finishing is taken as lost
#: (a worker that stopped) and no longer holds back the next one.
RUN_TIMEOUT = datetime.timedelta(hours=1)


def kbm_tables_list() -> list[KBMTable]:
    """Every KBM table with its entries, the default first."""
    return list(KBMTable.objects.prefetch_related("entries").order_by("-is_default", "kode"))


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


@transaction.atomic
def kbm_default_set(*, user, table: KBMTable) -> RecomputeRun:
    """Make ``table`` the default KBM table and queue a recompute of every measurement."""
    if not can_manage_installation(user):
        raise PermissionDenied
    current = KBMTable.objects.select_for_update().filter(is_default=True).first()
    if recompute_in_progress() is not None:
        # Two recomputes with different tables could finish in the wrong order.
        raise ValidationError(_("A recompute is still running. Choose again when it has finished."))
    if current is not None and current.pk == table.pk:
        raise ValidationError(_("%(table)s is already the default KBM table.") % {"table": table})
    KBMTable.objects.filter(is_default=True).update(is_default=False)
    KBMTable.objects.filter(pk=table.pk).update(is_default=True)
    table.is_default = True
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=table,
        changes={"default_kbm_table": [current.kode if current else None, table.kode]},
    )
    return recompute_request(
        user=user, reason=_("Default KBM table: %(kode)s") % {"kode": table.kode}
    )


def recompute_request(*, user, reason: str) -> RecomputeRun:
    """Record a recompute and queue it once the current transaction commits."""
    from kampungkb.growth.tasks import measurements_recompute

    run = RecomputeRun.objects.create(
        requested_by=user if getattr(user, "pk", None) else None,
        reason=reason[:200],
        kbm_table=KBMTable.objects.filter(is_default=True).first(),
    )
    transaction.on_commit(lambda: measurements_recompute.enqueue(run_id=run.pk))
    return run


def recompute_run_claim(run_id: int) -> RecomputeRun | None:
    """Mark a queued run as started and return it; None if it was started already (a task
    delivered twice) or is gone. One UPDATE, so two workers cannot both claim it."""
    claimed = RecomputeRun.objects.filter(pk=run_id, started_at__isnull=True).update(
        started_at=timezone.now()
    )
    return RecomputeRun.objects.get(pk=run_id) if claimed else None


def recompute_run_execute(run: RecomputeRun, **options) -> RecomputeResult:
    """Run the recompute of ``run`` now and record its start, end and counts (or its error,
    also when the worker is stopped half-way).

    ``options`` go to ``measurements_recompute_all`` (``batch_children``, ``force``,
    ``progress``).
    """
    if run.started_at is None:
        run.started_at = timezone.now()
        run.save(update_fields=["started_at"])
    try:
        result = measurements_recompute_all(**options)
    except BaseException as error:
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        if not connection.in_atomic_block and connection.connection and not connection.is_usable():
            connection.close()  # a lost connection: the save below opens a new one
        run.save(update_fields=["error", "finished_at"])
        raise
    run.rows, run.written, run.relabelled = result.rows, result.written, result.relabelled
    run.seconds = round(result.seconds, 2)
    run.finished_at = timezone.now()
    run.save(update_fields=["rows", "written", "relabelled", "seconds", "finished_at"])
    return result
