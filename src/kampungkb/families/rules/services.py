"""Changing the KRS rule (as a new version, made the default) and running the recorded
recompute of every round's labels that follows.

The rule applies to the whole installation, so it is changed by whoever manages it
(``core.permissions.can_manage_installation``). The old version is kept: rounds labelled with
it still name it until the recompute has run.
"""

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_manage_installation
from kampungkb.families import krs
from kampungkb.families.labels import labels_compute
from kampungkb.families.models import KrsRecomputeRun, KrsRuleSet
from kampungkb.families.rules.selectors import krs_recompute_in_progress


def _flat(rules: dict, prefix: str = "") -> dict:
    """``{"factors.tua.from_years": 35, ...}``: the rule set as one level, for the diff."""
    out = {}
    for key, value in rules.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def rules_diff(before: dict, after: dict) -> dict[str, list]:
    """``{"factors.tua.from_years": [35, 36]}`` for each threshold that changed."""
    old, new = _flat(before), _flat(after)
    return {
        k: [old.get(k), new.get(k)]
        for k in sorted(old.keys() | new.keys())
        if old.get(k) != new.get(k)
    }


def next_version_kode(base) -> str:
    """The code of the next version of ``base`` (a KRS rule set or a catin threshold set):
    ``<stem>-v<n>``, the first number its model does not hold yet."""
    versions = type(base).objects
    stem = base.kode.split("-v")[0][:30]
    n = versions.filter(kode__startswith=f"{stem}-v").count() + 2
    while versions.filter(kode=f"{stem}-v{n}").exists():
        n += 1
    return f"{stem}-v{n}"


@transaction.atomic
def krs_rule_set_revise(
    *, user, base: KrsRuleSet, rules: dict, nama: str, sumber: str
) -> KrsRecomputeRun:
    """Save ``rules`` as a new version of ``base``, make it the default and record the
    recompute of every round's labels with it.

    Returns the run, still to be queued: ``families.tasks.krs_recompute_enqueue(run)``.
    """
    if not can_manage_installation(user):
        raise PermissionDenied
    try:
        krs.check_rules(rules)
    except krs.KrsRuleError as error:
        raise ValidationError(
            _("The rule set is not valid: %(error)s") % {"error": error}
        ) from error
    current = KrsRuleSet.objects.select_for_update().filter(is_default=True).first()
    if krs_recompute_in_progress() is not None:
        raise ValidationError(_("A recompute is still running. Save again when it has finished."))
    changes = rules_diff(current.rules if current else {}, rules)
    if not changes:
        raise ValidationError(_("Nothing changed: the rule set is the same as the default one."))
    KrsRuleSet.objects.filter(is_default=True).update(is_default=False)
    new = KrsRuleSet.objects.create(
        kode=next_version_kode(base),
        nama=nama[:150],
        sumber=sumber[:300],
        rules=rules,
        is_default=True,
    )
    changes["default_rule_set"] = [current.kode if current else None, new.kode]
    audit_record(actor=user, action=AuditAction.UPDATE, obj=new, changes=changes)
    return KrsRecomputeRun.objects.create(
        requested_by=user if getattr(user, "pk", None) else None,
        reason=(_("KRS rule set: %(kode)s") % {"kode": new.kode})[:200],
        rule_set=new,
    )


def krs_recompute_run_claim(run_id: int) -> KrsRecomputeRun | None:
    """Mark a queued run as started and return it; None if it was started already or is gone.
    One UPDATE, so two workers cannot both claim it."""
    claimed = KrsRecomputeRun.objects.filter(pk=run_id, started_at__isnull=True).update(
        started_at=timezone.now()
    )
    return KrsRecomputeRun.objects.get(pk=run_id) if claimed else None


def krs_recompute_run_execute(run: KrsRecomputeRun) -> int:
    """Recompute every round's labels with the run's rule set (the default when it has none),
    recording progress after each chunk, then the end, the count and the time (or the
    error). Returns the number of rounds labelled."""
    if run.started_at is None:
        run.started_at = timezone.now()
        run.save(update_fields=["started_at"])
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        KrsRecomputeRun.objects.filter(pk=run.pk).update(done=done, total=total)

    try:
        rows = labels_compute(None, rule_set=run.rule_set, progress=progress)
    except BaseException as error:
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        if not connection.in_atomic_block and connection.connection and not connection.is_usable():
            connection.close()
        run.save(update_fields=["error", "finished_at"])
        raise
    run.rows = run.done = run.total = rows
    run.seconds = round(time.perf_counter() - started, 2)
    run.finished_at = timezone.now()
    run.save(update_fields=["rows", "done", "total", "seconds", "finished_at"])
    return rows
