"""Writes of the families app that are not the import or the rule: the audit of a read."""

import dataclasses

from kampungkb.core.audit import audit_read, audit_record
from kampungkb.core.models import AuditAction
from kampungkb.families.models import Keluarga
from kampungkb.growth.personal_data import list_area


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
