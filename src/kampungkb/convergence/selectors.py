"""Reads of the convergence work. Each takes the acting user and returns only what the user's
area (and, for a Mitra OPD, their OPD) covers; another area's object is a 404."""

import datetime
from collections import defaultdict

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from kampungkb.analytics.models import TargetScope
from kampungkb.analytics.selectors import ON_COURSE_RULE, target_for_year, target_points
from kampungkb.convergence.models import (
    TPK_ROLES,
    ActionDefinition,
    ActionFramework,
    ActionRecord,
    ActionStatus,
    Cadre,
    CadreRole,
    CoachingVisit,
    Evaluation,
    FollowUp,
    FollowUpStatus,
    IndicatorDefinition,
    IndicatorRecord,
    Innovation,
    Opd,
    Plan,
    PlanActivity,
    RuleSet,
)
from kampungkb.convergence.review import scoring
from kampungkb.convergence.review.outcomes import (
    measured_coverage_by_desa,
    prevalence_of,
    stunting_by_desa,
)
from kampungkb.core.permissions import can_record_coaching_visit, is_district_admin, is_mitra
from kampungkb.core.scoping import covered_kode, kode_within, scope_q
from kampungkb.wilayah.models import ActivityGroup, KampungKB, Level, MaturityLevel, Wilayah
from kampungkb.wilayah.selectors import wilayah_area

LEVEL_LABELS = dict(MaturityLevel.choices)
REASONS = {
    "level": _("level below Mandiri"),
    "rising": _("stunting prevalence rising"),
    "unclassified": _("too few indicators to classify"),
}


def user_opd(user):
    """Return the OPD a Mitra OPD user belongs to (by its ``organisation``), or ``None``."""
    if not is_mitra(user):
        return None
    return next((o for o in Opd.objects.all() if o.matches(user.organisation)), None)


def user_may_record_visit(user) -> bool:
    """Whether the user may record a coaching visit (see ``can_record_coaching_visit``)."""
    return can_record_coaching_visit(user, opd=user_opd(user))


def _today():
    return datetime.date.today()


# --- district actions -------------------------------------------------------------------------


def district_kode(*, user) -> str | None:
    """Return the kabupaten code whose district actions the user reads (``None``: nothing)."""
    area = covered_kode(user)
    if area is None:
        return None
    if len(area) >= 5:
        return area[:5]
    kab = Wilayah.objects.filter(level=Level.KABUPATEN).filter(scope_q(user, "kode")).first()
    return kab.kode if kab else None


def framework_for_year(tahun: int) -> ActionFramework | None:
    return (
        ActionFramework.objects.filter(tahun_mulai__lte=tahun)
        .filter(Q(tahun_akhir__isnull=True) | Q(tahun_akhir__gte=tahun))
        .order_by("-tahun_mulai")
        .first()
    )


