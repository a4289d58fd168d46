"""Choosing the default KBM table, and running the recorded recompute that follows it.

The default table applies to the whole installation (every stored growth code comes from it),
so it is chosen by the system administrator, or by the Admin Kabupaten when the installation
serves their kabupaten alone. Choosing it records who and when in the audit trail and records a
``RecomputeRun``, which the caller queues (``kbm.tasks.recompute_enqueue``) and the page follows.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_manage_installation
from kampungkb.growth.kbm.recompute import RecomputeResult, measurements_recompute_all
from kampungkb.growth.kbm.selectors import recompute_in_progress
from kampungkb.growth.models import KBMTable, RecomputeRun


@transaction.atomic
def kbm_default_set(*, user, table: KBMTable) -> RecomputeRun:
    """Make ``table`` the default KBM table and record the recompute of every measurement.

    Returns the run, still to be queued: ``kbm.tasks.recompute_enqueue(run)``.
    """
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
    return recompute_run_create(
        user=user, reason=_("Default KBM table: %(kode)s") % {"kode": table.kode}
    )


def recompute_run_create(*, user, reason: str) -> RecomputeRun:
    """Record a recompute of every measurement with the default KBM table (not yet queued)."""
    return RecomputeRun.objects.create(
        requested_by=user if getattr(user, "pk", None) else None,
        reason=reason[:200],
        kbm_table=KBMTable.objects.filter(is_default=True).first(),
    )


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
