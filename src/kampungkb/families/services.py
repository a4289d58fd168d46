"""Writes of the families app that are not the import or the rule: the audit of a read."""

from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.families.models import Keluarga


def family_viewed(*, user, keluarga: Keluarga) -> None:
    """Record that a user opened a family's personal record."""
    audit_record(actor=user, action=AuditAction.VIEW, obj=keluarga, wilayah_kode=keluarga.desa_id)
