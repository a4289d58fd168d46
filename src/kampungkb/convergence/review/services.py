"""Writes of the annual review: a Kampung KB's recorded indicator values (by whoever edits its
desa) and the evaluation runs (by the district admin; ``user=None``: the system)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.guards import author, ensure_area_editor, ensure_district_admin
from kampungkb.convergence.review import scoring
from kampungkb.convergence.review.models import Evaluation, IndicatorDefinition, IndicatorRecord
from kampungkb.convergence.review.selectors import indicator_values, rule_set_for_year
from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.wilayah.models import KampungKB


@transaction.atomic
def indicator_values_save(*, user, kampung: KampungKB, tahun: int, values: dict) -> int:
    """Save a Kampung KB's recorded indicators for a year (kode → value; ``None`` clears)."""
    ensure_area_editor(user, kampung.desa_id)
    ensure_not_in_future(tahun=tahun)
    defs = {d.kode: d for d in IndicatorDefinition.objects.filter(computed=False)}
    changed = {}
    for kode, value in values.items():
        if kode not in defs:
            raise ValidationError(_("Unknown indicator %(kode)s.") % {"kode": kode})
        if value is None:
            if IndicatorRecord.objects.filter(
                kampung=kampung, tahun=tahun, indicator=defs[kode]
            ).delete()[0]:
                changed[kode] = None
            continue
        if value < 0 or (defs[kode].satuan == "%" and value > 100):
            raise ValidationError(
                {kode: _("%(name)s: enter a value from 0 to 100.") % {"name": defs[kode].nama}}
                if defs[kode].satuan == "%"
                else {
                    kode: _("%(name)s: the value cannot be negative.") % {"name": defs[kode].nama}
                }
            )
        IndicatorRecord.objects.update_or_create(
            kampung=kampung,
            tahun=tahun,
            indicator=defs[kode],
            defaults={"nilai": value, "recorded_by": author(user)},
        )
        changed[kode] = value
    if changed:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=kampung,
            wilayah_kode=kampung.desa_id,
            changes={"indicators": {"tahun": tahun, **changed}},
        )
    return len(changed)


@transaction.atomic
def evaluation_run(*, user, tahun: int, kampungs=None) -> list[Evaluation]:
    """Score and classify each Kampung KB (of the user's area) for a year with the rule set
    valid that year; every run is stored, the newest is current."""
    ensure_district_admin(user)
    rule_set = rule_set_for_year(tahun)
    if rule_set is None:
        raise ValidationError(_("No maturity rule set is valid for %(year)s.") % {"year": tahun})
    if kampungs is None:
        kampungs = KampungKB.objects.for_user(user) if user is not None else KampungKB.objects.all()
    out = []
    for kampung in kampungs:
        values = indicator_values(kampung=kampung, tahun=tahun)
        result = scoring.evaluate(values, rule_set.rules)
        ev = Evaluation.objects.create(
            kampung=kampung,
            tahun=tahun,
            rule_set=rule_set,
            skor_manajemen=result.management.score,
            skor_kontribusi=result.contribution.score,
            tingkat=result.level or "",
            detail={**result.as_dict(), "values": values},
            created_by=author(user),
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=ev,
            wilayah_kode=kampung.desa_id,
            changes={"tahun": tahun, "rule_set": rule_set.kode, "tingkat": ev.tingkat},
        )
        out.append(ev)
    return out
