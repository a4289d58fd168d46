"""Writes of the scorecard: the KPM's entered cells (audited in the same transaction)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import AuditAction, audit_read, audit_record, audited_save
from kampungkb.core.events import records_changed_on_commit
from kampungkb.families.tpk.models import Target
from kampungkb.families.tpk.scorecard import derive
from kampungkb.families.tpk.scorecard.catalogue import BY_KEY
from kampungkb.families.tpk.scorecard.facts import facts_load
from kampungkb.families.tpk.scorecard.models import CellValue, ScorecardEntry
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.families.tpk.services import ensure_may_work

ENTRY_FIELDS = ("target", "tahun", "kuartal", "indikator", "nilai", "entered_by")


def allowed_values(key: str) -> list[str]:
    """What the KPM may enter for indicator ``key``: Y or T, and TS where the data cannot
    tell whether the indicator applies."""
    values = [CellValue.Y, CellValue.T]
    return [*values, CellValue.TS] if key in derive.TS_ENTERABLE else values


@transaction.atomic
def scorecard_entry_save(
    *,
    user,
    target: Target,
    quarter: Quarter,
    indikator: str,
    nilai: str,
    today: datetime.date | None = None,
    is_synthetic: bool = False,
) -> derive.Cell:
    """Enter (or, with an empty ``nilai``, clear) the KPM's value of one cell; return the
    cell as the scorecard now shows it.

    Refused for a cell a rule (TS) or the data decide: the entry would never count.
    """
    ensure_may_work(user, target.desa_id)
    today = today or datetime.date.today()
    indicator = BY_KEY.get(indikator)
    if indicator is None:
        raise ValidationError({"indikator": _("Choose an indicator of the scorecard.")})
    if quarter > Quarter.of(today):
        raise ValidationError({"kuartal": _("A quarter still to come cannot be filled.")})
    facts = facts_load([target], quarter, today=today)
    found = [c for c in derive.contexts([target], facts) if c.group == indicator.group]
    if not found:
        raise ValidationError(
            {"indikator": _("This indicator is not of this target in %(q)s.") % {"q": quarter}}
        )
    ctx = found[0]
    current = derive.cell(ctx, indikator)
    if not current.editable:
        raise ValidationError(
            {"nilai": _("This cell comes from the data (%(note)s): it cannot be entered.")
             % {"note": current.note or current.value}}
        )  # fmt: skip
    nilai = (nilai or "").strip().upper()
    entry = ScorecardEntry.objects.filter(
        target=target, tahun=quarter.tahun, kuartal=quarter.kuartal, indikator=indicator.key
    ).first()
    if not nilai:
        if entry is not None:
            audit_record(
                actor=user,
                action=AuditAction.DELETE,
                obj=entry,
                wilayah_kode=target.desa_id,
                changes={"nilai": [entry.nilai, None]},
            )
            entry.delete()
            records_changed_on_commit(sender="families")  # TPK summaries
        return derive.cell(ctx, indikator)
    if nilai not in allowed_values(indicator.key):
        raise ValidationError(
            {
                "nilai": _("Enter %(values)s.")
                % {"values": " / ".join(allowed_values(indicator.key))}
            }
        )
    entry = entry or ScorecardEntry(is_synthetic=is_synthetic)
    audited_save(
        entry,
        actor=user,
        fields=ENTRY_FIELDS,
        values={
            "target": target,
            "tahun": quarter.tahun,
            "kuartal": quarter.kuartal,
            "indikator": indicator.key,
            "nilai": nilai,
            "entered_by": user if getattr(user, "pk", None) else None,
        },
        wilayah_kode=target.desa_id,
    )
    records_changed_on_commit(sender="families")  # TPK summaries
    return derive.cell(ctx, indikator, nilai)


def scorecard_viewed(*, user, desa, quarter: Quarter, rows: int) -> None:
    """Record that the names of a desa's scorecard were shown."""
    audit_read(
        actor=user,
        obj=ScorecardEntry,
        wilayah_kode=desa.kode,
        details={"page": "scorecard", "quarter": quarter.code, "rows": rows},
        object_repr=f"{desa.nama} {quarter}",
    )
