import datetime

from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.actions.selectors import action_year
from kampungkb.convergence.demo import FIRST_YEAR, seed_demo_convergence
from kampungkb.convergence.models import CoachingVisit, Evaluation, Innovation, Plan
from kampungkb.convergence.review.scorecard import scorecard
from kampungkb.growth.demo import seed_growth
from kampungkb.wilayah.demo import seed_kampung_kb
from tests.conftest import BATU_PENYU, KURNIA_JAYA


def test_the_demo_seed_fills_every_part_once(make_kampung, ref, today):
    years = range(FIRST_YEAR, today.year + 1)
    make_kampung(KURNIA_JAYA)
    make_kampung(BATU_PENYU)
    counts = seed_demo_convergence()
    assert counts["plans"] == 2 * len(years) and counts["innovations"] == 2
    # Every Kampung KB has a computed level in every year, from its indicator saves alone.
    assert {(e.kampung_id, e.tahun) for e in Evaluation.objects.all()} == {
        (k, y) for k in Plan.objects.values_list("kampung_id", flat=True) for y in years
    }
    assert CoachingVisit.objects.filter(is_demo=True).exists()
    before = (Plan.objects.count(), CoachingVisit.objects.count(), Innovation.objects.count())
    assert seed_demo_convergence() == {"skipped": True}
    assert (
        Plan.objects.count(),
        CoachingVisit.objects.count(),
        Innovation.objects.count(),
    ) == before


def test_the_demo_has_model_villages_villages_needing_support_and_8_aksi_history(users, ref, today):
    years = range(FIRST_YEAR, today.year + 1)
    seed_kampung_kb()
    seed_growth(n_children=600)
    summaries_rebuild()
    seed_demo_convergence()
    card = scorecard(user=users["admin"], tahun=datetime.date.today().year)
    verdicts = [r["verdict"] for r in card["rows"]]
    assert len(verdicts) == 15
    assert verdicts.count("model") >= 2, verdicts
    assert verdicts.count("support") >= 4, verdicts
    levels = {r["level"] for r in card["rows"]}
    assert {"dasar", "berkelanjutan"} <= levels and len(levels) >= 3, levels
    for row in card["rows"]:
        if row["verdict"] == "model":
            assert row["trend"] is None or row["trend"] <= 0
    # No year of the 8 aksi is left with nothing recorded ("Belum ada" for every action).
    for year in years:
        rows = action_year(user=users["admin"], tahun=year)["rows"]
        assert any(r["record"] is not None for r in rows), year
