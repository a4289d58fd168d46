"""Reads of the annual review: indicator values (recorded and computed by the system), the
evaluations, the review rows per Kampung KB and kecamatan, and the explained lists of model
villages and villages needing support. Each takes the acting user and returns only what the
user's area covers; another area's Kampung KB is a 404."""

import datetime
from collections import defaultdict

from django.db.models import Avg, Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kampungkb.analytics.cube import kampung_kb_desa
from kampungkb.convergence.coaching.models import CoachingVisit, FollowUp, FollowUpStatus
from kampungkb.convergence.coaching.selectors import visits_for
from kampungkb.convergence.innovations.models import Innovation
from kampungkb.convergence.plans.models import PlanActivity
from kampungkb.convergence.review import family_values as family
from kampungkb.convergence.review import scoring
from kampungkb.convergence.review import tpk_values as tpk
from kampungkb.convergence.review.models import (
    Evaluation,
    IndicatorDefinition,
    IndicatorRecord,
    RuleSet,
)
from kampungkb.convergence.review.outcomes import (
    measured_coverage_by_desa,
    prevalence_change,
    stunting_by_desa,
)
from kampungkb.core.rounding import percent, proportion
from kampungkb.wilayah.models import ActivityGroup, KampungKB, MaturityLevel

LEVEL_LABELS = dict(MaturityLevel.choices)
REASONS = {
    "level": _("level below Mandiri"),
    "rising": _("stunting prevalence rising"),
    "unclassified": _("too few indicators to classify"),
}


def rule_set_list():
    """Return the maturity rule sets, oldest first (they apply to the whole installation)."""
    return RuleSet.objects.order_by("berlaku_dari")


def rule_set_get(*, pk: int) -> RuleSet:
    return get_object_or_404(RuleSet, pk=pk)


def rule_set_for_year(tahun: int) -> RuleSet | None:
    return RuleSet.objects.filter(berlaku_dari__lte=tahun).order_by("-berlaku_dari").first()


def kampung_kb_get(*, user, pk: int) -> KampungKB:
    return get_object_or_404(
        KampungKB.objects.for_user(user).select_related("desa", "desa__parent"), pk=pk
    )


def indicator_definitions(*, computed: bool | None = None):
    qs = IndicatorDefinition.objects.select_related("programme_area__opd")
    return qs if computed is None else qs.filter(computed=computed)


def recorded_values(*, kampung: KampungKB, tahun: int) -> dict:
    """Return the indicator values recorded for a Kampung KB in a year (kode → value)."""
    return dict(
        IndicatorRecord.objects.filter(kampung=kampung, tahun=tahun).values_list(
            "indicator__kode", "nilai"
        )
    )


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
    families = family.family_values(desa_kodes=desa, tahun=tahun)
    tpk_figures = tpk.tpk_values(desa_kodes=desa, tahun=tahun)
    visits = dict(
        CoachingVisit.objects.filter(desa_id__in=desa, tanggal__year=tahun)
        .values("desa_id")
        .annotate(n=Count("id"))
        .values_list("desa_id", "n")
    )
    out = {}
    for k in kampungs:
        prev_now = (now.get(k.desa_id) or {}).get("prevalence")
        g = groups.get(k.pk)
        active = percent(proportion(g["aktif"], g["n"])) if g else None
        out[k.pk] = {
            "sys_prevalensi": prev_now,
            "sys_tren": prevalence_change(now.get(k.desa_id), before.get(k.desa_id)),
            "sys_cakupan": coverage.get(k.desa_id),
            "sys_poktan_aktif": None if active is None else float(active),
            "sys_pembinaan": visits.get(k.desa_id, 0),
            **families.get(k.desa_id, family.empty_values()),
            **tpk_figures.get(k.desa_id, tpk.empty_values()),
        }
    return out


def indicator_values(*, kampung: KampungKB, tahun: int) -> dict:
    """Return every indicator value of a Kampung KB for a year: recorded plus system ones (a
    typed indicator the family data computes gives way to it: ``family_values``)."""
    return indicator_values_many(kampungs=[kampung], tahun=tahun)[kampung.pk]


def indicator_values_many(*, kampungs, tahun: int) -> dict[int, dict]:
    """Return :func:`indicator_values` of several Kampung KB (by id) in a few queries."""
    kampungs = list(kampungs)
    out = {k.pk: {} for k in kampungs}
    for kampung_id, kode, nilai in IndicatorRecord.objects.filter(
        kampung__in=kampungs, tahun=tahun
    ).values_list("kampung_id", "indicator__kode", "nilai"):
        out[kampung_id][kode] = nilai
    for pk, values in system_values(kampungs=kampungs, tahun=tahun).items():
        out[pk].update(values)
    return {pk: family.apply_duplicates(values) for pk, values in out.items()}


def latest_evaluations(kampung_kb_ids, tahun: int) -> dict[int, Evaluation]:
    """Return the newest evaluation of each Kampung KB in a year (by Kampung KB id)."""
    latest = {}
    for e in Evaluation.objects.filter(kampung_id__in=kampung_kb_ids, tahun=tahun).order_by(
        "kampung_id", "-created_at", "-id"
    ):
        latest.setdefault(e.kampung_id, e)
    return latest


def official_level_at(records, tahun: int):
    """Return the official maturity record in force in a year (the newest up to its end)."""
    dated = [r for r in records if r.tanggal.year <= tahun]
    return max(dated, key=lambda r: (r.tanggal, r.pk), default=None)


def launched_by(kampungs: list, tahun: int) -> list:
    """The Kampung KB of ``kampungs`` that existed in ``tahun``: launched by its end (the
    launch date, else the SK date; always when neither is recorded), as the analytics and
    the district target count a year's Kampung KB."""
    launched = kampung_kb_desa([k.desa_id for k in kampungs], datetime.date(tahun, 12, 31))
    return [k for k in kampungs if k.desa_id in launched]


