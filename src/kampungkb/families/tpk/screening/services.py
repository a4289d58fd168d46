"""Writes of the catin screening: a screening of a catin target, a new version of the
thresholds, the explicit re-evaluation of stored screenings, and the audit of who read them.
Each write is one transaction and leaves an audit entry."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_read, audit_record, audited_save
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_manage_installation
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.families.rules.services import next_version_kode, rules_diff
from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.screening import rules
from kampungkb.families.tpk.screening.models import CatinScreening, CatinThresholdSet
from kampungkb.families.tpk.screening.reference import default_thresholds_load
from kampungkb.families.tpk.screening.selectors import version_in_force
from kampungkb.families.tpk.services import ensure_may_work

SCREENING_FIELDS = (
    "target",
    "tanggal",
    "peran",
    "umur_tahun",
    "berat_kg",
    "tinggi_cm",
    "lila_cm",
    "hb",
    "lingkar_perut_cm",
    "merokok",
    "imt",
    "hasil",
    "alasan",
    "threshold_set",
    "perlu_dicek",
)
MEASURE_FIELDS = ("berat_kg", "tinggi_cm", "lila_cm", "hb", "lingkar_perut_cm")


class ScreeningNeedsCheck(ValidationError):
    """Values outside the usual ranges (``rules.SOFT_BOUNDS``), each message keyed by its
    field. Nothing was saved; sent again with ``confirmed=True`` they are saved marked
    ``perlu_dicek``."""


def threshold_set_in_force(day: datetime.date) -> CatinThresholdSet:
    """The threshold version in force on ``day``: the latest start not after it (the oldest
    version for a day before every start)."""
    found = CatinThresholdSet.objects.filter(berlaku_mulai__lte=day).first()
    if found is None:
        found = CatinThresholdSet.objects.order_by("berlaku_mulai", "pk").first()
    return found or default_thresholds_load()


def bride_birth_date(target: Target) -> datetime.date | None:
    """The bride's date of birth: the catin target's own, or its family member's."""
    if target.tanggal_lahir:
        return target.tanggal_lahir
    member = target.member
    return getattr(member, "tanggal_lahir", None) if member else None


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _check(target: Target, values: dict) -> None:
    ensure_not_in_future(tanggal=values["tanggal"])
    errors: dict[str, str] = {}
    day = values["tanggal"]
    if target.kind != TargetKind.CATIN:
        raise ValidationError(_("Only a catin target is screened."))
    if values["peran"] not in (rules.BRIDE, rules.GROOM):
        errors["peran"] = _("Choose whom the screening is of: the bride or the groom.")
    if day < target.tanggal_daftar - datetime.timedelta(days=366):
        errors["tanggal"] = _("The screening date is long before the target was registered.")
    if not target.aktif and target.tanggal_selesai and day > target.tanggal_selesai:
        errors["tanggal"] = _("The target's stage ended on %(day)s: no screening after it.") % {
            "day": target.tanggal_selesai.strftime("%d/%m/%Y")
        }
    for name in ("berat_kg", "tinggi_cm"):
        if values.get(name) is None:
            errors[name] = _("This measure is needed for the BMI.")
    if values.get("umur_tahun") is None:
        errors["umur_tahun"] = _("Give the age in years (the date of birth is not known).")
    for name, message in rules.implausible(values).items():
        errors.setdefault(name, message)
    if errors:
        raise ValidationError(errors)


def _age(target: Target, peran: str, day: datetime.date, typed: int | None) -> int | None:
    """The bride's age from her date of birth where known (a typed age must agree);
    otherwise the age typed."""
    born = bride_birth_date(target) if peran == rules.BRIDE else None
    if born is None:
        return typed
    age = rules.age_on(born, day)
    if typed is not None and typed != age:
        raise ValidationError(
            {
                "umur_tahun": _(
                    "The date of birth gives %(age)s years on the screening date: leave the "
                    "age empty or correct it."
                )
                % {"age": age}
            }
        )
    return age


def _evaluated(values: dict, threshold_set: CatinThresholdSet) -> dict:
    m = rules.Measures(**{k: values[k] for k in rules.Measures.__dataclass_fields__})
    result = rules.evaluate(m, threshold_set.thresholds)
    return values | {
        "imt": result.imt,
        "hasil": result.hasil,
        "alasan": result.reasons,
        "threshold_set": threshold_set,
    }


