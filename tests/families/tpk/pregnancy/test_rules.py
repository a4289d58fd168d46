"""The pure rules of pregnancy monitoring at their edges: trimesters, K numbers, K4/K6, what
is missing, the flags and their reasons, KF numbers and the 42 days of KB pasca persalinan."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from kampungkb.families.tpk.lifecycle import add_years
from kampungkb.families.tpk.pregnancy import rules
from kampungkb.families.tpk.pregnancy.rules import Measures, anc_status, risk_flags

HPHT = datetime.date(2026, 1, 5)


def week(w: int, d: int = 0) -> datetime.date:
    return HPHT + datetime.timedelta(weeks=w, days=d)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(week(0), 1), (week(12, 6), 1), (week(13), 2), (week(27, 6), 2), (week(28), 3), (week(42), 3)],
)
def test_the_trimester_changes_at_13_and_28_completed_weeks(day, expected):
    assert rules.trimester(HPHT, day) == expected


def test_a_day_before_the_hpht_has_no_trimester():
    assert rules.trimester(HPHT, HPHT - datetime.timedelta(days=1)) is None


def test_k_numbers_follow_the_dates_not_the_order_of_entry():
    numbers = rules.anc_numbers(HPHT, [week(30), week(6), week(14), week(14, 3)])
    assert [(n.k, n.trimester) for n in numbers] == [(1, 1), (2, 2), (3, 2), (4, 3)]


def test_six_contacts_one_two_three_make_k6_and_k4():
    s = anc_status(HPHT, [week(8), week(15), week(22), week(29), week(33), week(37)], week(38))
    assert (s.total, s.k4, s.k6, s.missing) == (6, True, True, {})


def test_six_contacts_bunched_in_trimester_one_make_neither_k4_nor_k6():
    s = anc_status(HPHT, [week(w) for w in (2, 4, 6, 8, 10, 12)], week(38))
    assert (s.total, s.k4, s.k6) == (6, False, False)
    assert s.missing == {2: (0, 2)}  # trimester 3 is not over yet


def test_k4_is_one_one_two_and_needs_two_in_trimester_three():
    assert anc_status(HPHT, [week(8), week(15), week(30), week(35)], week(38)).k4
    assert not anc_status(HPHT, [week(8), week(15), week(16), week(35)], week(38)).k4


def test_contacts_after_the_day_counted_are_ignored():
    s = anc_status(HPHT, [week(8), week(20)], week(10))
    assert (s.total, s.current_trimester) == (1, 1)


def test_the_current_trimester_is_never_missing_yet():
    s = anc_status(HPHT, [], week(12, 6))
    assert s.missing == {}
    s = anc_status(HPHT, [], week(13))
    assert s.missing == {1: (0, 1)}


def _flags(**kw):
    defaults = {
        "hpht": HPHT,
        "on": week(10),
        "anc": anc_status(HPHT, [week(8)], week(10)),
        "measures": Measures(),
    }
    with translation.override("id"):
        return {f.code: f.reason for f in risk_flags(**(defaults | kw))}


def test_no_data_no_flag():
    assert _flags() == {}


@pytest.mark.parametrize(
    ("born", "code"),
    [
        (datetime.date(2006, 1, 6), "usia_muda"),  # 19 on the HPHT
        (datetime.date(2006, 1, 5), None),  # 20 that day
        (datetime.date(1991, 1, 6), None),  # 34
        (datetime.date(1991, 1, 5), "usia_tua"),  # 35
    ],
)
def test_age_flags_under_20_and_from_35_at_conception(born, code):
    flags = _flags(born=born)
    assert set(flags) == ({code} if code else set())


def test_kek_and_anaemia_at_their_cut_offs_with_reasons_in_indonesian():
    flags = _flags(measures=Measures(lila=Decimal("23.4"), hb=Decimal("10.9")))
    assert flags["kek"] == "KEK: LiLA 23,4 cm, di bawah 23,5 cm."
    assert flags["anemia"] == "Anemia: Hb 10,9 g/dL, di bawah 11,0 g/dL."
    assert _flags(measures=Measures(lila=Decimal("23.5"), hb=Decimal("11.0"))) == {}


def test_high_blood_pressure_is_flagged_from_140_or_90():
    assert "hipertensi" in _flags(measures=Measures(systolic=140, diastolic=80))
    assert "hipertensi" in _flags(measures=Measures(systolic=120, diastolic=90))
    assert _flags(measures=Measures(systolic=139, diastolic=89)) == {}


def test_a_pregnancy_within_two_years_of_the_last_delivery_is_flagged():
    two_years = add_years(HPHT, -2)
    assert "jarak_dekat" in _flags(previous_delivery=two_years + datetime.timedelta(days=1))
    assert _flags(previous_delivery=two_years) == {}


@pytest.mark.parametrize(
    ("delivered", "hpht", "close"),
    [
        (datetime.date(2023, 3, 1), datetime.date(2025, 2, 28), True),  # 730 days, a leap day
        (datetime.date(2023, 3, 1), datetime.date(2025, 3, 1), False),
        (datetime.date(2022, 3, 1), datetime.date(2024, 2, 29), True),  # 730 days
        (datetime.date(2022, 3, 1), datetime.date(2024, 3, 1), False),  # 731 days
    ],
)
def test_two_years_between_a_delivery_and_the_next_pregnancy_are_calendar_years(
    delivered, hpht, close
):
    """DOMAIN.md 3.1: "terlalu dekat: gap between children under 2 years", counted as the
    KRS rule counts it (calendar months), not as 730 days."""
    anc = anc_status(hpht, [hpht], hpht)
    flags = {
        f.code
        for f in risk_flags(
            hpht=hpht, on=hpht, anc=anc, measures=Measures(), previous_delivery=delivered
        )
    }
    assert ("jarak_dekat" in flags) is close


def test_no_k1_in_trimester_one_and_missing_contacts_are_flagged_once_the_trimester_is_over():
    anc = anc_status(HPHT, [week(20)], week(30))
    flags = _flags(on=week(30), anc=anc)
    assert flags["tanpa_k1"] == "Tidak ada kontak ANC di trimester 1."
    assert flags["anc_kurang_t2"] == "Trimester 2: 1 dari 2 kontak ANC."
    assert "anc_kurang_t1" not in flags


@pytest.mark.parametrize(
    ("days", "kf"), [(0, 1), (2, 1), (3, 2), (7, 2), (8, 3), (28, 3), (29, 4), (42, 4), (43, None)]
)
def test_nifas_visits_get_their_kf_number_by_day_after_delivery(days, kf):
    assert rules.nifas_number(HPHT, HPHT + datetime.timedelta(days=days)) == kf


def test_kb_pasca_persalinan_counts_up_to_day_42():
    assert rules.kb_within_42_days(HPHT, HPHT + datetime.timedelta(days=42))
    assert not rules.kb_within_42_days(HPHT, HPHT + datetime.timedelta(days=43))
    assert not rules.kb_within_42_days(HPHT, HPHT - datetime.timedelta(days=1))


@pytest.mark.parametrize(
    ("delivered", "hpht", "months"),
    [
        (datetime.date(2024, 1, 6), datetime.date(2026, 1, 5), 23),  # 730 days
        (datetime.date(2023, 1, 1), datetime.date(2024, 12, 30), 23),  # 729 days
        (datetime.date(2024, 1, 31), datetime.date(2024, 3, 1), 1),  # 30 days
        (datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), 0),  # 29 days
    ],
)
def test_the_close_pregnancy_reason_counts_whole_calendar_months(delivered, hpht, months):
    """The reason said "24 months ... under 2 years" for a gap of 729 or 730 days (days // 30):
    it counts the months as the two-year rule and the KRS rule count them."""
    anc = anc_status(hpht, [hpht], hpht)
    with translation.override("id"):
        (flag,) = risk_flags(
            hpht=hpht, on=hpht, anc=anc, measures=Measures(), previous_delivery=delivered
        )
    assert flag.reason.startswith(f"Hamil {months} bulan setelah")
