"""Writes of the activity plans: a Kampung KB's plan is changed by whoever edits its desa, an
OPD plan by the district admin (``user=None``: the system)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.actions.selectors import district_get
from kampungkb.convergence.guards import author, ensure_area_editor, ensure_district_admin
from kampungkb.convergence.plans.models import Plan, PlanActivity, Realisation
from kampungkb.core.audit import audit_record, diff, snapshot
from kampungkb.core.models import AuditAction
from kampungkb.core.permissions import can_edit_area, is_district_admin
from kampungkb.core.validators import ensure_not_in_future
from kampungkb.wilayah.models import KampungKB, Level, Wilayah


def may_edit_plan(user, plan: Plan) -> bool:
    """Whether ``user`` may add activities and realisation to ``plan``: its desa's editors,
    or for an OPD plan its kabupaten's admin."""
    if plan.desa_id:
        return can_edit_area(user, plan.desa_id)
    return is_district_admin(user) and can_edit_area(user, plan.kabupaten_id)


def _audit_area(plan: Plan) -> str:
    """The wilayah a plan's audit entries are filed under: its desa, or for an OPD plan its
    kabupaten."""
    return plan.desa_id or plan.kabupaten_id or ""


def _ensure_plan_editor(user, plan: Plan) -> None:
    if plan.desa_id:
        ensure_area_editor(user, plan.desa_id)
    else:
        ensure_district_admin(user)
        ensure_area_editor(user, plan.kabupaten_id)


@transaction.atomic
def plan_create(
    *,
    user,
    tahun: int,
    kampung: KampungKB | None = None,
    opd=None,
    kabupaten: Wilayah | None = None,
    is_demo: bool = False,
) -> Plan:
    """Return the year's plan of a Kampung KB or an OPD, creating it if needed; an OPD's plan
    is of ``kabupaten``, by default the one the user runs."""
    if (kampung is None) == (opd is None):
        raise ValidationError(_("A plan belongs to a Kampung KB or to an OPD."))
    if kampung is not None:
        ensure_area_editor(user, kampung.desa_id)
        plan, created = Plan.objects.get_or_create(
            tahun=tahun, kampung=kampung, defaults={"desa_id": kampung.desa_id, "is_demo": is_demo}
        )
    else:
        ensure_district_admin(user)
        kabupaten = kabupaten or _kabupaten_of(user)
        ensure_area_editor(user, kabupaten.kode)
        plan, created = Plan.objects.get_or_create(
            tahun=tahun, opd=opd, kabupaten=kabupaten, defaults={"is_demo": is_demo}
        )
    if created:
        plan.full_clean()
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=plan,
            wilayah_kode=_audit_area(plan),
            changes={"tahun": tahun},
        )
    return plan


def _kabupaten_of(user) -> Wilayah:
    """The kabupaten the user runs; for the system, the installation's only one."""
    if user is not None:
        return district_get(user=user)
    only = list(Wilayah.objects.filter(level=Level.KABUPATEN)[:2])
    if len(only) != 1:
        raise ValueError("name the kabupaten of an OPD plan the system makes")
    return only[0]


def _check_months(months) -> list[int]:
    try:
        months = sorted({int(m) for m in months})
    except (TypeError, ValueError):
        months = []
    if not months or months[0] < 1 or months[-1] > 12:
        raise ValidationError({"bulan": _("Choose at least one month from 1 to 12.")})
    return months


@transaction.atomic
def activity_add(*, user, plan: Plan, **values) -> PlanActivity:
    _ensure_plan_editor(user, plan)
    values["bulan"] = _check_months(values.get("bulan"))
    if plan.opd_id and not values.get("opd"):
        values["opd"] = plan.opd
    activity = PlanActivity(plan=plan, **values)
    activity.full_clean()
    activity.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=activity,
        wilayah_kode=_audit_area(plan),
        changes={k: v for k, v in values.items() if k != "opd" and k != "programme_area"},
    )
    return activity


def _ensure_in_plan_year(activity: PlanActivity, tanggal: datetime.date) -> None:
    ensure_not_in_future(tanggal=tanggal)
    if tanggal.year != activity.plan.tahun:
        raise ValidationError(
            {
                "tanggal": _("The date must fall in the plan's year (%(year)s).")
                % {"year": activity.plan.tahun}
            }
        )


def _ensure_fits_between(
    activity: PlanActivity, *, tanggal: datetime.date, progres: int, replacing=None
) -> None:
    """Refuse a record whose progress is below an earlier one's or above a later one's.

    A record dated between others (entered late) must fit between them too: the activity's
    progress never goes back over time, whatever order it was typed in. ``replacing`` is the
    record a correction changes, left out of the comparison.
    """
    others = activity.realisations.all()
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    earlier = others.filter(tanggal__lte=tanggal).order_by("-tanggal", "-id").first()
    if earlier and progres < earlier.progres:
        raise ValidationError(
            {
                "progres": _("Progress cannot go back (last recorded: %(p)s%%).")
                % {"p": earlier.progres}
            }
        )
    later = others.filter(tanggal__gt=tanggal).order_by("tanggal", "id").first()
    if later and progres > later.progres:
        raise ValidationError(
            {
                "progres": _(
                    "Progress cannot be above that of a later record (%(p)s%% on %(date)s)."
                )
                % {"p": later.progres, "date": later.tanggal.isoformat()}
            }
        )


