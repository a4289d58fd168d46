"""The district-target page judges the trend against the analytics targets: the district's
own target when set, else the national one, interpolated between target years."""

import datetime

from kampungkb.analytics.models import Target, TargetScope
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.review.target import district_target
from tests import factories
from tests.conftest import KURNIA_JAYA

TODAY = datetime.date(2027, 1, 15)  # 2026 is over: no year of the test is provisional


def _stunted_share(year: int, stunted: int, total: int, beltim) -> None:
    for i in range(total):
        child = factories.child_row(
            KURNIA_JAYA,
            nama=f"Anak {year}-{i}",
            tanggal_lahir=datetime.date(year - 2, 1, 1),
            match_key=f"{year}-{i}",
        )
        factories.measurement_row(
            child,
            datetime.date(year, 8, 1),
            berat=10,
            zlen=-2.5 if i < stunted else 0.0,
            flen=False,
            stunted=i < stunted,
        )


def test_the_trend_is_judged_against_the_district_target_before_the_national_one(users, beltim):
    Target.objects.all().delete()
    Target.objects.create(
        scope=TargetScope.NATIONAL,
        tahun=2024,
        indicator="stunting",
        nilai=14,
        sumber="Perpres 72/2021",
    )
    Target.objects.create(
        scope=TargetScope.NATIONAL, tahun=2026, indicator="stunting", nilai=10, sumber="uji"
    )
    _stunted_share(2025, stunted=3, total=25, beltim=beltim)  # 12%
    _stunted_share(2026, stunted=3, total=25, beltim=beltim)  # 12%
    summaries_rebuild()  # what the background refresh does after imports and edits
    rows = {r.tahun: r for r in district_target(user=users["admin"], today=TODAY)["trend"]}
    # 2025 lies halfway between 14% (2024) and 10% (2026): 12%, and 12% is on course.
    assert (rows[2025].verdict.target, rows[2025].verdict.on_course) == (12, True)
    assert (rows[2026].verdict.target, rows[2026].verdict.on_course) == (10, False)
    Target.objects.create(
        scope=TargetScope.DISTRICT,
        wilayah=beltim,
        tahun=2026,
        indicator="stunting",
        nilai=13,
        sumber="RPJMD",
    )
    rows = {r.tahun: r for r in district_target(user=users["admin"], today=TODAY)["trend"]}
    assert (rows[2026].verdict.target, rows[2026].verdict.on_course) == (13, True)
    assert rows[2026].national.target == 10  # both targets shown, the district's judges
