"""TPK figures in the analytics summaries (issue 14 item 7): built in the same rebuild as the
other summaries, per desa, summed to kecamatan / kabupaten and split into Kampung KB and other
desa, per quarter and year, on hand-made targets whose every count is known.

Kurnia Jaya (a Kampung KB since 2020) and Lalang Jaya are desa of Manggar, Batu Penyu one of
Gantung; all dates are in 2025, at the edges of its first and second quarter."""

import datetime

import pytest

from kampungkb.analytics.models import TpkSummary
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.families.tpk.scorecard.selectors import convergence_by_desa_quarter
from tests import factories
from tests.analytics import tpk_data
from tests.factories import BATU_PENYU, BELTIM, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR

pytestmark = pytest.mark.django_db
D = datetime.date
Q1, Q2, Q3 = D(2025, 1, 1), D(2025, 4, 1), D(2025, 7, 1)
Y2025 = D(2025, 1, 1)


def cell(kode, start, period_type="quarter", group="all"):
    return TpkSummary.objects.get(
        wilayah_kode=kode, group=group, period_type=period_type, period_start=start
    )


@pytest.fixture
def district(beltim):
    tpk_data.district()
    summaries_rebuild()


def test_krs_accompanied_counts_a_visit_in_the_quarter_of_its_date(district):
    assert (cell(KURNIA_JAYA, Q1).krs, cell(KURNIA_JAYA, Q1).krs_accompanied) == (3, 1)
    assert cell(KURNIA_JAYA, Q2).krs_accompanied == 1
    assert cell(KURNIA_JAYA, Q3).krs_accompanied == 0
    year = cell(KURNIA_JAYA, Y2025, "year")
    assert (year.krs, year.krs_accompanied) == (3, 2)
    assert year.shares["krs_accompanied_share"] == pytest.approx(2 / 3)


def test_catin_are_counted_in_the_quarter_of_their_registration(district):
    q1, q2 = cell(LALANG_JAYA, Q1), cell(LALANG_JAYA, Q2)
    assert (q1.catin_registered, q1.catin_screened, q1.catin_screened_early) == (1, 1, 1)
    assert q1.catin_at_risk == 1
    assert (q2.catin_registered, q2.catin_screened, q2.catin_at_risk) == (1, 0, 0)
    year = cell(LALANG_JAYA, Y2025, "year")
    assert (year.catin_registered, year.catin_screened, year.catin_at_risk) == (2, 1, 1)
    assert year.shares["catin_screened_share"] == pytest.approx(0.5)
    assert year.shares["catin_at_risk_share"] == pytest.approx(1.0)


def test_pregnancies_and_kb_pasca_persalinan_per_desa(district):
    q1 = cell(KURNIA_JAYA, Q1)
    assert (q1.pregnant, q1.pregnant_kek, q1.pregnant_anaemia) == (3, 1, 1)
    q2 = cell(BATU_PENYU, Q2)
    assert (q2.deliveries, q2.kb_pasca) == (1, 1)
    assert q2.shares["kb_pasca_share"] == 1.0
    assert cell(BATU_PENYU, Q1).deliveries == 0


def test_kecamatan_and_kabupaten_are_the_sums_of_their_desa_with_the_kampung_kb_split(district):
    manggar = cell(MANGGAR, Y2025, "year")
    assert (manggar.krs, manggar.krs_accompanied, manggar.catin_registered) == (3, 2, 2)
    assert cell(GANTUNG, Q2).deliveries == 1
    district_q1 = cell(BELTIM, Q1)
    assert (district_q1.krs, district_q1.catin_registered, district_q1.pregnant) == (3, 1, 4)
    kkb, other = cell(BELTIM, Q1, group="kampung_kb"), cell(BELTIM, Q1, group="other")
    assert (kkb.krs, kkb.catin_registered, kkb.pregnant) == (3, 0, 3)
    assert (other.krs, other.catin_registered, other.pregnant) == (0, 1, 1)
    for name in ("scorecard_y", "scorecard_applicable", "pregnant", "krs"):
        desa_sum = sum(
            getattr(c, name)
            for c in TpkSummary.objects.filter(
                level="desa_kelurahan", period_type="quarter", period_start=Q2
            )
        )
        assert getattr(cell(BELTIM, Q2), name) == desa_sum


def test_a_kampung_kb_launched_later_counts_as_other_desa_before(beltim):
    factories.kampung_kb(KURNIA_JAYA, tanggal_pencanangan=D(2025, 4, 15))
    tpk_data.krs_family(KURNIA_JAYA, no_kk="1906000000000009")
    summaries_rebuild()
    assert cell(BELTIM, Q1, group="other").krs == 1
    assert cell(BELTIM, Q2, group="kampung_kb").krs == 1
    # An area × period with nothing to count has no row.
    assert not TpkSummary.objects.filter(wilayah_kode=BELTIM, group="other", period_start=Q2)


def test_the_convergence_level_is_the_scorecards_cells_summed(district, users):
    card = next(
        r
        for r in convergence_by_desa_quarter(user=users["admin"], quarters=[Quarter(2025, 1)])
        if r["desa_kode"] == KURNIA_JAYA
    )
    q1 = cell(KURNIA_JAYA, Q1)
    assert card["applicable"] > 0  # the pregnancies of Kurnia Jaya have cells that apply
    assert (q1.scorecard_y, q1.scorecard_applicable) == (card["y"], card["applicable"])
    assert q1.shares["convergence_level"] == pytest.approx(float(card["level"]))
    year = cell(KURNIA_JAYA, Y2025, "year")
    quarters = TpkSummary.objects.filter(
        wilayah_kode=KURNIA_JAYA, group="all", period_type="quarter", period_start__year=2025
    )
    assert year.scorecard_applicable == sum(c.scorecard_applicable for c in quarters)


def test_no_tpk_data_no_rows(beltim):
    summaries_rebuild()
    assert not TpkSummary.objects.exists()
