"""Writes of the families app that are not the import or the rule: the audit of a read, and
the correction of a family's address (its desa, RT, RW) that an import cannot make."""

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_read, audit_record, diff, snapshot
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit_area
from kampungkb.families.models import Keluarga
from kampungkb.growth.personal_data import list_area
from kampungkb.wilayah.models import Level, Wilayah

ADDRESS_FIELDS = ("desa", "rt", "rw", "alamat")


def family_viewed(*, user, keluarga: Keluarga) -> None:
    """Record that a user opened a family's personal record."""
    audit_record(actor=user, action=AuditAction.VIEW, obj=keluarga, wilayah_kode=keluarga.desa_id)


def families_listed(*, user, filters, count: int) -> None:
    """Record that a user listed families (their heads' names): the filters asked
    (``selectors.FamilyFilters``) and how many rounds matched; one entry a page."""
    asked = {k: v for k, v in dataclasses.asdict(filters).items() if v not in ("", None, False)}
    audit_read(
        actor=user,
        obj=Keluarga,
        wilayah_kode=list_area(user, filters.desa),
        details={"page": "family_list", **asked, "count": count},
    )


@transaction.atomic
def family_address_correct(
    *, user, keluarga: Keluarga, desa: Wilayah, rt: str, rw: str, alamat: str, alasan: str
) -> dict:
    """Correct where a family lives: a family imported into the wrong desa, or with a wrong
    RT, RW or address. An import never moves a family to another desa (its rows are refused),
    so this is the only way to. The user must be able to edit both the family's desa and the
    new one. Its survey rounds and members move with it (they belong to the family), so the
    KRS figures of both desa follow; each desa's audit trail gets the change and the reason.
    Returns the changes (``{field: [old, new]}``, empty when nothing changed)."""
    if not (can_edit_area(user, keluarga.desa_id) and can_edit_area(user, desa.kode)):
        raise PermissionDenied
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa or kelurahan.")})
    if not alasan.strip():
        raise ValidationError({"alasan": _("Say why the address is corrected.")})
    locked = Keluarga.objects.select_for_update().get(pk=keluarga.pk)
    before = snapshot(locked, ADDRESS_FIELDS)
    locked.desa, locked.rt, locked.rw, locked.alamat = desa, rt.strip(), rw.strip(), alamat.strip()
    changes = diff(before, snapshot(locked, ADDRESS_FIELDS))
    if not changes:
        return {}
    locked.save(update_fields=[*ADDRESS_FIELDS, "updated_at"])
    for kode in dict.fromkeys((before["desa"], desa.kode)):
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=locked,
            wilayah_kode=kode,
            changes={**changes, "alasan": alasan.strip()},
        )
    keluarga.desa, keluarga.rt, keluarga.rw, keluarga.alamat = (
        locked.desa,
        locked.rt,
        locked.rw,
        locked.alamat,
    )
    records_changed_on_commit(sender="families")
    return changes
