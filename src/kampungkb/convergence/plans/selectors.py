"""Reads of the activity plans. A Kampung KB's plan is read within its desa's area; OPD plans
are district-wide (see ``PlanQuerySet.for_user``)."""

from django.db.models import Avg, Count, F, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.shortcuts import get_object_or_404

from kampungkb.convergence.plans.models import Plan, PlanActivity, Realisation
from kampungkb.core.rounding import percent, proportion
from kampungkb.wilayah.models import KampungKB, Wilayah


def plan_list(*, user, tahun: int):
    return (
        Plan.objects.for_user(user)
        .filter(tahun=tahun)
        .select_related("kampung", "desa", "opd")
        .annotate(
            n_activities=Count("activities"),
            anggaran=Sum("activities__anggaran"),
            realisasi=Sum("activities__anggaran_realisasi"),
            progres=Avg("activities__progres"),
        )
        .order_by(F("desa_id").asc(nulls_last=True), "opd__singkatan")
    )


def plan_get(*, user, pk: int) -> Plan:
    return get_object_or_404(
        Plan.objects.for_user(user).select_related("kampung", "desa", "opd"), pk=pk
    )


def plan_activities(*, plan: Plan):
    return plan.activities.select_related("programme_area", "opd").prefetch_related("realisations")


def kampung_kb_choices(*, user):
    """Return the Kampung KB of the user's area a new plan may belong to."""
    return KampungKB.objects.for_user(user).order_by("desa_id")


def activity_get(*, user, pk: int) -> PlanActivity:
    return get_object_or_404(
        PlanActivity.objects.filter(plan__in=Plan.objects.for_user(user)).select_related(
            "plan", "plan__opd", "plan__desa"
        ),
        pk=pk,
    )


def realisation_get(*, user, pk: int) -> Realisation:
    """A realisation of an activity of a plan the user reads (outside: 404)."""
    return get_object_or_404(
        Realisation.objects.filter(activity__plan__in=Plan.objects.for_user(user)).select_related(
            "activity", "activity__plan", "activity__plan__kampung", "activity__plan__opd"
        ),
        pk=pk,
    )


SUMMARY_KEYS = {
    "desa": Coalesce(F("plan__desa_id"), Value("")),  # by code: two desa may share a name
    "kecamatan": Coalesce(Substr("plan__desa_id", 1, 8), Value("")),
    "opd": Coalesce(F("opd__singkatan"), F("plan__opd__singkatan"), Value("")),
    "bidang": F("programme_area__nama"),
}


def plan_summary(*, user, tahun: int, by: str) -> list[dict]:
    """Return planned vs realised sums per desa, kecamatan, OPD or programme area."""
    if by not in SUMMARY_KEYS:
        by = "desa"
    rows = list(
        PlanActivity.objects.filter(plan__in=Plan.objects.for_user(user).filter(tahun=tahun))
        .annotate(key=SUMMARY_KEYS[by])
        .values("key")
        .annotate(
            n=Count("id"),
            sasaran=Sum("jumlah_sasaran"),
            output=Sum("output_tercapai"),
            anggaran=Sum("anggaran"),
            realisasi=Sum("anggaran_realisasi"),
            progres=Avg("progres"),
        )
        .order_by("key")
    )
    if by in ("desa", "kecamatan"):
        names = dict(
            Wilayah.objects.filter(kode__in=[r["key"] for r in rows]).values_list("kode", "nama")
        )
        shown = [names.get(r["key"], r["key"]) for r in rows]
        for r, name in zip(rows, shown, strict=True):
            # Two desa of one name (Bangka has such) are told apart by their code.
            r["key"] = f"{name} ({r['key']})" if name and shown.count(name) > 1 else name
    for r in rows:
        r["serapan"] = percent(proportion(r["realisasi"] or 0, r["anggaran"] or 0))
    return rows
