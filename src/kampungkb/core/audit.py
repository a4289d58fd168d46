"""The audit trail: services call :func:`audit_record` inside their transaction."""

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from kampungkb.core.models import AuditAction, AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the audited fields of ``obj`` as JSON-ready values (FKs by their id)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = _jsonable(getattr(obj, field.attname))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for the fields whose value changed."""
    keys = before.keys() | after.keys()
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in sorted(keys)
        if _jsonable(before.get(k)) != _jsonable(after.get(k))
    }


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model,
    wilayah_kode: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Write one audit entry for ``obj``; ``actor`` may be ``None`` for system jobs."""
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_username=actor_obj.get_username() if actor_obj else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        wilayah_kode=wilayah_kode,
        changes=_jsonable(changes or {}),
    )


def audited_save(
    obj: models.Model,
    *,
    actor,
    fields: Iterable[str],
    values: dict[str, Any] | None = None,
    wilayah_kode: str = "",
    clean: bool = True,
    clean_exclude: Iterable[str] | None = None,
    audit_values=None,
    created_as: str = "diff",
    record_unchanged: bool = False,
) -> dict[str, list[Any]]:
    """Apply ``values`` to ``obj``, validate, save and audit the change; return the changes.

    The one sequence every service follows for a single record: snapshot the audited
    ``fields``, set the new values, ``full_clean`` (unless ``clean`` is false, for services
    that validated already), save, and write a CREATE entry for a new object or an UPDATE
    entry listing ``{field: [old, new]}`` when something changed (nothing is written for an
    update that changed nothing, unless ``record_unchanged``, for settings pages that log
    every save). ``audit_values`` may transform a snapshot before it is stored (to mask a
    NIK, say). A CREATE entry records ``{field: [None, new]}``, or the plain
    values with ``created_as="values"`` (the growth records' older form, which readers of the
    trail already know). Call it inside the service's transaction.
    """
    fields = list(fields)
    creating = obj._state.adding
    shown = audit_values or (lambda snap: snap)
    before = {} if creating else shown(snapshot(obj, fields))
    for name, value in (values or {}).items():
        setattr(obj, name, value)
    if clean:
        obj.full_clean(exclude=list(clean_exclude) if clean_exclude else None)
    obj.save()
    after = shown(snapshot(obj, fields))
    changes = diff(before, after)
    if creating:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=obj,
            wilayah_kode=wilayah_kode,
            changes=after if created_as == "values" else changes,
        )
    elif changes or record_unchanged:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=obj,
            wilayah_kode=wilayah_kode,
            changes=changes,
        )
    return changes
