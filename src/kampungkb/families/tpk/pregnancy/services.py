"""Writes of pregnancy monitoring: an ANC contact, the KB pasca persalinan decision and a nifas
visit, and their correction or deletion. Each is one transaction, checks the user may work in
the target's desa, refuses values outside plausible bounds with an Indonesian message beside
the field, and leaves an audit entry."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampungkb.core.audit import audit_record, audited_save, snapshot
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.models import AuditAction
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


def _check_anc(target: Target, values: dict, *, replacing: AncContact | None = None) -> None:
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
    if replacing is not None:
        same_day = same_day.exclude(pk=replacing.pk)
    if "tanggal" not in errors and same_day.exists():
        errors["tanggal"] = _("An ANC contact of this day is recorded already.")
    if errors:
        raise ValidationError(errors)


def _one_place(values: dict) -> dict:
    """The decimals as the columns keep them (one place), so that the trail of a correction
    lists what changed, not 11 -> 11.0. Called once the bounds are checked; a value with
    more places is left as given, for the column's own check to refuse (never rounded)."""
    out = dict(values)
    for name in ("berat", "lila", "hb"):
        if values.get(name) is not None:
            value = Decimal(values[name])
            if value == value.quantize(Decimal("0.1")):
                out[name] = value.quantize(Decimal("0.1"))
    return out


def _anc_values(target: Target, **given) -> dict:
    """The values of an ANC contact as the services store them (text trimmed, no count
    empty)."""
    return {
        "target": target,
        "tanggal": given["tanggal"],
        "tempat": (given["tempat"] or "").strip(),
        "pemeriksa": given["pemeriksa"],
        "berat": given.get("berat"),
        "lila": given.get("lila"),
        "hb": given.get("hb"),
        "sistolik": given.get("sistolik"),
        "diastolik": given.get("diastolik"),
        "ttd_diterima": given.get("ttd_diterima") or 0,
        "ttd_diminum": given.get("ttd_diminum") or 0,
        "kelas_ibu_hamil": bool(given.get("kelas_ibu_hamil")),
        "catatan": (given.get("catatan") or "").strip(),
    }


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
    values = _anc_values(
        target,
        tanggal=tanggal,
        tempat=tempat,
        pemeriksa=pemeriksa,
        berat=berat,
        lila=lila,
        hb=hb,
        sistolik=sistolik,
        diastolik=diastolik,
        ttd_diterima=ttd_diterima,
        ttd_diminum=ttd_diminum,
        kelas_ibu_hamil=kelas_ibu_hamil,
        catatan=catatan,
    )
    _check_anc(target, values)
    values = _one_place(values)
    contact = AncContact(
        recorded_by=user if getattr(user, "pk", None) else None, is_synthetic=is_synthetic
    )
    audited_save(contact, actor=user, fields=ANC_FIELDS, values=values, wilayah_kode=target.desa_id)
    records_changed_on_commit(sender="families")  # TPK summaries
    return contact


def _postpartum(target: Target) -> Target:
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.kind != TargetKind.PASCA_PERSALINAN:
        raise ValidationError(_("This belongs to a mother after delivery."))
    return target


KB_FIELDS = ("target", "keputusan", "tanggal", "catatan")


def _check_kb(target: Target, *, keputusan: str, tanggal: datetime.date) -> None:
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


def _kb_save(record: KbPascaPersalinan, *, user, target: Target, keputusan, tanggal, catatan):
    _check_kb(target, keputusan=keputusan, tanggal=tanggal)
    audited_save(
        record,
        actor=user,
        fields=KB_FIELDS,
        values={
            "target": target,
            "keputusan": keputusan,
            "tanggal": tanggal,
            "catatan": (catatan or "").strip(),
        },
        wilayah_kode=target.desa_id,
    )
    records_changed_on_commit(sender="families")  # TPK summaries
    return record


@transaction.atomic
def kb_pasca_record(
    *, user, target: Target, keputusan: str, tanggal: datetime.date, catatan: str = "",
    is_synthetic: bool = False,
) -> KbPascaPersalinan:  # fmt: skip
    """Record (or change) the KB decision of the mother after delivery ``target``: a method of
    the family list, not yet decided, or none."""
    target = _postpartum(target)
    ensure_may_work(user, target.desa_id)
    existing = KbPascaPersalinan.objects.filter(target=target).first()
    record = existing or KbPascaPersalinan(target=target, is_synthetic=is_synthetic)
    record.recorded_by = user if getattr(user, "pk", None) else None
    return _kb_save(
        record, user=user, target=target, keputusan=keputusan, tanggal=tanggal, catatan=catatan
    )


NIFAS_FIELDS = ("target", "tanggal", "tempat", "pemeriksa", "catatan")


def _check_nifas(target: Target, values: dict, *, replacing: NifasVisit | None = None) -> None:
    tanggal = values["tanggal"]
    ensure_not_in_future(tanggal=tanggal)
    errors: dict[str, str] = {}
    days = (tanggal - target.tanggal_persalinan).days
    same_day = NifasVisit.objects.filter(target=target, tanggal=tanggal)
    if replacing is not None:
        same_day = same_day.exclude(pk=replacing.pk)
    if days < 0:
        errors["tanggal"] = _("The visit cannot be before the delivery (%(day)s).") % {
            "day": _day(target.tanggal_persalinan)
        }
    elif days > POSTPARTUM_DAYS:
        errors["tanggal"] = _("A nifas visit is within 42 days of the delivery.")
    elif same_day.exists():
        errors["tanggal"] = _("A nifas visit of this day is recorded already.")
    if not values["tempat"]:
        errors["tempat"] = _("Say where, or by whom, she was examined.")
    if values["pemeriksa"] not in Examiner.values:
        errors["pemeriksa"] = _("Choose who examined her.")
    if errors:
        raise ValidationError(errors)


