"""Writes of children and measurements. Each checks the user's right and area, computes what
is derived, and records the change in the audit trail in the same transaction."""

import re
import unicodedata
from decimal import Decimal
from itertools import repeat
from operator import is_not

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.core.audit import audit_record, audited_save, diff, snapshot
from kampungkb.core.database import once_more_after_a_race
from kampungkb.core.events import records_changed_on_commit
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit_area
from kampungkb.core.privacy import mask_nik
from kampungkb.core.scoping import kode_within
from kampungkb.core.validators import ensure_not_in_future, is_in_future
from kampungkb.growth import plausibility
from kampungkb.growth.compute import COMPUTED_FIELDS, apply_anthro, compute_child_series
from kampungkb.growth.kbm.selectors import default_kbm
from kampungkb.growth.models import Child, Measurement, Posyandu
from kampungkb.growth.plausibility_rules import (  # impossible values, refused
    LIMITS,
    MAX_AGE_DAYS,
)
from kampungkb.growth.signals import child_birth_date_corrected
from kampungkb.wilayah.models import Level

CHILD_FIELDS = (
    "nik", "nama", "jenis_kelamin", "tanggal_lahir", "berat_lahir", "panjang_lahir", "nama_ibu",
    "nik_ibu", "desa", "posyandu", "dusun", "rt", "rw", "alamat",
)  # fmt: skip
MEASUREMENT_FIELDS = (
    "tanggal", "posyandu", "berat", "tinggi", "cara_ukur", "oedema", "lila", "lingkar_kepala",
    "sumber", "vitamin_a", "pmt_kg",
)  # fmt: skip
MEASUREMENT_AUDIT_FIELDS = (*MEASUREMENT_FIELDS, "needs_check", "check_reasons")


def normalise_name(text: str) -> str:
    """Lower-case, strip accents, punctuation and titles' dots, collapse spaces."""
    text = text or ""
    if not text.isascii():  # ASCII is its own decomposition: only the others need one
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    return " ".join(text.split())


def child_match_key(*, nama: str, tanggal_lahir, nama_ibu: str, desa_kode: str) -> str:
    """The key that identifies a child without NIK: name, date of birth, mother, desa."""
    return "|".join([normalise_name(nama), str(tanggal_lahir), normalise_name(nama_ibu), desa_kode])


def child_nik_conflict_reason() -> str:
    """Why an import row whose NIK is registered is not merged into that child: the sex or
    the date of birth differ, or the child is outside the user's area. One text for every
    case, so that a row never tells whether a NIK exists outside the user's area."""
    return _(
        "This NIK is already registered for another child (the sex or date of birth differ, "
        "or the child is outside your area); the row was not merged. Check the NIK, sex and "
        "date of birth."
    )


def child_nik_taken_reason() -> str:
    """Why a child cannot be registered (or edited) with a NIK another child has: one text
    whether that child is in the user's area or not, and whatever its sex and birth date."""
    return _(
        "This NIK is already registered for another child. If this child is already "
        "registered, find them in the list of children; otherwise check the NIK."
    )


def _ensure_nik_free(child: Child) -> None:
    """Refuse a NIK another child has (a NIK is one person: never a second record)."""
    if child.nik and Child.objects.filter(nik=child.nik).exclude(pk=child.pk).exists():
        raise ValidationError({"nik": child_nik_taken_reason()})


def _ensure_may_edit(user, desa_kode: str) -> None:
    if user is None:  # the system itself (imports run as a user; demo seeding as None)
        return
    if not can_edit_area(user, desa_kode):
        raise PermissionDenied(_("You may not change records of this area."))


def analytics_refresh_on_commit() -> None:
    """Rebuild the prevalence summaries once this write is committed (in the background)."""
    records_changed_on_commit(sender="growth")


def _audit_child_values(values: dict) -> dict:
    # The trail must not become a second copy of whole NIKs.
    out = dict(values)
    for key in ("nik", "nik_ibu"):
        if out.get(key):
            out[key] = mask_nik(out[key])
    return out


