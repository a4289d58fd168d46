"""The district target page: the stunting prevalence of the user's area against the targets,
the Kampung KB coverage of its desa and the share of Kampung KB at each maturity level."""

import datetime
from collections import defaultdict

from kampungkb.analytics.course import (
    ON_COURSE_RULE,
    PROVISIONAL_RULE,
    latest_judged,
    target_points,
    year_courses,
)
from kampungkb.analytics.cube import kampung_kb_desa
from kampungkb.analytics.models import TargetScope
from kampungkb.convergence.review.selectors import (
    LEVEL_LABELS,
    latest_evaluations,
    official_level_at,
)
from kampungkb.core.rounding import percent, proportion
from kampungkb.wilayah.models import KampungKB, MaturityLevel, Wilayah
from kampungkb.wilayah.selectors import wilayah_area


def district_target(*, user, today=None) -> dict:
    """Return the prevalence trend against targets, Kampung KB coverage of desa and the share
    of Kampung KB at each (computed and official) level over the years."""
    today = today or datetime.date.today()
    desa = list(Wilayah.objects.for_user(user).desa().values_list("kode", flat=True))
    years = list(range(today.year - 4, today.year + 1))
    # The figure of a year, its targets, whether it is provisional and the verdict are the
    # analytics app's (``analytics.course``), the same as the dashboard's "On course?" table.
    area = wilayah_area(user=user)
    points = target_points(area=area) if area is not None else {}
    trend = (
        year_courses(user=user, area=area, years=years, today=today, points=points) if area else []
    )
    kampungs = list(KampungKB.objects.for_user(user).prefetch_related("maturity_records"))
    desa_of_kampung = [k.desa_id for k in kampungs]
    share = []
    for y in years:
        # The Kampung KB of that year: launched by its end (the launch date, else the SK
        # date; always when neither is recorded), as the analytics count a Kampung KB.
        launched = kampung_kb_desa(desa_of_kampung, datetime.date(y, 12, 31))
        existing = [k for k in kampungs if k.desa_id in launched]
        latest = latest_evaluations([k.pk for k in existing], y)
        computed = defaultdict(int)
        official = defaultdict(int)
        for k in existing:
            e = latest.get(k.pk)
            computed[(e.tingkat if e else "") or ""] += 1
            o = official_level_at(k.maturity_records.all(), y)
            official[o.tingkat if o else ""] += 1
        # A year before any Kampung KB was launched has no share ("–"), not 0 % at each level.
        n = len(existing)
        share.append(
            {
                "tahun": y,
                "computed": [
                    (LEVEL_LABELS[v], percent(proportion(computed.get(v, 0), n)))
                    for v in MaturityLevel.values
                ],
                "official": [
                    (LEVEL_LABELS[v], percent(proportion(official.get(v, 0), n)))
                    for v in MaturityLevel.values
                ],
            }
        )
    return {
        "trend": trend,
        "targets": points.get(TargetScope.NATIONAL, []),
        "district_targets": points.get(TargetScope.DISTRICT, []),
        "on_course_rule": ON_COURSE_RULE,
        "provisional_rule": PROVISIONAL_RULE,
        "latest": latest_judged(trend),
        "n_desa": len(desa),
        "n_kampung_kb": len(kampungs),
        "coverage": percent(proportion(len(kampungs), len(desa))),
        "share": share,
        "all_desa_target": len(desa),
    }
