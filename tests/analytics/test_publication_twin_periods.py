"""A weighing month (February, August) is also a calendar month: the cube gives both periods
the same figures, and both can be published. A reader holding the month's publication and the
weighing month's has two versions of the same figures, so what one hid must not follow from
the two together (as for the versions of one period, ``test_publication_versions``)."""

import datetime

import pytest

from kampungkb.analytics import publication as pub
from kampungkb.analytics.publication import public_tables
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from tests.analytics.test_publication_versions import _derivable_across, _public_state
from tests.conftest import KURNIA_JAYA, LALANG_JAYA, PADANG

AUG = datetime.date(2025, 8, 1)
KELUBI = "19.06.01.2004"


def _august(data):
    """Manggar in August: Lalang Jaya's 2 stunted of 20 is hidden, Kurnia Jaya's 4 beside it."""
    data.many(LALANG_JAYA, "2025-08-10", n=20, cases=2)
    data.many(KURNIA_JAYA, "2025-08-10", n=20, cases=4)
    data.many(PADANG, "2025-08-10", n=20, cases=6)
    data.many(KELUBI, "2025-08-10", n=20, cases=8)


def _publish(users, period_type):
    summaries_rebuild()
    return publication_publish(user=users["admin"], period_type=period_type, period_start=AUG)


@pytest.mark.parametrize(
    "first_type, then_type", [("month", "penimbangan"), ("penimbangan", "month")]
)
def test_the_month_and_its_weighing_month_together_give_no_hidden_figure_away(
    data, users, first_type, then_type
):
    _august(data)
    first = _publish(users, first_type)
    shown = {r.kode: r.stunting for r in public_tables(first)["desa"]}
    assert shown[LALANG_JAYA].cases is None and shown[KURNIA_JAYA].cases is None
    # A correction: one more stunted child in Lalang Jaya. Then August is published as the
    # other period type. Shown beside the first's Manggar total, Kurnia Jaya's unchanged 4
    # gives the first's hidden Lalang Jaya away (Manggar − Kurnia Jaya − Padang − Kelubi = 2).
    data.many(LALANG_JAYA, "2025-08-11", n=1, cases=1)
    then = _publish(users, then_type)

    states = [_public_state(p) for p in (first, then)]
    for indicator in pub.PUBLIC_INDICATORS:
        for quantity in ("n", "cases"):
            together = [s[(indicator, quantity)] for s in states]
            assert not _derivable_across(together), (indicator, quantity)
    later = {r.kode: r.stunting for r in public_tables(then)["desa"]}
    assert later[KURNIA_JAYA].cases is None  # what the first hid stays hidden


@pytest.mark.parametrize("month_type", ["month", "penimbangan"])
def test_a_year_whose_figures_are_augusts_gives_no_hidden_figure_of_august_away(
    data, users, month_type
):
    """A year can be published while it runs: with August's weighing alone in it so far, its
    figures are August's, and after a correction they differ in one desa. The year's hiding
    was chosen without August's: Kurnia Jaya's unchanged 4, shown in the year, gave August's
    hidden Lalang Jaya away as above."""
    _august(data)
    august = _publish(users, month_type)
    data.many(LALANG_JAYA, "2025-08-11", n=1, cases=1)
    summaries_rebuild()
    year = publication_publish(
        user=users["admin"], period_type="year", period_start=datetime.date(2025, 1, 1)
    )
    states = [_public_state(p) for p in (august, year)]
    for indicator in pub.PUBLIC_INDICATORS:
        for quantity in ("n", "cases"):
            together = [s[(indicator, quantity)] for s in states]
            assert not _derivable_across(together), (indicator, quantity)
    shown = {r.kode: r.stunting for r in public_tables(year)["desa"]}
    assert shown[KURNIA_JAYA].cases is None  # the same 4 as August's, hidden there


def test_a_small_count_of_a_month_is_not_hidden_in_the_year_where_the_year_counts_more(data, users):
    """The year holds more children than August: what August hid is another figure there and
    is shown when the year's own rules show it (no hiding carried over for nothing)."""
    _august(data)
    august = _publish(users, "month")
    assert {r.kode: r.stunting for r in public_tables(august)["desa"]}[LALANG_JAYA].cases is None
    for kode in (LALANG_JAYA, KURNIA_JAYA, PADANG, KELUBI):
        data.many(kode, "2025-03-10", n=20, cases=5)  # other children, weighed in March
    summaries_rebuild()
    year = publication_publish(
        user=users["admin"], period_type="year", period_start=datetime.date(2025, 1, 1)
    )
    shown = {r.kode: r.stunting for r in public_tables(year)["desa"]}
    assert all(shown[k].cases is not None for k in (LALANG_JAYA, KURNIA_JAYA, PADANG, KELUBI))
