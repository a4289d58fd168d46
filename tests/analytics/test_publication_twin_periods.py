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


def _publish(users, period_type):
    summaries_rebuild()
    return publication_publish(user=users["admin"], period_type=period_type, period_start=AUG)


@pytest.mark.parametrize(
    "first_type, then_type", [("month", "penimbangan"), ("penimbangan", "month")]
)
def test_the_month_and_its_weighing_month_together_give_no_hidden_figure_away(
    data, users, first_type, then_type
):
    # Manggar: Lalang Jaya 2 stunted of 20 is hidden, Kurnia Jaya 4 beside it.
    data.many(LALANG_JAYA, "2025-08-10", n=20, cases=2)
    data.many(KURNIA_JAYA, "2025-08-10", n=20, cases=4)
    data.many(PADANG, "2025-08-10", n=20, cases=6)
    data.many(KELUBI, "2025-08-10", n=20, cases=8)
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