def _validate_child(child: Child) -> None:
    if child.desa_id and child.desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa or kelurahan.")})
    ensure_not_in_future(
        _("The date of birth cannot be in the future."), tanggal_lahir=child.tanggal_lahir
    )
    if child.posyandu_id and child.posyandu.desa_id != child.desa_id:
        raise ValidationError({"posyandu": _("The posyandu is in another desa.")})
    child.nik = child.nik or None
    _ensure_nik_free(child)
    child.match_key = child_match_key(
        nama=child.nama,
        tanggal_lahir=child.tanggal_lahir,
        nama_ibu=child.nama_ibu,
        desa_kode=child.desa_id,
    )
    child.full_clean()


@once_more_after_a_race
@transaction.atomic
def child_register(*, user, desa, is_synthetic: bool = False, **values) -> Child:
    """Register a child under five in ``desa`` (a NIK another child has, registered at the
    same moment too, is refused: ``once_more_after_a_race``)."""
    _ensure_may_edit(user, desa.kode)
    child = Child(desa=desa, is_synthetic=is_synthetic, **values)
    _validate_child(child)
    audited_save(
        child,
        actor=user,
        fields=CHILD_FIELDS,
        wilayah_kode=desa.kode,
        clean=False,  # _validate_child ran full_clean after its own checks
        audit_values=_audit_child_values,
        created_as="values",
    )
    analytics_refresh_on_commit()
    return child


@transaction.atomic
def child_update(*, user, child: Child, **values) -> Child:
    child = Child.objects.select_for_update().get(pk=child.pk)
    _ensure_may_edit(user, child.desa_id)
    # Not core.audit.audited_save: the new values are checked once they are set (a move to
    # another desa must stay in the user's area) and before the save, which it has no room for.
    before = snapshot(child, CHILD_FIELDS)
    born_before = child.tanggal_lahir
    for key, value in values.items():
        setattr(child, key, value)
    _ensure_may_edit(user, child.desa_id)
    _validate_child(child)
    child.save()
    changes = diff(_audit_child_values(before), _audit_child_values(snapshot(child, CHILD_FIELDS)))
    if changes:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=child,
            wilayah_kode=child.desa_id,
            changes=changes,
        )
        analytics_refresh_on_commit()
    if "tanggal_lahir" in changes or "jenis_kelamin" in changes:
        measurements_recompute_child(child=child)
    if "tanggal_lahir" in changes:
        child_birth_date_corrected.send(sender=Child, child=child, user=user, before=born_before)
    return child


def validate_measurement_values(*, child: Child, values: dict, today=None) -> dict[str, str]:
    """Return {field: message} for values that cannot be a measurement of this child;
    ``today`` is the date the measurement may not be after (default: today's, read now)."""
    errors: dict[str, str] = {}
    tanggal = values.get("tanggal")
    if tanggal is None:
        errors["tanggal"] = _("Enter the measurement date.")
    else:
        if is_in_future(tanggal, today=today):
            errors["tanggal"] = _("The measurement date cannot be in the future.")
        elif tanggal < child.tanggal_lahir:
            errors["tanggal"] = _("The measurement date is before the date of birth.")
        elif (tanggal - child.tanggal_lahir).days > MAX_AGE_DAYS:
            errors["tanggal"] = _("The child was already five years old on this date.")
    for field, (low, high) in LIMITS.items():
        value = values.get(field)
        if value is not None and not (low <= Decimal(value) <= high):
            errors[field] = _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
    pmt = values.get("pmt_kg")
    if pmt is not None and not (0 <= Decimal(pmt) < 10_000):
        # As an import reads the column (importing.rows): food received is never negative.
        errors["pmt_kg"] = _("Must be between %(low)s and %(high)s.") % {"low": 0, "high": 9999}
    if all(values.get(f) is None for f in LIMITS):
        errors["berat"] = _("Enter at least the weight or the length/height.")
    if values.get("tinggi") is not None and not values.get("cara_ukur"):
        errors["cara_ukur"] = _("Say whether the child was measured lying (PB) or standing (TB).")
    if posyandu_outside(values.get("posyandu"), child):
        errors["posyandu"] = _("The posyandu is outside the child's kecamatan.")
    return errors


def posyandu_outside(posyandu, child: Child) -> bool:
    """Whether ``posyandu`` (a Posyandu, or None) lies outside ``child``'s kecamatan."""
    return (
        posyandu is not None
        and isinstance(posyandu, Posyandu)
        and not kode_within(posyandu.desa_id, child.desa_id[:8])
    )


def _given(values, n: int) -> np.ndarray:
    """Which of ``values`` are not None, in one C pass."""
    return np.fromiter(map(is_not, values, repeat(None)), bool, n)


