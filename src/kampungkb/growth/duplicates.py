"""Children registered twice, or by mistake: a duplicate record merged into the record kept,
a record registered by mistake removed.

A child registered twice (again at a session with a typo in the name, once more by an
e-PPGBM import without NIK) is counted twice in every denominator until a person merges the
two. The records that point to a child are found through the model registry
(``Child._meta.related_objects``): growth imports no app above it, and a new reference to
``growth.Child`` is moved by a merge without a change here.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import PROTECT, ProtectedError
from django.dispatch import Signal
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kampungkb.core.audit import audit_record, snapshot
from kampungkb.core.models import AuditAction
from kampungkb.core.privacy import mask_nik
from kampungkb.growth.models import Child, Measurement
from kampungkb.growth.services import (
    CHILD_FIELDS,
    MAX_AGE_DAYS,
    _audit_child_values,
    _ensure_may_edit,
    _validate_child,
    analytics_refresh_on_commit,
    measurements_recompute_child,
)

#: Sent by :func:`child_merge_plan` with ``duplicate`` and ``kept``: each receiver (an app
#: above growth whose records point to children) returns the reasons, in its own words, why
#: the two may not be merged as they stand (a list, empty when none).
child_merge_checked = Signal()

#: The kept child's fields a merge fills from the duplicate, where the kept one is empty.
#: Never its name, sex, date of birth or desa: those the person merging has compared.
FILLED_FIELDS = (
    "nik", "nama_ibu", "nik_ibu", "berat_lahir", "panjang_lahir", "posyandu",
    "punya_buku_kia", "dusun", "rt", "rw", "alamat",
)  # fmt: skip


def _ensure_reason(alasan: str) -> str:
    reason = (alasan or "").strip()
    if not reason:
        raise ValidationError({"alasan": _("Say why: it is kept in the audit trail.")})
    return reason


def _gone() -> str:
    # A record merged or deleted by someone else since the page was shown.
    return _("The record was merged or deleted meanwhile: open the list of children again.")


def _dates(days) -> str:
    return ", ".join(date_format(d, "j M Y") for d in sorted(days))


def _references(child: Child) -> list[tuple]:
    """The other records that point to ``child``, but its measurements: ``(relation, ids)``
    for each kind that has some."""
    found = []
    for rel in Child._meta.related_objects:
        if rel.related_model is Measurement:
            continue
        ids = list(
            rel.related_model._base_manager.filter(**{rel.field.name: child.pk})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            found.append((rel, ids))
    return found


def _label(rel) -> str:
    return str(rel.related_model._meta.verbose_name_plural)


def _key(rel) -> str:
    return rel.related_model._meta.label_lower


@dataclass
class MergePlan:
    """What merging ``duplicate`` into ``kept`` would do, and why it may not be done
    (``problems``): what the confirmation page shows and what :func:`child_merge` does."""

    duplicate: Child
    kept: Child
    measurement_dates: list[datetime.date]
    #: Days both records have a measurement on: one of the two would be lost.
    clashes: list[datetime.date]
    #: Days of the duplicate's measurements the kept child's birth date cannot have.
    outside: list[datetime.date]
    #: The kept child's empty fields filled from the duplicate: {field: value}.
    filled: dict
    #: The other records pointing to the duplicate, moved to the kept child: [(label, n)].
    links: list[tuple[str, int]]
    problems: list[str] = field(default_factory=list)
    #: The fields whose values differ: [(label, duplicate's, kept's)], for the person to see.
    differences: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def filled_labels(self) -> list[str]:
        return [str(Child._meta.get_field(name).verbose_name) for name in self.filled]


def child_merge_plan(*, duplicate: Child, kept: Child) -> MergePlan:
    """Say what merging ``duplicate`` into ``kept`` would move and fill, what differs
    between the two records, and what forbids the merge."""
    dup_days = list(duplicate.measurements.order_by("tanggal").values_list("tanggal", flat=True))
    kept_days = set(kept.measurements.values_list("tanggal", flat=True))
    clashes = [d for d in dup_days if d in kept_days]
    outside = [
        d
        for d in dup_days
        if d < kept.tanggal_lahir or (d - kept.tanggal_lahir).days > MAX_AGE_DAYS
    ]
    filled = {
        name: getattr(duplicate, name)
        for name in FILLED_FIELDS
        if _empty(getattr(kept, name)) and not _empty(getattr(duplicate, name))
    }
    plan = MergePlan(
        duplicate=duplicate,
        kept=kept,
        measurement_dates=dup_days,
        clashes=clashes,
        outside=outside,
        filled=filled,
        links=[(_label(rel), len(ids)) for rel, ids in _references(duplicate)],
    )
    plan.problems = _merge_problems(plan)
    if duplicate.pk != kept.pk:
        for _receiver, problems in child_merge_checked.send(
            sender=Child, duplicate=duplicate, kept=kept
        ):
            plan.problems += list(problems or [])
    plan.differences = _differences(duplicate, kept)
    return plan


def _empty(value) -> bool:
    return value is None or value == ""


def _merge_problems(plan: MergePlan) -> list[str]:
    dup, kept = plan.duplicate, plan.kept
    if dup.pk == kept.pk:
        return [_("A record cannot be merged with itself: choose the child's other record.")]
    problems = []
    if dup.desa_id != kept.desa_id:
        problems.append(
            _(
                "The two records are in different desa: only records of the same desa are "
                "merged. If the child moved, change the desa of one record first (Edit)."
            )
        )
    if dup.jenis_kelamin != kept.jenis_kelamin:
        # Z-scores are by sex; and twins share a birth date and a mother.
        problems.append(
            _(
                "The two records differ in sex: they may be two children (twins?). If the sex "
                "of one was mistyped, correct it first (Edit), then merge."
            )
        )
    if dup.nik and kept.nik and dup.nik != kept.nik:
        problems.append(
            _(
                "The two records have different NIKs, and a NIK is one person: check them. If "
                "one NIK is wrong, correct it first (Edit), then merge."
            )
        )
    if plan.clashes:
        # Refused rather than keeping one of the two: which weighing is right only the
        # person who knows the child can tell, and a kept one chosen here would be lost work.
        problems.append(
            _(
                "Both records have a measurement on %(dates)s: one of them would be lost. "
                "Correct or delete one of the two (on its record's page), then merge."
            )
            % {"dates": _dates(plan.clashes)}
        )
    if plan.outside:
        problems.append(
            _(
                "This record's measurements of %(dates)s are before the date of birth of the "
                "record kept, or after its fifth birthday. Check the dates of birth first."
            )
            % {"dates": _dates(plan.outside)}
        )
    return problems


#: The fields the confirmation page compares (besides the name, which it always shows).
COMPARED_FIELDS = (
    "jenis_kelamin", "tanggal_lahir", "nik", "nama_ibu", "nik_ibu", "posyandu",
    "dusun", "rt", "rw", "alamat",
)  # fmt: skip


def _shown(child: Child, name: str) -> str:
    value = getattr(child, name)
    if name in ("nik", "nik_ibu"):
        return mask_nik(value)
    if name == "jenis_kelamin":
        return child.get_jenis_kelamin_display()
    if isinstance(value, datetime.date):
        return date_format(value, "j M Y")
    return "" if value is None else str(value)


def _differences(dup: Child, kept: Child) -> list[tuple[str, str, str]]:
    out = []
    for name in COMPARED_FIELDS:
        # Compared as stored (two NIKs masked alike may differ), shown masked.
        key = Child._meta.get_field(name).attname
        if getattr(dup, key) != getattr(kept, key):
            label = str(Child._meta.get_field(name).verbose_name)
            out.append((label, _shown(dup, name), _shown(kept, name)))
    return out


@transaction.atomic
def child_merge(*, user, duplicate: Child, kept: Child, alasan: str) -> MergePlan:
    """Merge ``duplicate`` (a second record of the same child) into ``kept``: its
    measurements and every record pointing to it move to ``kept``, the kept record's empty
    fields are filled from it, it is deleted, and the kept child's measurements are computed
    again as one series; both records' audit entries name the other and say why (``alasan``).

    Refused (``ValidationError``, nothing changed) for the cases ``child_merge_plan`` lists
    in its ``problems``: the same record, another desa, another sex, two different NIKs, a
    day both records have a measurement on, measurements the kept birth date cannot have.
    """
    # Both rows locked, in a fixed order: two merges of the same pair wait for each other.
    locked = {
        c.pk: c
        for c in Child.objects.select_for_update()
        .filter(pk__in={duplicate.pk, kept.pk})
        .order_by("pk")
    }
    if duplicate.pk not in locked or kept.pk not in locked:
        raise ValidationError(_gone())
    dup, keep = locked[duplicate.pk], locked[kept.pk]
    dup_pk = dup.pk
    _ensure_may_edit(user, dup.desa_id)
    _ensure_may_edit(user, keep.desa_id)
    reason = _ensure_reason(alasan)
    plan = child_merge_plan(duplicate=dup, kept=keep)
    if plan.problems:
        raise ValidationError(plan.problems)
    dup_before = _audit_child_values(snapshot(dup, CHILD_FIELDS))
    kept_before = _audit_child_values(snapshot(keep, CHILD_FIELDS))
    moved = list(dup.measurements.order_by("tanggal").values_list("pk", flat=True))
    Measurement.objects.filter(pk__in=moved).update(child=keep)
    relinked = {}
    for rel, ids in _references(dup):
        rel.related_model._base_manager.filter(pk__in=ids).update(**{rel.field.name: keep})
        relinked[_key(rel)] = ids
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=dup,
        wilayah_kode=dup.desa_id,
        changes={**dup_before, "merged_into": keep.pk, "alasan": reason},
    )
    dup.delete()  # its NIK is free for the kept record from here
    for name, value in plan.filled.items():
        setattr(keep, name, value)
    if plan.filled:
        _validate_child(keep)
        keep.save()
    kept_after = _audit_child_values(snapshot(keep, CHILD_FIELDS))
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=keep,
        wilayah_kode=keep.desa_id,
        changes={
            **{k: [kept_before[k], v] for k, v in kept_after.items() if kept_before[k] != v},
            "merged_from": {"id": dup_pk, "nama": dup.nama},
            "measurements_moved": moved,
            "records_moved": relinked,
            "alasan": reason,
        },
    )
    # The growth codes follow the previous weighing, now of one series.
    measurements_recompute_child(child=keep)
    analytics_refresh_on_commit()
    plan.kept = keep
    return plan


def child_delete_problems(child: Child) -> list[str]:
    """Why ``child`` may not be deleted as registered by mistake: it has measurements (a
    child registered twice is merged, which keeps them) or records that must keep it (a TPK
    target)."""
    problems = []
    n = child.measurements.count()
    if n:
        problems.append(
            ngettext(
                "This child has %(n)d measurement: a record of a real child is never deleted. "
                "If the child is registered twice, merge this record into the other one "
                "(Merge with another child), which keeps the measurements.",
                "This child has %(n)d measurements: a record of a real child is never deleted. "
                "If the child is registered twice, merge this record into the other one "
                "(Merge with another child), which keeps the measurements.",
                n,
            )
            % {"n": n}
        )
    for rel, ids in _references(child):
        if rel.on_delete is PROTECT:
            problems.append(
                _(
                    "Other records still refer to this child (%(what)s: %(n)d). If the child "
                    "is registered twice, merge this record into the other one (Merge with "
                    "another child), which moves them."
                )
                % {"what": _label(rel), "n": len(ids)}
            )
    return problems


@transaction.atomic
def child_delete(*, user, child: Child, alasan: str) -> None:
    """Delete a child registered by mistake, saying why in ``alasan``. Refused
    (``ValidationError``) while it has measurements or a record that must keep it
    (``child_delete_problems``); family members linked to it are unlinked (listed in the
    trail)."""
    child = Child.objects.select_for_update().filter(pk=child.pk).first()
    if child is None:
        raise ValidationError(_gone())
    _ensure_may_edit(user, child.desa_id)
    reason = _ensure_reason(alasan)
    problems = child_delete_problems(child)
    if problems:
        raise ValidationError(problems)
    unlinked = {_key(rel): ids for rel, ids in _references(child)}
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=child,
        wilayah_kode=child.desa_id,
        changes={
            **_audit_child_values(snapshot(child, CHILD_FIELDS)),
            "records_unlinked": unlinked,
            "alasan": reason,
        },
    )
    try:
        with transaction.atomic():
            child.delete()
    except ProtectedError as exc:  # a reference added since the check above
        raise ValidationError(child_delete_problems(child) or [str(exc)]) from exc
    analytics_refresh_on_commit()