def review_rows(*, user, tahun: int, launched_only: bool = True) -> list[dict]:
    """Return one row per Kampung KB of the user's area that existed in the year (all of
    them when not ``launched_only``: a Kampung KB's own pages): plans, coaching, outcomes and
    the computed (this and last year) and official levels."""
    kampungs = list(
        KampungKB.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .prefetch_related("maturity_records")
        .order_by("desa_id")
    )
    if launched_only:
        # One launched later is no part of the year's review (nor of its kecamatan counts).
        kampungs = launched_by(kampungs, tahun)
    ids = [k.pk for k in kampungs]
    now, before = latest_evaluations(ids, tahun), latest_evaluations(ids, tahun - 1)
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
    today = datetime.date.today()
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
        official = official_level_at(k.maturity_records.all(), tahun)
        rows.append(
            {
                "kampung": k,
                "evaluation": e,
                "level": e.tingkat if e else None,
                "level_before": e_before.tingkat if e_before else None,
                "level_before_label": e_before.get_tingkat_display() if e_before else "",
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
    # What the village had by the year reviewed: a later innovation was no part of it.
    for inn in Innovation.objects.filter(
        desa_id__in=[r["kampung"].desa_id for r in rows], tahun__lte=tahun
    ):
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
    return {"model": model, "support": support, "rule_set": rule_set, "evaluated": bool(inputs)}


def kampung_kb_review(*, user, kampung: KampungKB, tahun: int) -> dict:
    """Return what the review page of one Kampung KB shows."""
    rows = [
        r
        for r in review_rows(user=user, tahun=tahun, launched_only=False)
        if r["kampung"].pk == kampung.pk
    ]
    row = rows[0]
    return {
        "row": row,
        **family_review(row["system"], tahun=tahun),
        **tpk_review(row["system"], tahun=tahun),
        "evaluations": kampung.evaluations.select_related("rule_set").order_by(
            "-tahun", "-created_at"
        )[:10],
        # The visits the user may read (a Mitra OPD: its own OPD's), each linking to its page.
        "visits": visits_for(user=user)
        .filter(desa_id=kampung.desa_id)
        .select_related("opd")
        .prefetch_related("follow_ups")
        .order_by("-tanggal")[:20],
        "activities": PlanActivity.objects.filter(
            plan__kampung=kampung, plan__tahun=tahun
        ).select_related("programme_area"),
        "innovations": Innovation.objects.filter(desa_id=kampung.desa_id),
        "official_history": kampung.maturity_records.order_by("-tanggal", "-id"),
    }


def family_review(system: dict, *, tahun: int) -> dict:
    """The family-data indicators of a review page, each with its source, and the typed
    indicators they replace (hidden from the typed list)."""
    if not family.has_family_data(system):
        return {"family_rows": [], "family_source": "", "overridden": set()}
    definitions = {
        d.kode: d for d in IndicatorDefinition.objects.filter(kode__in=family.FAMILY_INDICATORS)
    }
    rows = [
        (definitions[kode], system[kode])
        for kode in family.FAMILY_INDICATORS
        if kode in definitions
    ]
    return {
        "family_rows": rows,
        "family_source": family.source_label(tahun),
        "overridden": set(family.TYPED_DUPLICATES),
    }


def tpk_review(system: dict, *, tahun: int) -> dict:
    """The TPK indicators of a review page (``tpk_values``), each with its source."""
    if not tpk.has_tpk_data(system):
        return {"tpk_rows": [], "tpk_source": ""}
    definitions = {
        d.kode: d for d in IndicatorDefinition.objects.filter(kode__in=tpk.TPK_INDICATORS)
    }
    rows = [(definitions[k], system[k]) for k in tpk.TPK_INDICATORS if k in definitions]
    return {"tpk_rows": rows, "tpk_source": tpk.source_label(tahun)}


def computed_replacements(*, kampung: KampungKB, tahun: int) -> dict[str, str]:
    """{typed indicator code: a sentence naming the computed value shown instead and its
    source} for the typed indicators the family data of the year replaces."""
    values = family.family_values(desa_kodes=[kampung.desa_id], tahun=tahun).get(kampung.desa_id)
    if not values:
        return {}
    names = dict(
        IndicatorDefinition.objects.filter(
            kode__in=[*family.TYPED_DUPLICATES, *family.TYPED_DUPLICATES.values()]
        ).values_list("kode", "nama")
    )
    out = {}
    for typed, computed in family.TYPED_DUPLICATES.items():
        if values.get(computed) is None:
            continue
        out[typed] = _("%(typed)s: %(value)s %% %(source)s (%(name)s), not typed here.") % {
            "typed": names.get(typed, typed),
            "value": number_format(values[computed], 1),
            "source": family.source_label(tahun),
            "name": names.get(computed, computed),
        }
    return out


def family_indicator_notes(*, kampung: KampungKB, tahun: int) -> list[str]:
    """One line per indicator computed from the family data of the year (name, value, source),
    for the entry page: they are shown, not typed."""
    values = family.family_values(desa_kodes=[kampung.desa_id], tahun=tahun).get(kampung.desa_id)
    if not values:
        return []
    source = family.source_label(tahun)
    lines = []
    for d in IndicatorDefinition.objects.filter(kode__in=family.FAMILY_INDICATORS):
        value = values.get(d.kode)
        shown = "–" if value is None else number_format(value, 1 if d.satuan == "%" else 0)
        lines.append(f"{d.nama}: {shown} {d.satuan} ({source})")
    return lines
