"""The audit trail: services call :func:`audit_record` inside their transaction."""

import datetime
import decimal
import json
import re
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from kampungkb.core.bulk import bulk_insert
from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.core.privacy import mask_nik

# Keys whose values are NIKs wherever they appear in an entry's changes: the trail never
# keeps a whole one, whichever service wrote it.
NIK_KEYS = frozenset({"nik", "nik_ibu"})
# A run of digits long enough to be a NIK (or most of one) typed into a search box.
_DIGIT_RUN = re.compile(r"\d{9,}")


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


def mask_niks(changes: Any) -> Any:
    """Return ``changes`` with every value under a NIK key masked (``[old, new]`` pairs too)."""
    if isinstance(changes, dict):
        return {k: _masked_value(v) if k in NIK_KEYS else mask_niks(v) for k, v in changes.items()}
    if isinstance(changes, list):
        return [mask_niks(v) for v in changes]
    return changes


def _without_nul(value: Any) -> Any:
    # PostgreSQL stores no NUL character in text or JSON; a search typed in may hold one.
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def _masked_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_masked_value(v) for v in value]
    return mask_nik(value) if isinstance(value, str) else value


def mask_search(text: str) -> str:
    """A search as the trail keeps it: a NIK (or a long start of one) typed in is masked.

    >>> mask_search("1906012345670001")
    '1906********0001'
    >>> mask_search("siti 1906")
    'siti 1906'
    """
    return _DIGIT_RUN.sub(lambda m: mask_nik(m.group()), text or "")


def _actor(actor):
    """The acting user (``None`` for the system) and the name the trail keeps for it."""
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return actor_obj, actor_obj.get_username() if actor_obj else "system"


def _stored(changes: dict | None) -> Any:
    """``changes`` as the trail keeps them: JSON values, NIKs masked, no NUL character."""
    return _without_nul(mask_niks(_jsonable(changes or {})))


class _Unusual(Exception):
    """A value :func:`_kept` leaves to the three passes of :func:`_stored`."""


_AS_IS = frozenset((int, float, bool, type(None)))
_AS_TEXT = {
    datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,
    decimal.Decimal: str,
}


def _kept(value: Any, nik: bool = False) -> Any:
    """What :func:`_stored` makes of ``value`` (``nik``: it is, or is in a list, under a NIK
    key), in one pass: an import writes an entry per measurement it changes, and three
    recursive passes over each were most of the time of its audit. Values of other exact
    types than the common ones raise :class:`_Unusual`."""
    cls = value.__class__
    if cls is str or cls in _AS_TEXT:
        text = value if cls is str else _AS_TEXT[cls](value)
        if nik:
            text = mask_nik(text)
        return text.replace("\x00", "") if "\x00" in text else text
    if cls in _AS_IS:
        return value
    if cls is list or cls is tuple:
        return [_kept(v, nik) for v in value]
    if cls is dict and not nik:
        return {k: _kept(v, k in NIK_KEYS) for k, v in value.items()}
    if isinstance(value, models.Model) and not nik:
        return _kept(str(value.pk))
    raise _Unusual


def _stored_fast(changes: dict | None) -> Any:
    """:func:`_stored`, in one pass for the common values."""
    try:
        return _kept(changes or {})
    except _Unusual:
        return _stored(changes)


def audit_entry(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | type[models.Model],
    wilayah_kode: str = "",
    changes: dict | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Build (not save) one audit entry; :func:`audit_record` saves it.

    ``obj`` is the record concerned, or its model class for what concerns no single record
    (a list, a search, an export, a login with an unknown username): then the object id is
    empty and ``object_repr`` says what it was. NIKs in ``changes`` are masked.
    """
    actor_obj, username = _actor(actor)
    one = isinstance(obj, models.Model)
    if object_repr is None:
        object_repr = str(obj) if one else str(obj._meta.verbose_name_plural)
    return AuditEntry(
        actor=actor_obj,
        actor_username=username,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk) if one else "",
        object_repr=_without_nul(object_repr)[:200],
        wilayah_kode=wilayah_kode or "",
        changes=_stored(changes),
    )


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | type[models.Model],
    wilayah_kode: str = "",
    changes: dict | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Write one audit entry for ``obj``; ``actor`` may be ``None`` for system jobs."""
    entry = audit_entry(
        actor=actor,
        action=action,
        obj=obj,
        wilayah_kode=wilayah_kode,
        changes=changes,
        object_repr=object_repr,
    )
    entry.save()
    return entry


def audit_records_bulk(
    *, actor, action: AuditAction | str, items: Iterable[tuple[models.Model, str, dict]]
) -> None:
    """Write one entry per ``(obj, wilayah_kode, changes)`` of ``items`` at once (an import's
    updates), as :func:`audit_record` would, through ``core.bulk``: no model instance per
    entry, COPY on PostgreSQL. NIKs are masked the same way."""
    actor_obj, username = _actor(actor)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = [
        "at", "actor", "actor_username", "action", "object_type", "object_id", "object_repr",
        "wilayah_kode", "changes",
    ]  # fmt: skip

    def rows():
        for obj, wilayah_kode, changes in items:
            yield [
                at,
                actor_obj.pk if actor_obj else None,
                username,
                str(action),
                obj._meta.label_lower,
                str(obj.pk),
                _without_nul(str(obj))[:200],
                wilayah_kode or "",
                json.dumps(_stored_fast(changes), ensure_ascii=False),
            ]

    bulk_insert(AuditEntry, fields, rows())


def audit_read(
    *,
    actor,
    obj: models.Model | type[models.Model],
    wilayah_kode: str = "",
    details: dict | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Record that ``actor`` was shown personal data: one entry per page or download.

    ``obj`` is the record shown, or its model class for a list, a search or an export;
    ``details`` says what was shown (the page, the filters, how many rows, whether whole
    NIKs), never the personal data itself: a search typed in goes through
    :func:`mask_search` first.
    """
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=obj,
        wilayah_kode=wilayah_kode,
        changes=details,
        object_repr=object_repr,
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
