"""The district target page: the stunting prevalence of the user's area against the targets,
the Kampung KB coverage of its desa and the share of Kampung KB at each maturity level."""

import datetime
from collections import defaultdict

from kampungkb.analytics.models import TargetScope
from kampungkb.analytics.selectors import ON_COURSE_RULE, target_for_year, target_points
from kampungkb.convergence.review.outcomes import prevalence_of, stunting_by_desa
from kampungkb.convergence.review.selectors import (
    LEVEL_LABELS,
    latest_evaluations,
    official_level_at,
)
from kampungkb.wilayah.models import KampungKB, MaturityLevel, Wilayah
from kampungkb.wilayah.selectors import wilayah_area


def district_target(*, user, today=None) -> dict:
    """Return the prevalence trend against targets, Kampung KB coverage of desa and the share
    of Kampung KB at each (computed and official) level over the years."""
    today = today or datetime.date.today()
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
        latest = latest_evaluations([k.pk for k in kampungs], y)
        computed = defaultdict(int)
        official = defaultdict(int)
        for k in kampungs:
            e = latest.get(k.pk)
            computed[(e.tingkat if e else "") or ""] += 1
            o = official_level_at(k.maturity_records.all(), y)
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
        "n_kampung_kb": len(kampungs),
        "coverage": round(100.0 * len(kampungs) / len(desa), 1) if desa else None,
        "share": share,
        "all_desa_target": len(desa),
    }