def _activity_follow_latest(activity: PlanActivity) -> None:
    """Give ``activity`` the figures of its latest realisation (nothing realised: zero), which
    every plan summary, scorecard and export sums."""
    latest = activity.realisations.order_by("-tanggal", "-id").first()
    activity.progres = latest.progres if latest else 0
    activity.output_tercapai = latest.output_tercapai if latest else 0
    activity.anggaran_realisasi = latest.anggaran_realisasi if latest else 0
    activity.save(update_fields=["progres", "output_tercapai", "anggaran_realisasi"])


@transaction.atomic
def realisation_add(
    *,
    user,
    activity: PlanActivity,
    tanggal: datetime.date,
    progres: int,
    output_tercapai: int,
    anggaran_realisasi,
    catatan: str = "",
) -> Realisation:
    """Record progress of a planned activity; the activity keeps its latest figures."""
    activity = PlanActivity.objects.select_for_update().select_related("plan").get(pk=activity.pk)
    _ensure_plan_editor(user, activity.plan)
    _ensure_in_plan_year(activity, tanggal)
    _ensure_fits_between(activity, tanggal=tanggal, progres=progres)
    real = Realisation(
        activity=activity,
        tanggal=tanggal,
        progres=progres,
        output_tercapai=output_tercapai,
        anggaran_realisasi=anggaran_realisasi,
        catatan=catatan,
        recorded_by=author(user),
    )
    real.full_clean()
    real.save()
    _activity_follow_latest(activity)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=real,
        wilayah_kode=_audit_area(activity.plan),
        changes={
            "activity": activity.pk,
            "progres": progres,
            "anggaran_realisasi": anggaran_realisasi,
        },
    )
    return real


REALISATION_FIELDS = ("tanggal", "progres", "output_tercapai", "anggaran_realisasi", "catatan")


def _ensure_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"alasan": _("Say why this realisation is changed.")})
    return reason


def _locked_realisation(realisation: Realisation) -> tuple[Realisation, PlanActivity]:
    # The activity first, as realisation_add locks it: two corrections (or a correction and
    # a new record) of one activity run one after the other.
    activity = (
        PlanActivity.objects.select_for_update()
        .select_related("plan")
        .get(pk=realisation.activity_id)
    )
    return Realisation.objects.select_for_update().get(pk=realisation.pk), activity


@transaction.atomic
def realisation_update(*, user, realisation: Realisation, alasan: str, **values) -> Realisation:
    """Correct a realisation (its date, figures or note) and say why in ``alasan``.

    The corrected record must still fit between the activity's earlier and later ones, but
    the activity's progress may go back: a mistyped 100% on its latest record is corrected
    down. The activity then keeps the figures of its latest record again.
    """
    real, activity = _locked_realisation(realisation)
    _ensure_plan_editor(user, activity.plan)
    reason = _ensure_reason(alasan)
    unknown = set(values) - set(REALISATION_FIELDS)
    if unknown:
        raise TypeError(f"not a realisation field: {sorted(unknown)}")
    before = snapshot(real, REALISATION_FIELDS)
    for name, value in values.items():
        # As the column keeps it (an int budget as a Decimal), so that the trail lists
        # only what really changed.
        setattr(real, name, Realisation._meta.get_field(name).to_python(value))
    _ensure_in_plan_year(activity, real.tanggal)
    _ensure_fits_between(activity, tanggal=real.tanggal, progres=real.progres, replacing=real)
    real.full_clean()
    changes = diff(before, snapshot(real, REALISATION_FIELDS))
    if not changes:
        return real
    real.save()
    _activity_follow_latest(activity)
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=real,
        wilayah_kode=_audit_area(activity.plan),
        changes={**changes, "activity": activity.pk, "alasan": reason},
    )
    return real


@transaction.atomic
def realisation_delete(*, user, realisation: Realisation, alasan: str) -> PlanActivity:
    """Remove a realisation entered by mistake, saying why in ``alasan``; return its activity,
    which keeps the figures of its latest remaining record (none: zero)."""
    real, activity = _locked_realisation(realisation)
    _ensure_plan_editor(user, activity.plan)
    reason = _ensure_reason(alasan)
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=real,
        wilayah_kode=_audit_area(activity.plan),
        changes={
            **snapshot(real, REALISATION_FIELDS),
            "activity": activity.pk,
            "alasan": reason,
        },
    )
    real.delete()
    _activity_follow_latest(activity)
    return activity
