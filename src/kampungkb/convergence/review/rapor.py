"""Reads of a Kampung KB's "rapor": its trends over the last years (stunting with the number
measured, measurement coverage, every indicator of the rule set, the computed and official
level, plan realisation, coaching visits and follow-ups) and why it stands where it does
(its strong and weak indicators with the OPD responsible). No person's name is in it, so every
role that may see the Kampung KB may see its rapor."""

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from kampungkb.convergence.coaching.models import CoachingVisit, FollowUp, FollowUpStatus
from kampungkb.convergence.plans.models import PlanActivity
from kampungkb.convergence.review.models import Evaluation
from kampungkb.convergence.review.outcomes import (
    measured_coverage_by_desa,
    prevalence_change,
    stunting_by_desa,
)
from kampungkb.convergence.review.scorecard import (
    BAND_LABELS,
    VERDICT_LABELS,
    band_limits,
    band_of,
    cells_of,
    indicator_columns,
    scorecard,
)
from kampungkb.convergence.review.selectors import (
    LEVEL_LABELS,
    indicator_values_many,
    official_level_at,
    rule_set_for_year,
)
from kampungkb.core.rounding import percent, proportion
from kampungkb.wilayah.models import KampungKB

YEARS = 5


def _by_year(qs, field: str, **aggregates) -> dict[int, dict]:
    return {r[field]: r for r in qs.values(field).annotate(**aggregates)}


def kampung_kb_rapor(*, user, kampung: KampungKB, tahun: int) -> dict:
    """Return the rapor of one Kampung KB (already fetched through the user's scope) for the
    ``YEARS`` years up to ``tahun``."""
    years = list(range(tahun - YEARS + 1, tahun + 1))
    desa = kampung.desa_id
    card = scorecard(user=user, tahun=tahun, launched_only=False)  # its rapor in any year
    row = next(r for r in card["rows"] if r["kampung"].pk == kampung.pk)
    stunting = [stunting_by_desa(tahun=y, desa_kodes=[desa]).get(desa) for y in years]
    coverage = [measured_coverage_by_desa(tahun=y, desa_kodes=[desa]).get(desa) for y in years]
    outcomes = []
    before = None
    for y, s, c in zip(years, stunting, coverage, strict=True):
        outcomes.append(
            {
                "tahun": y,
                "prevalence": s["prevalence"] if s else None,
                "n": s["n"] if s else 0,
                "change": prevalence_change(s, before),
                "coverage": c,
            }
        )
        before = s

    # Each indicator of this year's rule set, in every year, banded by that year's rules.
    columns = card["columns"]
    indicator_rows = [{"column": c, "years": []} for c in columns]
    levels = []
    evaluations = Evaluation.objects.filter(kampung=kampung, tahun__in=years).order_by(
        "tahun", "-created_at", "-id"
    )
    latest = {}
    for e in evaluations:
        latest.setdefault(e.tahun, e)
    records = list(kampung.maturity_records.all())
    for y in years:
        rule_set = rule_set_for_year(y)
        values = indicator_values_many(kampungs=[kampung], tahun=y)[kampung.pk]
        if rule_set:
            limits = band_limits(rule_set.rules)
            specs = {c["kode"]: c for c in indicator_columns(rule_set.rules)}
        else:
            limits, specs = (0.5, 0.8), {}
        for ind in indicator_rows:
            kode = ind["column"]["kode"]
            if kode in specs:
                cell = cells_of(values, [specs[kode]], limits)[0]
            else:
                value = values.get(kode)
                band = band_of(None, limits)
                cell = {"value": value, "part": None, "band": band, "band_label": BAND_LABELS[band]}
            ind["years"].append(cell)
        e = latest.get(y)
        official = official_level_at(records, y)
        levels.append(
            {
                "tahun": y,
                "computed": LEVEL_LABELS.get(e.tingkat) if e and e.tingkat else None,
                "management": e.skor_manajemen if e else None,
                "contribution": e.skor_kontribusi if e else None,
                "rule_set": e.rule_set.kode if e else (rule_set.kode if rule_set else ""),
                "official": official.get_tingkat_display() if official else None,
            }
        )

    plans = _by_year(
        PlanActivity.objects.filter(plan__kampung=kampung, plan__tahun__in=years),
        "plan__tahun",
        n=Count("id"),
        done=Count("id", filter=Q(progres=100)),
        anggaran=Sum("anggaran"),
        realisasi=Sum("anggaran_realisasi"),
    )
    visits = _by_year(
        CoachingVisit.objects.filter(desa_id=desa, tanggal__year__in=years).annotate(
            tahun=ExtractYear("tanggal")
        ),
        "tahun",
        n=Count("id"),
    )
    today = datetime.date.today()
    followups = _by_year(
        FollowUp.objects.filter(visit__desa_id=desa, visit__tanggal__year__in=years).annotate(
            tahun=ExtractYear("visit__tanggal")
        ),
        "tahun",
        n=Count("id"),
        open=Count("id", filter=Q(status=FollowUpStatus.TERBUKA)),
        overdue=Count("id", filter=Q(status=FollowUpStatus.TERBUKA, batas_waktu__lt=today)),
    )
    work = []
    for y in years:
        p, v, f = plans.get(y, {}), visits.get(y, {}), followups.get(y, {})
        anggaran, realisasi = p.get("anggaran") or 0, p.get("realisasi") or 0
        work.append(
            {
                "tahun": y,
                "activities": p.get("n", 0),
                "done": p.get("done", 0),
                "anggaran": anggaran,
                "realisasi": realisasi,
                "share": percent(proportion(realisasi, anggaran)),
                "visits": v.get("n", 0),
                "followups": f.get("n", 0),
                "open": f.get("open", 0),
                "overdue": f.get("overdue", 0),
            }
        )

    this_year = {c["kode"]: cell for c, cell in zip(columns, row["cells"], strict=True)}
    strong, weak = [], []
    for c in columns:
        cell = this_year[c["kode"]]
        item = {**cell, "opd": c["opd"], "satuan": c["satuan"], "group": c["group_label"]}
        if cell["band"] == "strong":
            strong.append(item)
        elif cell["band"] in ("weak", "missing"):
            weak.append(item)
    strong.sort(key=lambda i: -(i["part"] or 0))
    weak.sort(key=lambda i: (i["part"] is None, i["part"] or 0))
    return {
        "years": years,
        "row": row,
        "rule_set": card["rule_set"],
        "outcomes": outcomes,
        "indicators": indicator_rows,
        "levels": levels,
        "work": work,
        "strong": strong[:5],
        "weak": weak[:5],
        "verdict_labels": VERDICT_LABELS,
    }