#: How far inside a limit of ``LIMITS`` a value must be for :func:`measurement_values_clear`
#: to call it clear (nearer, the exact Decimal rule decides).
_LIMIT_MARGIN = 1e-6


def measurement_values_clear(
    *, tanggal, tanggal_lahir, berat, tinggi, lila, cara_ukur, today
) -> np.ndarray:
    """Where :func:`validate_measurement_values` would find nothing (the posyandu aside),
    decided for many measurements at once: each argument a column, ``tanggal_lahir`` the
    child's, no head circumference. A False says nothing: that row is checked by the
    function itself (an import's rows are nearly all clear, and the rules one row at a time
    were a tenth of its reading time).

    >>> import datetime as dt
    >>> clear = measurement_values_clear(
    ...     tanggal=[dt.date(2025, 3, 1), dt.date(2025, 3, 1), None],
    ...     tanggal_lahir=[dt.date(2024, 1, 1)] * 3, berat=[Decimal("8.1"), Decimal("99"), 8],
    ...     tinggi=[None] * 3, lila=[None] * 3, cara_ukur=[""] * 3, today=dt.date(2025, 6, 1))
    >>> clear.tolist()
    [True, False, False]
    """
    n = len(tanggal)
    known = _given(tanggal, n) & _given(tanggal_lahir, n)
    day = np.fromiter((0 if d is None else d.toordinal() for d in tanggal), np.int64, n)
    born = np.fromiter((0 if d is None else d.toordinal() for d in tanggal_lahir), np.int64, n)
    age = day - born
    clear = known & (day <= today.toordinal()) & (age >= 0) & (age <= MAX_AGE_DAYS)
    given = {}
    with np.errstate(invalid="ignore"):
        for name, values in (("berat", berat), ("tinggi", tinggi), ("lila", lila)):
            low, high = LIMITS[name]
            given[name] = _given(values, n)
            x = np.asarray(values, dtype=float)  # None -> NaN
            inside = (x >= float(low) + _LIMIT_MARGIN) & (x <= float(high) - _LIMIT_MARGIN)
            clear &= ~given[name] | inside
    clear &= given["berat"] | given["tinggi"] | given["lila"]
    method = np.fromiter(map(bool, cara_ukur), bool, n)
    return clear & (~given["tinggi"] | method)


class MeasurementNeedsCheck(ValidationError):
    """Values the plausibility rules question (``growth.plausibility``), each message keyed by
    the field it concerns. Nothing was saved; the same values sent again with
    ``confirmed=True`` are saved marked as needing checking."""

    def __init__(self, findings: list[plausibility.Finding]):
        self.findings = findings
        super().__init__(plausibility.messages_by_field(findings))


def measurement_findings(
    *,
    child: Child,
    values: dict,
    replacing: Measurement | None = None,
    history: list[Measurement] | None = None,
) -> list[plausibility.Finding]:
    """What the plausibility rules find in ``values`` as a measurement of ``child`` (in place
    of ``replacing``), compared with the child's earlier measurements (read from the database,
    or taken from ``history``, the child's measurements as the caller has just read them)."""
    candidate = Measurement(
        child=child, **{k: v for k, v in values.items() if k in MEASUREMENT_FIELDS}
    )
    apply_anthro([candidate])
    if history is None:
        earlier = child.measurements.filter(tanggal__lt=values["tanggal"]).order_by("tanggal")
    else:
        earlier = sorted(
            (m for m in history if m.tanggal < values["tanggal"]), key=lambda m: m.tanggal
        )
    if replacing is not None:
        earlier = [m for m in earlier if m.pk != replacing.pk]
    return _findings_of_last([*earlier, candidate])


def _findings_of_last(series: list[Measurement]) -> list[plausibility.Finding]:
    """What the plausibility rules find in the last of ``series`` (one child's, in date
    order, that one with its WHO z-scores and flags computed)."""
    return plausibility.check_series(series, {len(series) - 1}).get(len(series) - 1, [])


def _mark_for_check(values: dict, findings: list, *, confirmed: bool) -> dict:
    """Refuse questioned values unless confirmed; else say whether they need checking."""
    if findings and not confirmed:
        raise MeasurementNeedsCheck(findings)
    return values | {
        "needs_check": bool(findings),
        "check_reasons": plausibility.reason_codes(findings),
    }


