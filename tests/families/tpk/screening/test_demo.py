"""The catin screening demo: the demo catin are screened through the service, synthetic."""

from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.screening.demo import seed_demo_catin_screenings
from kampungkb.families.tpk.screening.models import CatinScreening
from tests.families.tpk import factories as tpk


def test_the_demo_catin_are_screened_once_and_synthetic(beltim, today):
    for i in range(12):
        tpk.catin(nama=f"Catin Demo {i} (demo)", days_to_marriage=30 + 10 * i)
    made = seed_demo_catin_screenings(today=today)
    assert made == CatinScreening.objects.count() > 5
    assert not CatinScreening.objects.filter(is_synthetic=False).exists()
    assert set(CatinScreening.objects.values_list("hasil", flat=True)) >= {"berisiko", "ideal"}
    screened = Target.objects.filter(kind=TargetKind.CATIN, screenings__isnull=False)
    assert screened.distinct().count() < 12  # some are not screened yet
    assert seed_demo_catin_screenings(today=today) == 0
