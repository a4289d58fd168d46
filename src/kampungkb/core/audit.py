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