def measurements_recompute_child(*, child: Child, kbm=None) -> list[Measurement]:
    """Recompute every measurement of one child (growth codes depend on the previous one).

    As the bulk recompute (``kbm.recompute``), only rows whose computed values (their digest)
    or KBM table changed are written, so ``computed_at`` is when a row's values last changed:
    a new weighing writes itself (and any later row whose growth code it changes), not the
    child's whole history again."""
    # Through the child's own manager: each row's ``child`` is this child, no join needed.
    series = list(child.measurements.order_by("tanggal"))
    _series_write(_series_compute(series, kbm=kbm))
    return series


def _series_compute(series: list[Measurement], *, kbm=None, stored=None) -> list[Measurement]:
    """Compute one child's ``series`` (in date order) in place; return the saved rows whose
    computed values (their digest) or KBM table changed, and any unsaved row (which the
    caller inserts, its values computed). ``stored``: each row's computed state as read
    (``_computed_state``), for a series computed a second time."""
    if stored is None:
        stored = _computed_state(series)
    compute_child_series(series, kbm=kbm if kbm is not None else default_kbm())
    changed = []
    for m, (digest, table, computed_at) in zip(series, stored, strict=True):
        unchanged = (digest, table) == (m.computed_digest, m.kbm_table_id)
        if m.pk is not None and digest is not None and unchanged:
            m.computed_at = computed_at  # as stored: nothing of the row is written
        else:
            changed.append(m)
    return changed


def _computed_state(series: list[Measurement]) -> list[tuple]:
    """What ``_series_compute`` compares a recomputed row with: its state as read."""
    return [(m.computed_digest, m.kbm_table_id, m.computed_at) for m in series]


def _series_write(changed: list[Measurement]) -> None:
    """Write the computed values of saved measurements ``changed`` and queue the summaries'
    refresh once the transaction commits."""
    if len(changed) == 1:
        # One row (a new or corrected weighing): a plain UPDATE, not bulk_update's CASE.
        m = changed[0]
        fields = {f: getattr(m, f) for f in COMPUTED_FIELDS}
        Measurement.objects.filter(pk=m.pk).update(**fields)
    elif changed:
        Measurement.objects.bulk_update(changed, COMPUTED_FIELDS)
    analytics_refresh_on_commit()


@once_more_after_a_race
@transaction.atomic
def measurement_record(*, user, child: Child, confirmed: bool = False, **values) -> Measurement:
    """Store a weighing/measurement of ``child`` and compute everything derived from it.

    Values the plausibility rules question raise ``MeasurementNeedsCheck`` (nothing saved)
    unless ``confirmed``; confirmed, they are saved marked ``needs_check``. A second
    measurement of the same child on the same date replaces the first (a correction): the
    returned row's ``before_correction`` is then that first one as it was read (None for a
    new weighing), so that a caller knows what it replaced without a query of its own; a
    second saved at the same moment as the first, too (``once_more_after_a_race``).
    """
    _ensure_may_edit(user, child.desa_id)
    errors = validate_measurement_values(child=child, values=values)
    if errors:
        raise ValidationError(errors)
    # The child's measurements, read once: the correction check, the plausibility rules and
    # the recompute of the series all use them.
    history = list(child.measurements.order_by("tanggal"))
    existing = next((x for x in history if x.tanggal == values["tanggal"]), None)
    if existing is not None:
        m = measurement_update(user=user, measurement=existing, confirmed=confirmed, **values)
        m.before_correction = existing
        return m
    # Not questioned until the rules below have read its z-scores.
    values = _mark_for_check(values, [], confirmed=confirmed)
    m = Measurement(child=child, recorded_by=user if getattr(user, "pk", None) else None, **values)
    m.before_correction = None
    # Not the foreign keys given as rows read from the database (the child, the posyandu of
    # the session, the user): Django would read each again to prove it exists, and the
    # database's own foreign keys refuse one that does not.
    exclude = ["child", *COMPUTED_FIELDS, "kbm_table", "import_batch", "recorded_by"]
    if getattr(values.get("posyandu"), "pk", None) is not None:
        exclude.append("posyandu")
    # Its constraints are checked above (a value: validate_measurement_values; one per day:
    # ``existing``), not again by a query in a savepoint; the database still enforces both.
    m.full_clean(exclude=exclude, validate_constraints=False)
    _decimals_as_stored(m)
    # Computed before it is inserted (one INSERT, not an INSERT and an UPDATE of the same
    # row); later rows whose growth code it changes are written after it.
    series = sorted([*history, m], key=lambda x: x.tanggal)
    stored, kbm = _computed_state(series), default_kbm()
    changed = _series_compute(series, kbm=kbm, stored=stored)
    # The plausibility rules read the new row's z-scores and flags, which its "needs
    # checking" mark does not change, computed once with the series; its statuses and the
    # growth codes do depend on the mark: a questioned row confirmed is computed again.
    earlier = [x for x in series if x.tanggal < m.tanggal]
    findings = _findings_of_last([*earlier, m])
    if findings:
        for field, value in _mark_for_check({}, findings, confirmed=confirmed).items():
            setattr(m, field, value)
        changed = _series_compute(series, kbm=kbm, stored=stored)
    later = [x for x in changed if x is not m]
    m.save()
    _series_write(later)
    # The trail keeps the values as stored (decimals with the field's places), not as given:
    # hence no core.audit.audited_save for this create.
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=m,
        wilayah_kode=child.desa_id,
        changes=snapshot(m, MEASUREMENT_AUDIT_FIELDS),
    )
    return m


