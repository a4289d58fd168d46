"""The scorecard demo fills the cells neither a rule nor the data decide, once."""

from kampungkb.families.tpk.demo import seed_demo_tpk
from kampungkb.families.tpk.scorecard.demo import seed_demo_scorecard
from kampungkb.families.tpk.scorecard.models import ScorecardEntry
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.growth.demo import seed_growth
from tests.conftest import KURNIA_JAYA

from .helpers import card


def test_the_demo_scorecard_is_filled_and_entries_never_shadow_the_data(beltim, users, today):
    seed_growth(n_children=60)
    seed_demo_tpk(n_children=100, today=today)
    n = seed_demo_scorecard(today=today)
    assert n > 0 and ScorecardEntry.objects.count() == n
    assert not ScorecardEntry.objects.filter(is_synthetic=False).exists()
    assert seed_demo_scorecard(today=today) == 0
    kode = ScorecardEntry.objects.values_list("target__desa_id", flat=True).first() or KURNIA_JAYA
    c = card(users["admin"], desa=kode, quarter=Quarter.of(today), today=today)
    sources = {cell.source for g in c.groups.values() for r in g.rows for _i, cell in r.cells}
    assert "entered" in sources and "derived" in sources
    assert c.level is not None
    shadowed = [
        cell for g in c.groups.values() for r in g.rows for _i, cell in r.cells
        if cell.entered and cell.source != "entered"
    ]  # fmt: skip
    assert shadowed == []
