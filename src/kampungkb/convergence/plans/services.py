"""Writes of the activity plans: a Kampung KB's plan is changed by whoever edits its desa, an
OPD plan by the district admin (``user=None``: the system)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.actions.selectors import district_get
from kampungkb.convergence.guards import author, ensure_area_editor, ensure_district_admin
from kampungkb.convergence.plans.models import Plan, PlanActivity, Realisation
from kampungkb.core.audit import audit_record
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
            wilayah_kode=plan.desa_id or plan.kabupaten_id or "",
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
        wilayah_kode=plan.desa_id or plan.kabupaten_id or "",
        changes={k: v for k, v in values.items() if k != "opd" and k != "programme_area"},
    )
    return activity


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
    ensure_not_in_future(tanggal=tanggal)
    if tanggal.year != activity.plan.tahun:
        raise ValidationError(
            {
                "tanggal": _("The date must fall in the plan's year (%(year)s).")
                % {"year": activity.plan.tahun}
            }
        )
    # A record dated between others (entered late) must fit between them too: the
    # activity's progress never goes back over time, whatever order it was typed in.
    earlier = activity.realisations.filter(tanggal__lte=tanggal).order_by("-tanggal", "-id")
    earlier = earlier.first()
    if earlier and progres < earlier.progres:
        raise ValidationError(
            {
                "progres": _("Progress cannot go back (last recorded: %(p)s%%).")
                % {"p": earlier.progres}
            }
        )
    later = activity.realisations.filter(tanggal__gt=tanggal).order_by("tanggal", "id").first()
    if later and progres > later.progres:
        raise ValidationError(
            {
                "progres": _(
                    "Progress cannot be above that of a later record (%(p)s%% on %(date)s)."
                )
                % {"p": later.progres, "date": later.tanggal.isoformat()}
            }
        )
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
    latest = activity.realisations.order_by("-tanggal", "-id").first()
    activity.progres = latest.progres
    activity.output_tercapai = latest.output_tercapai
    activity.anggaran_realisasi = latest.anggaran_realisasi
    activity.save(update_fields=["progres", "output_tercapai", "anggaran_realisasi"])
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=real,
        wilayah_kode=activity.plan.desa_id or activity.plan.kabupaten_id or "",
        changes={
            "activity": activity.pk,
            "progres": progres,
            "anggaran_realisasi": anggaran_realisasi,
        },
    )
    return real
