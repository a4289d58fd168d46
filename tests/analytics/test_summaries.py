import datetime
import math
from decimal import Decimal

import pytest
from django.core.management import call_command

from kampungkb.analytics.models import PrevalenceSummary, QualitySummary
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.analytics.tasks import analytics_refresh_enqueue
from kampungkb.growth.kbm.recompute import measurements_recompute_all
from kampungkb.growth.models import Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA, LALANG_JAYA, MANGGAR

AUG = datetime.date(2025, 8, 1)


def _cell(kode, period_type="month", start=AUG, indicator="stunting", group="all"):
    return PrevalenceSummary.objects.get(
        wilayah_kode=kode,
        period_type=period_type,
        period_start=start,
        indicator=indicator,
        group=group,
    )


def _wilson(cases, n, z=1.959963984540054):
    p = cases / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


@pytest.fixture
def august(data, make_kampung):
    """Kurnia Jaya (a Kampung KB) in August 2025, counted by hand:

    A measured twice: stunted on the 5th, not on the 20th → counts once, not a case.
    B stunted, no length recorded.  C flagged only → not in n.
    D stunted on the 3rd, flagged on the 25th → the latest *valid* one counts: a case.
    E stunted in July only → not in August, but in 2025.
    Lalang Jaya: one registered child, never measured (an empty cell).
    """
    make_kampung(KURNIA_JAYA)
    a, b, c, d, e = (data.child(KURNIA_JAYA) for _ in range(5))
    data.measure(a, "2025-08-05", stunted=True, tinggi="80.0")
    data.measure(a, "2025-08-20", stunted=False, tinggi="80.5")
    data.measure(b, "2025-08-10", stunted=True, tinggi=None)
    data.measure(c, "2025-08-12", flen=True, tinggi="81.3")
    data.measure(d, "2025-08-03", stunted=True, tinggi="79.5")
    data.measure(d, "2025-08-25", flen=True, tinggi="82.2")
    data.measure(e, "2025-07-15", stunted=True)
    data.child(LALANG_JAYA)
    summaries_rebuild()


