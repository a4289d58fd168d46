"""Writes of the annual review: a Kampung KB's recorded indicator values (by whoever edits its
desa) and the evaluation runs (by the district admin; ``user=None``: the system).

The computed level follows its inputs: saving indicators, recording a coaching visit and
rebuilding the analytics summaries (stunting, coverage) re-evaluate the Kampung KB concerned
(``evaluations_refresh``), so no page shows a level older than its values. Every evaluation
is kept; a refresh stores a new one only when the result changed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.guards import author, ensure_area_editor, ensure_district_admin
from kampungkb.convergence.review import scoring
from kampungkb.convergence.review.models import Evaluation, IndicatorDefinition, IndicatorRecord
from kampungkb.convergence.review.selectors import (
    indicator_values_many,
    latest_evaluations,
    launched_by,
    rule_set_for_year,
)
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
    records = IndicatorRecord.objects.filter(kampung=kampung, tahun=tahun)
    stored = {r.indicator.kode: r for r in records.select_related("indicator")}
    # The page sends every field again: only the values that differ are written, and the
    # trail keeps them old and new (a correction is read there, not the whole form again).
    changed = {}
    for kode, value in values.items():
        if kode not in defs:
            raise ValidationError(_("Unknown indicator %(kode)s.") % {"kode": kode})
        record = stored.get(kode)
        old = record.nilai if record is not None else None
        if value is None:
            if record is not None:
                record.delete()
                changed[kode] = [old, None]
            continue
        if value < 0 or (defs[kode].satuan == "%" and value > 100):
            raise ValidationError(
                {kode: _("%(name)s: enter a value from 0 to 100.") % {"name": defs[kode].nama}}
                if defs[kode].satuan == "%"
                else {
                    kode: _("%(name)s: the value cannot be negative.") % {"name": defs[kode].nama}
                }
            )
        if old == value:
            continue
        IndicatorRecord.objects.update_or_create(
            kampung=kampung,
            tahun=tahun,
            indicator=defs[kode],
            defaults={"nilai": value, "recorded_by": author(user)},
        )
        changed[kode] = [old, value]
    if changed:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=kampung,
            wilayah_kode=kampung.desa_id,
            changes={"indicators": {"tahun": tahun, **changed}},
        )
        evaluations_refresh(tahun=tahun, kampungs=[kampung], user=user)
    return len(changed)


def _evaluation_create(*, user, kampung, tahun, rule_set, values) -> Evaluation:
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
    return ev


def _same_result(ev: Evaluation, rule_set, values: dict) -> bool:
    return ev.rule_set_id == rule_set.pk and ev.detail.get("values") == values


@transaction.atomic
def evaluations_refresh(*, tahun: int, kampungs=None, user=None) -> list[Evaluation]:
    """Re-evaluate Kampung KB whose inputs may have changed (all when ``kampungs`` is None)
    for a year; a new evaluation is stored only where the values differ from the newest.

    Only a Kampung KB with indicators recorded or an evaluation stored for the year is
    (re-)evaluated: without either it has no level to keep current. Called by the writes that
    feed the indicators (no permission of its own: the write that calls it has checked its
    user; ``user`` is recorded as the author)."""
    rule_set = rule_set_for_year(tahun)
    if rule_set is None:
        return []
    kampungs = list(KampungKB.objects.all() if kampungs is None else kampungs)
    latest = latest_evaluations([k.pk for k in kampungs], tahun)
    recorded = set(
        IndicatorRecord.objects.filter(kampung__in=kampungs, tahun=tahun).values_list(
            "kampung_id", flat=True
        )
    )
    kampungs = launched_by([k for k in kampungs if k.pk in recorded or k.pk in latest], tahun)
    if not kampungs:
        return []
    values_of = indicator_values_many(kampungs=kampungs, tahun=tahun)
    out = []
    for kampung in kampungs:
        values = values_of[kampung.pk]
        current = latest.get(kampung.pk)
        if current is not None and _same_result(current, rule_set, values):
            continue
        out.append(
            _evaluation_create(
                user=user, kampung=kampung, tahun=tahun, rule_set=rule_set, values=values
            )
        )
    return out


def evaluations_refresh_all(**_signal) -> int:
    """Re-evaluate every year that has evaluations (after the analytics summaries changed:
    stunting prevalence, its trend and the measured coverage come from them)."""
    years = sorted(set(Evaluation.objects.values_list("tahun", flat=True)))
    return sum(len(evaluations_refresh(tahun=y)) for y in years)


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
    kampungs = launched_by(list(kampungs), tahun)
    values_of = indicator_values_many(kampungs=kampungs, tahun=tahun)
    return [
        _evaluation_create(
            user=user, kampung=k, tahun=tahun, rule_set=rule_set, values=values_of[k.pk]
        )
        for k in kampungs
    ]