@transaction.atomic
def screening_record(
    *,
    user,
    target: Target,
    tanggal: datetime.date,
    peran: str,
    berat_kg,
    tinggi_cm,
    umur_tahun: int | None = None,
    lila_cm=None,
    hb=None,
    lingkar_perut_cm=None,
    merokok: bool = False,
    confirmed: bool = False,
    is_synthetic: bool = False,
) -> CatinScreening:
    """Record a screening of the bride or the groom of catin ``target``, evaluated by the
    threshold version in force on ``tanggal``.

    Values outside ``rules.HARD_BOUNDS`` are refused; outside ``rules.SOFT_BOUNDS`` they raise
    :class:`ScreeningNeedsCheck` unless ``confirmed`` (then saved marked ``perlu_dicek``).
    """
    ensure_may_work(user, target.desa_id)
    values = {
        "target": target,
        "tanggal": tanggal,
        "peran": peran,
        "umur_tahun": umur_tahun,
        "merokok": bool(merokok),
        **{
            name: _decimal(v)
            for name, v in zip(
                MEASURE_FIELDS, (berat_kg, tinggi_cm, lila_cm, hb, lingkar_perut_cm), strict=True
            )
        },
    }
    values["umur_tahun"] = _age(target, peran, tanggal, umur_tahun)
    _check(target, values)
    values = _evaluated(values, threshold_set_in_force(tanggal))
    questioned = rules.unusual(values)
    if questioned and not confirmed:
        raise ScreeningNeedsCheck(questioned)
    values["perlu_dicek"] = bool(questioned)
    screening = CatinScreening(
        recorded_by=user if getattr(user, "pk", None) else None, is_synthetic=is_synthetic
    )
    audited_save(
        screening, actor=user, fields=SCREENING_FIELDS, values=values, wilayah_kode=target.desa_id
    )
    records_changed_on_commit(sender="families")  # TPK summaries
    return screening


@transaction.atomic
def threshold_set_revise(
    *,
    user,
    base: CatinThresholdSet,
    thresholds: dict,
    nama: str,
    sumber: str,
    berlaku_mulai: datetime.date,
) -> CatinThresholdSet:
    """Save ``thresholds`` as a new version in force from ``berlaku_mulai``; audited as the
    diff against ``base``. Stored screenings keep the version they were evaluated by."""
    if not can_manage_installation(user):
        raise PermissionDenied
    try:
        rules.check_thresholds(thresholds)
    except rules.ThresholdError as error:
        raise ValidationError(
            _("The thresholds are not valid: %(error)s") % {"error": error}
        ) from error
    changes = rules_diff(base.thresholds, thresholds)
    if not changes and berlaku_mulai == base.berlaku_mulai:
        raise ValidationError(_("Nothing changed: the thresholds are the same."))
    new = CatinThresholdSet.objects.create(
        kode=next_version_kode(base),
        nama=nama[:150],
        sumber=sumber[:300],
        thresholds=thresholds,
        berlaku_mulai=berlaku_mulai,
        created_by=user if getattr(user, "pk", None) else None,
    )
    changes["base"] = [base.kode, new.kode]
    changes["berlaku_mulai"] = [base.berlaku_mulai.isoformat(), berlaku_mulai.isoformat()]
    audit_record(actor=user, action=AuditAction.UPDATE, obj=new, changes=changes)
    return new


@transaction.atomic
def screenings_reevaluate(*, user) -> int:
    """Evaluate again, by the version in force on its date, every screening evaluated by
    another version; each change is audited. Returns how many results were re-evaluated."""
    if not can_manage_installation(user):
        raise PermissionDenied
    versions = list(CatinThresholdSet.objects.order_by("-berlaku_mulai", "-pk"))
    if not versions:
        return 0

    changed = 0
    qs = CatinScreening.objects.select_for_update().select_related("target").order_by("pk")
    for screening in qs:
        version = version_in_force(versions, screening.tanggal)
        if version.pk == screening.threshold_set_id:
            continue
        values = {f: getattr(screening, f) for f in SCREENING_FIELDS if f != "threshold_set"}
        values = _evaluated(values, version)
        audited_save(
            screening,
            actor=user,
            fields=SCREENING_FIELDS,
            values={k: values[k] for k in ("imt", "hasil", "alasan", "threshold_set")},
            wilayah_kode=screening.target.desa_id,
            clean=False,
        )
        changed += 1
    if changed:
        records_changed_on_commit(sender="families")  # TPK summaries
    return changed


def screenings_list_viewed(*, user, area, count: int) -> None:
    """Record that a user read a list of catin screenings by name (one entry per request)."""
    audit_read(
        actor=user,
        obj=CatinScreening if area is None else area,
        wilayah_kode=getattr(area, "pk", "") if area is not None else "",
        details={"catin_screenings": count},
    )


__all__ = [
    "ScreeningNeedsCheck",
    "bride_birth_date",
    "screening_record",
    "screenings_list_viewed",
    "screenings_reevaluate",
    "threshold_set_in_force",
    "threshold_set_revise",
]