def _month_end(tahun: int, month: int) -> datetime.date:
    nxt = datetime.date(tahun + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def action_year(*, user, tahun: int, today=None) -> dict:
    """Return the year's actions with their record and state (done, late, missing, pending)."""
    today = today or _today()
    kab = district_kode(user=user)
    framework = framework_for_year(tahun)
    rows = []
    if kab and framework:
        records = {
            r.action_id: r
            for r in ActionRecord.objects.filter(kabupaten_id=kab, tahun=tahun)
            .select_related("opd")
            .annotate(n_evidence=Count("evidence"))
        }
        for action in framework.actions.order_by("nomor"):
            record = records.get(action.pk)
            planned = (record.tanggal_rencana if record else None) or _month_end(
                tahun, action.bulan_selesai
            )
            rows.append(
                {
                    "action": action,
                    "record": record,
                    "planned_end": planned,
                    "state": scoring.action_state(
                        done=bool(record and record.status == ActionStatus.SELESAI),
                        recorded=bool(record and record.status != ActionStatus.BELUM),
                        planned_end=planned,
                        today=today,
                    ),
                    "evidence_missing": bool(record and record.status == ActionStatus.SELESAI)
                    and not record.n_evidence,
                }
            )
    counts = defaultdict(int)
    for row in rows:
        counts[row["state"]] += 1
    return {"framework": framework, "kabupaten": kab, "rows": rows, "counts": dict(counts)}


def action_definition_get(*, user, tahun: int, pk: int) -> ActionDefinition:
    framework = framework_for_year(tahun)
    if district_kode(user=user) is None or framework is None:
        raise Http404
    return get_object_or_404(ActionDefinition, framework=framework, pk=pk)


def action_record_find(*, user, tahun: int, action) -> ActionRecord | None:
    kab = district_kode(user=user)
    return (
        ActionRecord.objects.filter(kabupaten_id=kab, tahun=tahun, action=action)
        .prefetch_related("lokus_desa", "commitments", "evidence")
        .first()
    )


def action_record_get(*, user, pk: int) -> ActionRecord:
    kab = district_kode(user=user)
    if kab is None:
        raise Http404
    return get_object_or_404(ActionRecord, pk=pk, kabupaten_id=kab)


def evidence_get(*, user, pk: int):
    from kampungkb.convergence.models import EvidenceFile

    kab = district_kode(user=user)
    if kab is None:
        raise Http404
    return get_object_or_404(EvidenceFile, pk=pk, record__kabupaten_id=kab)


def kpm_per_desa(*, user) -> list[dict]:
    """Return each desa in the user's area with its active KPM (an Aksi 5 output)."""
    names = defaultdict(list)
    for c in Cadre.objects.for_user(user).filter(peran=CadreRole.KPM, aktif=True):
        names[c.desa_id].append(c.nama)
    return [
        {"desa": d, "kpm": names.get(d.kode, [])}
        for d in Wilayah.objects.for_user(user).desa().order_by("kode")
    ]


# --- plans ------------------------------------------------------------------------------------


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


def activity_get(*, user, pk: int) -> PlanActivity:
    return get_object_or_404(
        PlanActivity.objects.filter(plan__in=Plan.objects.for_user(user)).select_related(
            "plan", "plan__opd", "plan__desa"
        ),
        pk=pk,
    )


SUMMARY_KEYS = {
    "desa": Coalesce(F("plan__desa__nama"), Value("")),
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
    if by == "kecamatan":
        names = dict(
            Wilayah.objects.filter(kode__in=[r["key"] for r in rows]).values_list("kode", "nama")
        )
        for r in rows:
            r["key"] = names.get(r["key"], r["key"])
    for r in rows:
        r["serapan"] = (
            round(100.0 * float(r["realisasi"]) / float(r["anggaran"]), 1)
            if r["anggaran"]
            else None
        )
    return rows


# --- people -----------------------------------------------------------------------------------


def cadre_list(*, user, desa: str = ""):
    qs = (
        Cadre.objects.for_user(user)
        .select_related("desa")
        .annotate(n_trainings=Count("trainings"))
        .order_by("desa_id", "peran", "nama")
    )
    if desa:
        qs = qs.filter(desa_id=desa)
    return qs


def cadre_get(*, user, pk: int) -> Cadre:
    return get_object_or_404(
        Cadre.objects.for_user(user)
        .select_related("desa")
        .prefetch_related("trainings", "assignments"),
        pk=pk,
    )


def desa_gaps(*, user) -> list:
    """Return the desa in the user's area, each saying whether it has a trained KPM and a
    complete TPK (an active bidan, PKK cadre and KB cadre); gaps first."""

    def active(role):
        return Cadre.objects.filter(desa_id=OuterRef("kode"), peran=role, aktif=True)

    qs = (
        Wilayah.objects.for_user(user)
        .desa()
        .select_related("parent")
        .annotate(
            trained_kpm=Exists(active(CadreRole.KPM).filter(trainings__isnull=False)),
            has_kpm=Exists(active(CadreRole.KPM)),
            **{f"has_{r}": Exists(active(r)) for r in TPK_ROLES},
        )
        .order_by("kode")
    )
    out = []
    for d in qs:
        d.tpk_missing = [CadreRole(r).label for r in TPK_ROLES if not getattr(d, f"has_{r}")]
        d.tpk_complete = not d.tpk_missing
        d.has_gap = not (d.trained_kpm and d.tpk_complete)
        out.append(d)
    return sorted(out, key=lambda d: (not d.has_gap, d.kode))


# --- coaching ---------------------------------------------------------------------------------


def _visits_for(user):
    qs = CoachingVisit.objects.for_user(user)
    if is_mitra(user):
        opd = user_opd(user)
        return qs.filter(opd=opd) if opd else qs.none()
    return qs


def visit_list(*, user, tahun: int | None = None):
    qs = (
        _visits_for(user)
        .select_related("opd", "desa", "kampung")
        .annotate(n_open=Count("follow_ups", filter=Q(follow_ups__status=FollowUpStatus.TERBUKA)))
    )
    if tahun:
        qs = qs.filter(tanggal__year=tahun)
    return qs


def visit_get(*, user, pk: int) -> CoachingVisit:
    return get_object_or_404(
        _visits_for(user).select_related("opd", "desa", "kampung", "programme_area"), pk=pk
    )


def followup_get(*, user, pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.filter(visit__in=_visits_for(user)).select_related("visit", "owner_opd"),
        pk=pk,
    )


def followups_overdue(*, user, today=None):
    """Return the open follow-ups past their due date that this user must chase: all of the
    area for the district admin, their OPD's for a Mitra OPD, the desa's own for operators."""
    today = today or _today()
    qs = FollowUp.objects.filter(
        status=FollowUpStatus.TERBUKA, batas_waktu__lt=today
    ).select_related("visit", "visit__desa", "visit__opd", "owner_opd")
    if is_district_admin(user):
        qs = qs.filter(scope_q(user, "visit__desa__kode"))
    elif is_mitra(user):
        opd = user_opd(user)
        qs = (
            qs.filter(Q(owner_opd=opd) | Q(owner_opd__isnull=True, visit__opd=opd))
            if opd
            else qs.none()
        )
    elif user.role in ("operator_kecamatan", "operator_desa"):
        qs = qs.filter(scope_q(user, "visit__desa__kode"), owner_opd__isnull=True)
    else:
        qs = qs.none()
    return qs.order_by("batas_waktu", "id")


# --- indicators and evaluation ----------------------------------------------------------------


def rule_set_for_year(tahun: int) -> RuleSet | None:
    return RuleSet.objects.filter(berlaku_dari__lte=tahun).order_by("-berlaku_dari").first()


def kampung_get(*, user, pk: int) -> KampungKB:
    return get_object_or_404(
        KampungKB.objects.for_user(user).select_related("desa", "desa__parent"), pk=pk
    )


def indicator_definitions(*, computed: bool | None = None):
    qs = IndicatorDefinition.objects.select_related("programme_area__opd")
    return qs if computed is None else qs.filter(computed=computed)


def system_values(*, kampungs, tahun: int) -> dict[int, dict]:
    """Return the outcome indicators the system knows for each Kampung KB in a year."""
    kampungs = list(kampungs)
    desa = [k.desa_id for k in kampungs]
    now, before = (
        stunting_by_desa(tahun=tahun, desa_kodes=desa),
        stunting_by_desa(tahun=tahun - 1, desa_kodes=desa),
    )
    coverage = measured_coverage_by_desa(tahun=tahun, desa_kodes=desa)
    groups = {
        r["kampung_id"]: r
        for r in ActivityGroup.objects.filter(kampung__in=kampungs)
        .values("kampung_id")
        .annotate(n=Count("id"), aktif=Count("id", filter=Q(aktif=True)))
    }
    visits = dict(
        CoachingVisit.objects.filter(desa_id__in=desa, tanggal__year=tahun)
        .values("desa_id")
        .annotate(n=Count("id"))
        .values_list("desa_id", "n")
    )
    out = {}
    for k in kampungs:
        prev_now = (now.get(k.desa_id) or {}).get("prevalence")
        prev_before = (before.get(k.desa_id) or {}).get("prevalence")
        g = groups.get(k.pk)
        out[k.pk] = {
            "sys_prevalensi": prev_now,
            "sys_tren": round(prev_now - prev_before, 2)
            if prev_now is not None and prev_before is not None
            else None,
            "sys_cakupan": coverage.get(k.desa_id),
            "sys_poktan_aktif": round(100.0 * g["aktif"] / g["n"], 1) if g and g["n"] else None,
            "sys_pembinaan": visits.get(k.desa_id, 0),
        }
    return out


def indicator_values(*, kampung: KampungKB, tahun: int) -> dict:
    """Return every indicator value of a Kampung KB for a year: recorded plus system ones."""
    values = dict(
        IndicatorRecord.objects.filter(kampung=kampung, tahun=tahun).values_list(
            "indicator__kode", "nilai"
        )
    )
    values.update(system_values(kampungs=[kampung], tahun=tahun)[kampung.pk])
    return values


def evaluation_latest(*, kampung, tahun: int) -> Evaluation | None:
    return (
        kampung.evaluations.filter(tahun=tahun)
        .select_related("rule_set")
        .order_by("-created_at", "-id")
        .first()
    )


def _latest_evaluations(kampung_ids, tahun: int) -> dict[int, Evaluation]:
    latest = {}
    for e in Evaluation.objects.filter(kampung_id__in=kampung_ids, tahun=tahun).order_by(
        "kampung_id", "-created_at", "-id"
    ):
        latest.setdefault(e.kampung_id, e)
    return latest


def _official_level_at(records, tahun: int):
    dated = [r for r in records if r.tanggal.year <= tahun]
    return max(dated, key=lambda r: (r.tanggal, r.pk), default=None)


def review_rows(*, user, tahun: int) -> list[dict]:
    """Return one row per Kampung KB of the user's area: plans, coaching, outcomes and the
    computed (this and last year) and official levels."""
    kampungs = list(
        KampungKB.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .prefetch_related("maturity_records")
        .order_by("desa_id")
    )
    ids = [k.pk for k in kampungs]
    now, before = _latest_evaluations(ids, tahun), _latest_evaluations(ids, tahun - 1)
    sysv = system_values(kampungs=kampungs, tahun=tahun)
    plans = {
        r["plan__kampung_id"]: r
        for r in PlanActivity.objects.filter(plan__kampung_id__in=ids, plan__tahun=tahun)
        .values("plan__kampung_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(progres=100)),
            anggaran=Sum("anggaran"),
            realisasi=Sum("anggaran_realisasi"),
            progres=Avg("progres"),
        )
    }
    today = _today()
    fu = {
        r["visit__desa_id"]: r
        for r in FollowUp.objects.filter(
            visit__desa_id__in=[k.desa_id for k in kampungs], visit__tanggal__year=tahun
        )
        .values("visit__desa_id")
        .annotate(
            open=Count("id", filter=Q(status=FollowUpStatus.TERBUKA)),
            overdue=Count("id", filter=Q(status=FollowUpStatus.TERBUKA, batas_waktu__lt=today)),
        )
    }
    rows = []
    for k in kampungs:
        e, e_before = now.get(k.pk), before.get(k.pk)
        official = _official_level_at(k.maturity_records.all(), tahun)
        rows.append(
            {
                "kampung": k,
                "evaluation": e,
                "level": e.tingkat if e else None,
                "level_before": e_before.tingkat if e_before else None,
                "official": official,
                "system": sysv[k.pk],
                "trend": sysv[k.pk]["sys_tren"],
                "plan": plans.get(
                    k.pk, {"n": 0, "done": 0, "anggaran": 0, "realisasi": 0, "progres": None}
                ),
                "visits": sysv[k.pk]["sys_pembinaan"],
                "followups": fu.get(k.desa_id, {"open": 0, "overdue": 0}),
            }
        )
    return rows


def review_kecamatan(rows: list[dict]) -> list[dict]:
    """Roll review rows up to kecamatan."""
    by = {}
    for r in rows:
        kec = r["kampung"].desa.parent
        agg = by.setdefault(
            kec.kode,
            {
                "kecamatan": kec,
                "n": 0,
                "levels": defaultdict(int),
                "visits": 0,
                "anggaran": 0,
                "realisasi": 0,
                "overdue": 0,
                "improved": 0,
            },
        )
        agg["n"] += 1
        agg["levels"][r["level"] or ""] += 1
        agg["visits"] += r["visits"]
        agg["anggaran"] += r["plan"]["anggaran"] or 0
        agg["realisasi"] += r["plan"]["realisasi"] or 0
        agg["overdue"] += r["followups"]["overdue"]
        order = [None, *MaturityLevel.values]
        if (
            r["level"]
            and r["level_before"]
            and order.index(r["level"]) > order.index(r["level_before"])
        ):
            agg["improved"] += 1
    for agg in by.values():
        agg["level_list"] = [
            (LEVEL_LABELS[v], agg["levels"].get(v, 0)) for v in MaturityLevel.values
        ]
        agg["unclassified"] = agg["levels"].get("", 0)
    return list(by.values())


def village_lists(*, user, tahun: int, rows: list[dict] | None = None) -> dict:
    """Return the explained lists of model villages and villages needing support."""
    rows = rows if rows is not None else review_rows(user=user, tahun=tahun)
    rule_set = rule_set_for_year(tahun)
    defs = {d.kode: d for d in indicator_definitions()}
    inputs = []
    for r in rows:
        e = r["evaluation"]
        if e is None:
            continue
        parts = {
            **e.detail.get("management", {}).get("parts", {}),
            **e.detail.get("contribution", {}).get("parts", {}),
        }
        missing = e.detail.get("management", {}).get("missing", []) + e.detail.get(
            "contribution", {}
        ).get("missing", [])
        inputs.append(
            {
                "key": r["kampung"].pk,
                "row": r,
                "level": e.tingkat or None,
                "parts": parts,
                "missing": missing,
                "trend": r["trend"],
            }
        )
    model, support = scoring.village_lists(inputs, rule_set.rules if rule_set else {})
    innovations = defaultdict(list)
    for inn in Innovation.objects.filter(desa_id__in=[r["kampung"].desa_id for r in rows]):
        innovations[inn.desa_id].append(inn)

    def describe(kodes):
        return [
            {
                "kode": k,
                "nama": defs[k].nama if k in defs else k,
                "opd": defs[k].programme_area.opd if k in defs and defs[k].programme_area else None,
            }
            for k in kodes
        ]

    for m in model:
        m["worked_list"] = describe(m["worked"])
        m["innovations"] = innovations.get(m["row"]["kampung"].desa_id, [])
    for s in support:
        s["lagging_list"] = describe(s["lagging"])
        s["reason_labels"] = [REASONS[r] for r in s["reasons"]]
        opds = []
        for item in s["lagging_list"]:
            if item["opd"] and item["opd"] not in opds:
                opds.append(item["opd"])
        s["opds"] = opds
    return {"model": model, "support": support, "rule_set": rule_set}


def kampung_review(*, user, kampung: KampungKB, tahun: int) -> dict:
    """Return what the review page of one Kampung KB shows."""
    rows = [r for r in review_rows(user=user, tahun=tahun) if r["kampung"].pk == kampung.pk]
    row = rows[0]
    trend = []
    for y in range(tahun - 3, tahun + 1):
        s = stunting_by_desa(tahun=y, desa_kodes=[kampung.desa_id]).get(kampung.desa_id)
        trend.append(
            {"tahun": y, "prevalence": s["prevalence"] if s else None, "n": s["n"] if s else 0}
        )
    lists = village_lists(user=user, tahun=tahun, rows=rows)
    return {
        "row": row,
        "trend": trend,
        "evaluations": kampung.evaluations.select_related("rule_set").order_by(
            "-tahun", "-created_at"
        )[:10],
        "visits": CoachingVisit.objects.filter(desa_id=kampung.desa_id)
        .select_related("opd")
        .prefetch_related("follow_ups")
        .order_by("-tanggal")[:20],
        "activities": PlanActivity.objects.filter(
            plan__kampung=kampung, plan__tahun=tahun
        ).select_related("programme_area"),
        "records": IndicatorRecord.objects.filter(kampung=kampung, tahun=tahun).select_related(
            "indicator"
        ),
        "model": lists["model"],
        "support": lists["support"],
        "innovations": Innovation.objects.filter(desa_id=kampung.desa_id),
        "official_history": kampung.maturity_records.order_by("-tanggal", "-id"),
    }


def innovation_list(*, user):
    return (
        Innovation.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .prefetch_related("direplikasi_di")
    )


# --- district target --------------------------------------------------------------------------


def district_target(*, user, today=None) -> dict:
    """Return the prevalence trend against targets, Kampung KB coverage of desa and the share
    of Kampung KB at each (computed and official) level over the years."""
    today = today or _today()
    desa = list(Wilayah.objects.for_user(user).desa().values_list("kode", flat=True))
    years = list(range(today.year - 4, today.year + 1))
    # Targets and the on-course rule are the analytics app's (national and the district's
    # own, interpolated between target years); the district's own target wins when set.
    area = wilayah_area(user=user)
    points = target_points(area=area) if area is not None else {}
    district = points.get(TargetScope.DISTRICT) or []
    national = points.get(TargetScope.NATIONAL) or []
    trend = []
    for y in years:
        rows = stunting_by_desa(tahun=y, desa_kodes=desa)
        prev = prevalence_of(rows)
        target = target_for_year(district, y)
        if target is None:
            target = target_for_year(national, y)
        trend.append(
            {
                "tahun": y,
                "prevalence": prev,
                "n": sum(r["n"] for r in rows.values()),
                "target": round(target, 2) if target is not None else None,
                "on_course": (prev <= target) if prev is not None and target is not None else None,
            }
        )
    kampungs = list(KampungKB.objects.for_user(user).prefetch_related("maturity_records"))
    share = []
    for y in years:
        latest = _latest_evaluations([k.pk for k in kampungs], y)
        computed = defaultdict(int)
        official = defaultdict(int)
        for k in kampungs:
            e = latest.get(k.pk)
            computed[(e.tingkat if e else "") or ""] += 1
            o = _official_level_at(k.maturity_records.all(), y)
            official[o.tingkat if o else ""] += 1
        n = len(kampungs) or 1
        share.append(
            {
                "tahun": y,
                "computed": [
                    (LEVEL_LABELS[v], round(100.0 * computed.get(v, 0) / n, 1))
                    for v in MaturityLevel.values
                ],
                "official": [
                    (LEVEL_LABELS[v], round(100.0 * official.get(v, 0) / n, 1))
                    for v in MaturityLevel.values
                ],
            }
        )
    latest_known = next((t for t in reversed(trend) if t["prevalence"] is not None), None)
    return {
        "trend": trend,
        "targets": sorted(national),
        "district_targets": sorted(district),
        "on_course_rule": ON_COURSE_RULE,
        "latest": latest_known,
        "n_desa": len(desa),
        "n_kampung": len(kampungs),
        "coverage": round(100.0 * len(kampungs) / len(desa), 1) if desa else None,
        "share": share,
        "all_desa_target": len(desa),
    }


def home_counts(*, user) -> dict:
    return {
        "overdue": followups_overdue(user=user).count(),
        "n_visits": _visits_for(user).filter(tanggal__year=_today().year).count(),
        "n_plans": Plan.objects.for_user(user).filter(tahun=_today().year).count(),
        "n_cadres": Cadre.objects.for_user(user).count(),
    }


def kode_in_area(user, kode: str) -> bool:
    area = covered_kode(user)
    return area is not None and kode_within(kode, area)