def _nifas_values(target: Target, **given) -> dict:
    return {
        "target": target,
        "tanggal": given["tanggal"],
        "tempat": (given["tempat"] or "").strip(),
        "pemeriksa": given["pemeriksa"],
        "catatan": (given.get("catatan") or "").strip(),
    }


@transaction.atomic
def nifas_visit_record(
    *, user, target: Target, tanggal: datetime.date, tempat: str, pemeriksa: str,
    catatan: str = "", is_synthetic: bool = False,
) -> NifasVisit:  # fmt: skip
    """Record a nifas (postnatal) check of the mother after delivery ``target``, within 42
    days of the delivery."""
    target = _postpartum(target)
    ensure_may_work(user, target.desa_id)
    values = _nifas_values(
        target, tanggal=tanggal, tempat=tempat, pemeriksa=pemeriksa, catatan=catatan
    )
    _check_nifas(target, values)
    visit = NifasVisit(
        recorded_by=user if getattr(user, "pk", None) else None, is_synthetic=is_synthetic
    )
    audited_save(visit, actor=user, fields=NIFAS_FIELDS, values=values, wilayah_kode=target.desa_id)
    records_changed_on_commit(sender="families")  # TPK summaries
    return visit


# --- corrections ----------------------------------------------------------------------------
# A record entered wrongly is corrected, or removed (entered on the wrong woman, twice), by
# the same users who may record it, checked by the same rules. What the records imply (K and
# KF numbers, trimesters, flags, the 42-day KB rule) is never stored: the summaries compute it
# again from what is left, so deleting K1 makes the next contact K1. The TPK summaries are
# refreshed once the correction is committed, as after a new record.


def _locked_target(record) -> Target:
    """The record's target, locked (the order every write of its records takes)."""
    return Target.objects.select_for_update().get(pk=record.target_id)


def _deleted(record, *, user, target: Target, fields) -> None:
    # The trail keeps the row as stored, not the caller's copy (which may predate a correction).
    record = type(record).objects.select_for_update().filter(pk=record.pk).first()
    if record is None:  # deleted meanwhile (a second tap on the button): nothing more to do
        return
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=record,
        wilayah_kode=target.desa_id,
        changes=snapshot(record, fields),
    )
    record.delete()
    records_changed_on_commit(sender="families")  # TPK summaries


@transaction.atomic
def anc_contact_update(*, user, contact: AncContact, **values) -> AncContact:
    """Correct an ANC contact: ``values`` (the fields of ``anc_contact_record``) replace its
    own and are checked as a new contact's are; the trail keeps what changed (old, new)."""
    target = _locked_target(contact)
    ensure_may_work(user, target.desa_id)
    contact = AncContact.objects.select_for_update().get(pk=contact.pk)
    current = {name: getattr(contact, name) for name in ANC_FIELDS if name != "target"}
    merged = _anc_values(target, **(current | values))
    _check_anc(target, merged, replacing=contact)
    audited_save(
        contact, actor=user, fields=ANC_FIELDS, values=_one_place(merged),
        wilayah_kode=target.desa_id,
    )  # fmt: skip
    records_changed_on_commit(sender="families")  # TPK summaries
    contact.refresh_from_db()
    return contact


@transaction.atomic
def anc_contact_delete(*, user, contact: AncContact) -> None:
    """Remove an ANC contact entered wrongly; the trail keeps what it held."""
    target = _locked_target(contact)
    ensure_may_work(user, target.desa_id)
    _deleted(contact, user=user, target=target, fields=ANC_FIELDS)


@transaction.atomic
def kb_pasca_update(
    *, user, record: KbPascaPersalinan, keputusan: str, tanggal: datetime.date,
    catatan: str = "",
) -> KbPascaPersalinan:  # fmt: skip
    """Correct the KB decision of a mother after delivery, checked as when it was recorded."""
    target = _locked_target(record)
    ensure_may_work(user, target.desa_id)
    record = KbPascaPersalinan.objects.select_for_update().get(pk=record.pk)
    return _kb_save(
        record, user=user, target=target, keputusan=keputusan, tanggal=tanggal, catatan=catatan
    )


@transaction.atomic
def kb_pasca_delete(*, user, record: KbPascaPersalinan) -> None:
    """Remove a KB decision recorded on the wrong mother: she has none recorded again."""
    target = _locked_target(record)
    ensure_may_work(user, target.desa_id)
    _deleted(record, user=user, target=target, fields=KB_FIELDS)


@transaction.atomic
def nifas_visit_update(*, user, visit: NifasVisit, **values) -> NifasVisit:
    """Correct a nifas visit: ``values`` replace its own and are checked as a new visit's."""
    target = _locked_target(visit)
    ensure_may_work(user, target.desa_id)
    visit = NifasVisit.objects.select_for_update().get(pk=visit.pk)
    current = {name: getattr(visit, name) for name in NIFAS_FIELDS if name != "target"}
    merged = _nifas_values(target, **(current | values))
    _check_nifas(target, merged, replacing=visit)
    audited_save(visit, actor=user, fields=NIFAS_FIELDS, values=merged, wilayah_kode=target.desa_id)
    records_changed_on_commit(sender="families")  # TPK summaries
    return visit


@transaction.atomic
def nifas_visit_delete(*, user, visit: NifasVisit) -> None:
    """Remove a nifas visit entered wrongly; the trail keeps what it held."""
    target = _locked_target(visit)
    ensure_may_work(user, target.desa_id)
    _deleted(visit, user=user, target=target, fields=NIFAS_FIELDS)
