"""Writes of pregnancy monitoring: an ANC contact, the KB pasca persalinan decision and a nifas
visit. Each is one transaction, checks the user may work in the target's desa, refuses values
outside plausible bounds with an Indonesian message beside the field, and leaves an audit
entry."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.core.audit import audited_save
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.families.tpk.lifecycle import estimated_hpht
from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.pregnancy.models import (
    BOUNDS,
    AncContact,
    Examiner,
    KbDecision,
    KbPascaPersalinan,
    NifasVisit,
)
from kampungkb.families.tpk.pregnancy.rules import POSTPARTUM_DAYS
from kampungkb.families.tpk.services import ensure_may_work

ANC_FIELDS = (
    "target",
    "tanggal",
    "tempat",
    "pemeriksa",
    "berat",
    "lila",
    "hb",
    "sistolik",
    "diastolik",
    "ttd_diterima",
    "ttd_diminum",
    "kelas_ibu_hamil",
    "catatan",
)
# A pregnancy lasts at most 44 weeks: a contact later than that after the HPHT is a typo.
MAX_PREGNANCY_DAYS = 44 * 7
UNITS = {
    "berat": "kg",
    "lila": "cm",
    "hb": "g/dL",
    "sistolik": "mmHg",
    "diastolik": "mmHg",
    "ttd_diterima": gettext_lazy("tablets"),
    "ttd_diminum": gettext_lazy("tablets"),
}


def _check_bounds(values: dict, errors: dict) -> None:
    for name, (low, high) in BOUNDS.items():
        value = values.get(name)
        if value is None:
            continue
        if not low <= Decimal(value) <= high:
            errors[name] = _("Enter a value between %(low)s and %(high)s %(unit)s.") % {
                "low": low,
                "high": high,
                "unit": UNITS[name],
            }


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _check_anc(target: Target, values: dict) -> None:
    ensure_not_in_future(tanggal=values["tanggal"])
    errors: dict[str, str] = {}
    day = values["tanggal"]
    hpht = estimated_hpht(target)
    if hpht and day < hpht:
        errors["tanggal"] = _("This date is before the pregnancy began (HPHT %(day)s).") % {
            "day": _day(hpht)
        }
    elif hpht and (day - hpht).days > MAX_PREGNANCY_DAYS:
        errors["tanggal"] = _("This date is more than 44 weeks after the HPHT: check it.")
    elif target.tanggal_persalinan and day > target.tanggal_persalinan:
        errors["tanggal"] = _("This date is after the delivery (%(day)s).") % {
            "day": _day(target.tanggal_persalinan)
        }
    if not values["tempat"]:
        errors["tempat"] = _("Say where, or by whom, she was examined.")
    if values["pemeriksa"] not in Examiner.values:
        errors["pemeriksa"] = _("Choose who examined her.")
    _check_bounds(values, errors)
    sys, dia = values.get("sistolik"), values.get("diastolik")
    if (sys is None) != (dia is None):
        errors["diastolik" if dia is None else "sistolik"] = _(
            "Enter both blood pressure figures, or neither."
        )
    elif sys is not None and "sistolik" not in errors and dia >= sys:
        errors["diastolik"] = _("The diastolic pressure must be lower than the systolic.")
    same_day = AncContact.objects.filter(target=target, tanggal=day)
    if "tanggal" not in errors and same_day.exists():
        errors["tanggal"] = _("An ANC contact of this day is recorded already.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def anc_contact_record(
    *,
    user,
    target: Target,
    tanggal: datetime.date,
    tempat: str,
    pemeriksa: str,
    berat=None,
    lila=None,
    hb=None,
    sistolik: int | None = None,
    diastolik: int | None = None,
    ttd_diterima: int | None = 0,
    ttd_diminum: int | None = 0,
    kelas_ibu_hamil: bool = False,
    catatan: str = "",
    is_synthetic: bool = False,
) -> AncContact:
    """Record an ANC contact of the pregnancy ``target`` (an ibu hamil target, active or one
    that ended in a delivery after the contact)."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    ensure_may_work(user, target.desa_id)
    if target.kind != TargetKind.IBU_HAMIL:
        raise ValidationError(_("ANC contacts belong to a pregnant woman."))
    values = {
        "target": target,
        "tanggal": tanggal,
        "tempat": (tempat or "").strip(),
        "pemeriksa": pemeriksa,
        "berat": berat,
        "lila": lila,
        "hb": hb,
        "sistolik": sistolik,
        "diastolik": diastolik,
        "ttd_diterima": ttd_diterima or 0,
        "ttd_diminum": ttd_diminum or 0,
        "kelas_ibu_hamil": bool(kelas_ibu_hamil),
        "catatan": (catatan or "").strip(),
    }
    _check_anc(target, values)
    contact = AncContact(
        recorded_by=user if getattr(user, "pk", None) else None, is_synthetic=is_synthetic
    )
    audited_save(contact, actor=user, fields=ANC_FIELDS, values=values, wilayah_kode=target.desa_id)
    records_changed_on_commit(sender="families", once_per_transaction=True)  # TPK summaries
    return contact