def test_latest_valid_measurement_per_child_counts_once_and_flagged_values_are_left_out(august):
    cell = _cell(KURNIA_JAYA)
    assert (cell.n, cell.cases) == (3, 2)
    assert cell.prevalence == pytest.approx(2 / 3)
    low, high = _wilson(2, 3)
    assert (cell.ci_low, cell.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert (round(cell.ci_low, 4), round(cell.ci_high, 4)) == (0.2077, 0.9385)


def test_kecamatan_and_kabupaten_are_sums_of_their_desa(august):
    assert (_cell(MANGGAR).n, _cell(MANGGAR).cases) == (3, 2)
    assert (_cell("19.06").n, _cell("19.06").cases) == (3, 2)


def test_year_and_bulan_penimbangan_periods(august):
    year = _cell(KURNIA_JAYA, "year", datetime.date(2025, 1, 1))
    assert (year.n, year.cases) == (4, 3)  # E's July case joins
    penimbangan = _cell(KURNIA_JAYA, "penimbangan")
    assert (penimbangan.n, penimbangan.cases) == (3, 2)
    assert not PrevalenceSummary.objects.filter(
        period_type="penimbangan", period_start=datetime.date(2025, 7, 1)
    ).exists()


def test_a_desa_with_registered_children_but_no_measurement_is_an_empty_cell(august):
    cell = _cell(LALANG_JAYA)
    assert (cell.n, cell.cases, cell.prevalence, cell.ci_low) == (0, 0, None, None)


def test_kampung_kb_and_other_desa_are_split_per_kecamatan_and_kabupaten(august):
    assert _cell(MANGGAR, group="kampung_kb").n == 3
    assert _cell(MANGGAR, group="other").n == 0
    assert _cell("19.06", group="kampung_kb").cases == 2


def test_coverage_and_data_quality(august):
    q = QualitySummary.objects.get(
        wilayah_kode=MANGGAR, group="all", period_type="month", period_start=AUG
    )
    # Registered and under five: A-E and Lalang Jaya's child; measured: A, B, C, D.
    assert (q.n_registered, q.n_measured) == (6, 4)
    assert q.coverage == pytest.approx(4 / 6)
    # 6 records: C and D's second are flagged; B has no length; of the 5 lengths
    # 80.0, 80.5 and 79.5 end in .0/.5.
    assert (q.n_records, q.n_flagged, q.n_missing_height) == (6, 2, 1)
    assert q.share_flagged == pytest.approx(2 / 6)
    assert q.share_missing_height == pytest.approx(1 / 6)
    assert q.digit_preference == pytest.approx(3 / 5)


def test_a_measurement_that_needs_checking_counts_in_no_prevalence_and_as_flagged(data):
    """Three children in Kurnia Jaya, August 2025: F stunted; G stunted by a value waiting
    to be checked (its stored status as an older write left it); H stunted on the 2nd,
    then a value waiting to be checked on the 20th → H's latest valid one counts."""
    f, g, h = (data.child(KURNIA_JAYA) for _ in range(3))
    data.measure(f, "2025-08-05", stunted=True)
    data.measure(g, "2025-08-06", stunted=True, underweight=True, needs_check=True)
    data.measure(h, "2025-08-02", stunted=True)
    data.measure(h, "2025-08-20", stunted=False, needs_check=True, check_reasons="height_drop")
    summaries_rebuild()
    assert (_cell(KURNIA_JAYA).n, _cell(KURNIA_JAYA).cases) == (2, 2)
    assert (_cell(KURNIA_JAYA, indicator="underweight").n,) == (2,)
    q = QualitySummary.objects.get(wilayah_kode=KURNIA_JAYA, period_type="month", period_start=AUG)
    assert (q.n_records, q.n_flagged, q.n_measured) == (4, 2, 3)


def test_children_not_yet_born_or_past_five_are_not_registered(data):
    data.measure(data.child(KURNIA_JAYA), "2025-08-10")
    data.child(KURNIA_JAYA, born=datetime.date(2025, 9, 1))  # born after August
    data.child(KURNIA_JAYA, born=datetime.date(2019, 1, 1))  # over five in August 2025
    summaries_rebuild()
    q = QualitySummary.objects.get(wilayah_kode=KURNIA_JAYA, period_type="month", period_start=AUG)
    assert (q.n_registered, q.n_measured) == (1, 1)


def test_rebuild_replaces_the_summaries_and_the_command_and_task_run_it(august, data):
    data.measure(data.child(KURNIA_JAYA), "2025-08-15", stunted=True)
    analytics_refresh_enqueue()  # the immediate backend runs it now
    assert (_cell(KURNIA_JAYA).n, _cell(KURNIA_JAYA).cases) == (4, 3)
    data.measure(data.child(KURNIA_JAYA), "2025-08-16", stunted=False)
    call_command("rebuild_analytics", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _cell(KURNIA_JAYA).n == 5
    assert (
        PrevalenceSummary.objects.filter(
            wilayah_kode=KURNIA_JAYA, period_start=AUG, period_type="month"
        ).count()
        == 6
    )


def test_rebuild_of_an_empty_database_writes_nothing(beltim):
    result = summaries_rebuild()
    assert result.prevalence_rows == 0
    assert not PrevalenceSummary.objects.exists()


def test_a_desa_counts_as_a_kampung_kb_from_the_period_it_was_launched_in(data, make_kampung):
    """Launched 15 March 2025: February is an other desa's month, March a Kampung KB's
    (the period ends after the launch), and so is the year 2025; 2024 is not."""
    make_kampung(KURNIA_JAYA, tanggal_pencanangan=datetime.date(2025, 3, 15))
    kid = data.child(KURNIA_JAYA)
    for day in ("2024-11-10", "2025-02-10", "2025-03-10"):
        data.measure(kid, day, stunted=True)
    summaries_rebuild()

    def n(group, period_type, start):
        """The children measured, None where the group has no cell (no desa in it then)."""
        cells = PrevalenceSummary.objects.filter(
            wilayah_kode=MANGGAR,
            period_type=period_type,
            period_start=datetime.date(*start),
            indicator="stunting",
            group=group,
        )
        return cells.get().n if cells.exists() else None

    assert (n("kampung_kb", "month", (2025, 2, 1)), n("other", "month", (2025, 2, 1))) == (
        None,
        1,
    )
    assert (n("kampung_kb", "month", (2025, 3, 1)), n("other", "month", (2025, 3, 1))) == (
        1,
        None,
    )
    assert (n("kampung_kb", "year", (2025, 1, 1)), n("other", "year", (2025, 1, 1))) == (1, None)
    assert (n("kampung_kb", "year", (2024, 1, 1)), n("other", "year", (2024, 1, 1))) == (
        None,
        1,
    )
    # Either way the two halves add up to the whole.
    assert n("all", "month", (2025, 2, 1)) == 1


def test_a_kampung_kb_without_a_launch_or_decree_date_counts_in_every_period(data, make_kampung):
    make_kampung(KURNIA_JAYA, tanggal_pencanangan=None, sk_tanggal=None)
    kid = data.child(KURNIA_JAYA, born=datetime.date(2018, 6, 1))  # measured after its birth
    data.measure(kid, "2019-05-10", stunted=True)
    summaries_rebuild()
    cell = _cell(MANGGAR, "month", datetime.date(2019, 5, 1), group="kampung_kb")
    assert (cell.n, cell.cases) == (1, 1)


def test_the_decree_date_counts_when_the_launch_date_is_missing(data, make_kampung):
    make_kampung(
        KURNIA_JAYA,
        tanggal_pencanangan=None,
        sk_nomor="1/2025",
        sk_tanggal=datetime.date(2025, 6, 1),
    )
    kid = data.child(KURNIA_JAYA)
    data.measure(kid, "2025-05-10", stunted=True)
    data.measure(kid, "2025-06-10", stunted=True)
    summaries_rebuild()
    may = _cell(MANGGAR, "month", datetime.date(2025, 5, 1), group="other")
    june = _cell(MANGGAR, "month", datetime.date(2025, 6, 1), group="kampung_kb")
    assert (may.n, june.n) == (1, 1)


def _march(indicator: str) -> tuple[int, int]:
    """(n, cases) of Kurnia Jaya in March 2024; (0, 0) when no cell was written."""
    cell = PrevalenceSummary.objects.filter(
        wilayah_kode=KURNIA_JAYA,
        period_type="month",
        period_start=datetime.date(2024, 3, 1),
        indicator=indicator,
        group="all",
    ).first()
    return (0, 0) if cell is None else (cell.n, cell.cases)


@pytest.mark.parametrize(("born", "counted"), [("2019-03-02", True), ("2019-03-01", False)])
def test_a_child_counts_up_to_the_day_before_the_fifth_birthday(beltim, born, counted):
    """WHO's anthro_prevalence drops only ages over 1826 days (anthro/data/ALGORITHM.md,
    section 6 step 2): measured on 2024-03-01, a child born 2019-03-02 is 1826 days old
    (59.99 months) and counts; one born a day earlier (1827 days, 60 months) does not."""
    kid = factories.child(
        KURNIA_JAYA, tanggal_lahir=datetime.date.fromisoformat(born), jenis_kelamin="L"
    )
    m = factories.measurement(
        kid, datetime.date(2024, 3, 1), berat=Decimal("15.0"), tinggi=Decimal("95.0"),
        cara_ukur="TB",
    )  # fmt: skip
    m.refresh_from_db()
    summaries_rebuild()
    assert _march("stunting") == ((1, 1) if counted else (0, 0))
    if counted:
        assert m.umur_hari == 1826 and m.stunted
        q = QualitySummary.objects.get(
            wilayah_kode=KURNIA_JAYA, period_type="month", period_start=datetime.date(2024, 3, 1)
        )
        assert q.n_registered == 1  # under five on the period's first day


def test_a_child_with_oedema_counts_as_severely_wasted_and_underweight(beltim):
    """WHO's anthro_prevalence (ALGORITHM.md section 6 step 5): a child with oedema counts
    below -3 SD for weight-for-age and weight-for-height, whatever the weight says, and is
    not overweight; length-for-age is read as measured."""
    kid = factories.child(KURNIA_JAYA, tanggal_lahir=datetime.date(2022, 3, 1))
    m = factories.measurement(
        kid, datetime.date(2024, 3, 10), berat=Decimal("11.5"), tinggi=Decimal("86.0"),
        cara_ukur="TB", oedema=True,
    )  # fmt: skip
    m.refresh_from_db()
    assert m.zwei is None and m.zwfl is None  # the engine gives no weight z-score
    assert (m.wasted, m.severely_wasted, m.underweight, m.bgm) == (True, True, True, True)
    assert m.overweight is False and m.stunted is False
    summaries_rebuild()
    for indicator in ("wasting", "severe_wasting", "underweight"):
        assert _march(indicator) == (1, 1), indicator
    assert _march("overweight") == (1, 0)
    assert _march("stunting") == (1, 0)


def test_oedema_waiting_to_be_checked_gives_no_status(beltim):
    kid = factories.child(KURNIA_JAYA, tanggal_lahir=datetime.date(2022, 3, 1))
    m = factories.measurement(
        kid, datetime.date(2024, 3, 10), berat=Decimal("11.5"), tinggi=Decimal("86.0"),
        cara_ukur="TB", oedema=True,
    )  # fmt: skip
    Measurement.objects.filter(pk=m.pk).update(needs_check=True)
    measurements_recompute_all(force=True)
    m.refresh_from_db()
    assert (m.wasted, m.underweight, m.overweight) == (None, None, None)


def test_a_measurement_dated_before_a_corrected_birth_date_counts_in_no_figure(beltim, users):
    """A birth date corrected to after a weighing leaves the weighing with a negative age (it
    keeps no z-score): the summaries read any negative age as unknown, counted it as a
    child measured and a record in March, a month the child was not yet born in; the batch
    refuses such a row ("tanggal pengukuran sebelum tanggal lahir")."""
    from kampungkb.growth.services import child_update

    kid = factories.child(KURNIA_JAYA, tanggal_lahir=datetime.date(2025, 1, 10))
    factories.measurement(kid, datetime.date(2025, 3, 3), berat=Decimal("4.5"))
    factories.measurement(kid, datetime.date(2025, 4, 20), berat=Decimal("4.9"))
    child_update(user=users["admin"], child=kid, tanggal_lahir=datetime.date(2025, 4, 1))
    summaries_rebuild()
    march = QualitySummary.objects.filter(
        wilayah_kode=KURNIA_JAYA, period_type="month", period_start=datetime.date(2025, 3, 1)
    ).first()
    assert march is None or (march.n_measured, march.n_records) == (0, 0)
    april = QualitySummary.objects.get(
        wilayah_kode=KURNIA_JAYA, period_type="month", period_start=datetime.date(2025, 4, 1)
    )
    assert (april.n_registered, april.n_measured, april.n_records) == (1, 1, 1)