def _decimals_as_stored(m: Measurement) -> None:
    """Give ``m``'s decimal values the places their columns store (12.5 -> 12.50), as a row
    read back from the database has them: its computed digest and its audit entry are then
    those of the stored row. ``full_clean`` has refused more places than the column has."""
    for field in m._meta.concrete_fields:
        value = getattr(m, field.attname)
        if isinstance(value, Decimal) and getattr(field, "decimal_places", None) is not None:
            setattr(m, field.attname, value.quantize(Decimal(1).scaleb(-field.decimal_places)))


@transaction.atomic
def measurement_update(
    *, user, measurement: Measurement, confirmed: bool = False, **values
) -> Measurement:
    """Change a measurement; its values are checked again as in ``measurement_record`` (a
    correction that passes clears the "needs checking" mark)."""
    m = Measurement.objects.select_for_update().select_related("child").get(pk=measurement.pk)
    _ensure_may_edit(user, m.child.desa_id)
    merged = {f: getattr(m, f) for f in MEASUREMENT_FIELDS} | values
    errors = validate_measurement_values(child=m.child, values=merged)
    day = merged["tanggal"]
    taken = day != m.tanggal and m.child.measurements.filter(tanggal=day).exists()
    if taken and "tanggal" not in errors:
        # One measurement per child and day: moved onto another, one of the two would be lost.
        errors["tanggal"] = _(
            "This child already has a measurement on this date: correct that one, or delete "
            "this one."
        )
    if errors:
        raise ValidationError(errors)
    findings = measurement_findings(child=m.child, values=merged, replacing=m)
    values = _mark_for_check(values, findings, confirmed=confirmed)
    audited_save(
        m,
        actor=user,
        fields=MEASUREMENT_AUDIT_FIELDS,
        values=values,
        wilayah_kode=m.child.desa_id,
        clean=False,  # checked above by validate_measurement_values, as before
    )
    series = measurements_recompute_child(child=m.child)
    return next(x for x in series if x.pk == m.pk)


@transaction.atomic
def measurement_delete(*, user, measurement: Measurement) -> None:
    child = measurement.child
    _ensure_may_edit(user, child.desa_id)
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=measurement,
        wilayah_kode=child.desa_id,
        changes=snapshot(measurement, MEASUREMENT_AUDIT_FIELDS),
    )
    measurement.delete()
    measurements_recompute_child(child=child)


@transaction.atomic
def measurement_check_confirm(*, user, measurement: Measurement) -> Measurement:
    """Confirm that a measurement marked "needs checking" is right: the mark is cleared (the
    trail keeps who confirmed it and why it was questioned) and the values count again."""
    m = Measurement.objects.select_for_update().select_related("child").get(pk=measurement.pk)
    _ensure_may_edit(user, m.child.desa_id)
    if not m.needs_check:
        return m
    audited_save(
        m,
        actor=user,
        fields=("needs_check", "check_reasons"),
        values={"needs_check": False, "check_reasons": ""},
        wilayah_kode=m.child.desa_id,
        clean=False,
    )
    series = measurements_recompute_child(child=m.child)
    return next(x for x in series if x.pk == m.pk)
