from kampungkb.convergence.demo import seed_demo_convergence
from kampungkb.convergence.models import CoachingVisit, Evaluation, Innovation, Plan
from tests.conftest import BATU_PENYU, KURNIA_JAYA


def test_the_demo_seed_fills_every_part_once(make_kampung, ref):
    make_kampung(KURNIA_JAYA)
    make_kampung(BATU_PENYU)
    counts = seed_demo_convergence()
    assert counts["plans"] == 2 and counts["innovations"] == 2
    assert Evaluation.objects.count() == 2
    assert CoachingVisit.objects.filter(is_demo=True).exists()
    before = (Plan.objects.count(), CoachingVisit.objects.count(), Innovation.objects.count())
    assert seed_demo_convergence() == {"skipped": True}
    assert (
        Plan.objects.count(),
        CoachingVisit.objects.count(),
        Innovation.objects.count(),
    ) == before