def _postpartum(target: Target) -> Target:
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.kind != TargetKind.PASCA_PERSALINAN:
        raise ValidationError(_("This belongs to a mother after delivery."))
    return target


@transaction.atomic
def kb_pasca_record(
    *, user, target: Target, keputusan: str, tanggal: datetime.date, catatan: str = "",
    is_synthetic: bool = False,
) -> KbPascaPersalinan:  # fmt: skip
    """Record (or change) the KB decision of the mother after delivery ``target``: a method of
    the family list, not yet decided, or none."""
    target = _postpartum(target)
    ensure_may_work(user, target.desa_id)
    ensure_not_in_future(tanggal=tanggal)
    errors: dict[str, str] = {}
    if keputusan not in KbDecision.values:
        errors["keputusan"] = _("Choose a method, or say none (yet).")
    if tanggal < target.tanggal_persalinan:
        errors["tanggal"] = _("The decision cannot be before the delivery (%(day)s).") % {
            "day": _day(target.tanggal_persalinan)
        }
    if errors:
        raise ValidationError(errors)
    existing = KbPascaPersalinan.objects.filter(target=target).first()
    record = existing or KbPascaPersalinan(target=target, is_synthetic=is_synthetic)
    record.recorded_by = user if getattr(user, "pk", None) else None
    audited_save(
        record,
        actor=user,
        fields=("target", "keputusan", "tanggal", "catatan"),
        values={
            "target": target,
            "keputusan": keputusan,
            "tanggal": tanggal,
            "catatan": (catatan or "").strip(),
        },
        wilayah_kode=target.desa_id,
    )
    records_changed_on_commit(sender="families", once_per_transaction=True)  # TPK summaries
    return record


@transaction.atomic
def nifas_visit_record(
    *, user, target: Target, tanggal: datetime.date, tempat: str, pemeriksa: str,
    catatan: str = "", is_synthetic: bool = False,
) -> NifasVisit:  # fmt: skip
    """Record a nifas (postnatal) check of the mother after delivery ``target``, within 42
    days of the delivery."""
    target = _postpartum(target)
    ensure_may_work(user, target.desa_id)
    ensure_not_in_future(tanggal=tanggal)
    errors: dict[str, str] = {}
    days = (tanggal - target.tanggal_persalinan).days
    if days < 0:
        errors["tanggal"] = _("The visit cannot be before the delivery (%(day)s).") % {
            "day": _day(target.tanggal_persalinan)
        }
    elif days > POSTPARTUM_DAYS:
        errors["tanggal"] = _("A nifas visit is within 42 days of the delivery.")
    elif NifasVisit.objects.filter(target=target, tanggal=tanggal).exists():
        errors["tanggal"] = _("A nifas visit of this day is recorded already.")
    if not (tempat or "").strip():
        errors["tempat"] = _("Say where, or by whom, she was examined.")
    if pemeriksa not in Examiner.values:
        errors["pemeriksa"] = _("Choose who examined her.")
    if errors:
        raise ValidationError(errors)
    visit = NifasVisit(
        recorded_by=user if getattr(user, "pk", None) else None, is_synthetic=is_synthetic
    )
    audited_save(
        visit,
        actor=user,
        fields=("target", "tanggal", "tempat", "pemeriksa", "catatan"),
        values={
            "target": target,
            "tanggal": tanggal,
            "tempat": tempat.strip(),
            "pemeriksa": pemeriksa,
            "catatan": (catatan or "").strip(),
        },
        wilayah_kode=target.desa_id,
    )
    records_changed_on_commit(sender="families", once_per_transaction=True)  # TPK summaries
    return visit
