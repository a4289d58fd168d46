"""N/T/O/B and 2T sequences on hand-made weighings (shared domain notes §4.3)."""

import pytest

from kampungkb.growth.rules import KBMRule, Weighing, growth_codes, referral_advice

KIA = KBMRule(
    entries=(
        (1, 1, 800),
        (2, 2, 900),
        (3, 3, 800),
        (4, 4, 600),
        (5, 5, 500),
        (6, 6, 400),
        (7, 11, 300),
        (12, 60, 200),
    )
)
SHEET = KBMRule(
    entries=(
        (1, 1, 800),
        (2, 2, 900),
        (3, 3, 600),
        (4, 4, 600),
        (5, 5, 500),
        (6, 6, 400),
        (7, 10, 300),
        (11, 60, 200),
    ),
    scale_by_gap=True,
)


def w(year, month, age_days, kg):
    return Weighing(year, month, age_days, kg)


def codes(weighings, rule=KIA):
    return [(r.code, r.two_t) for r in growth_codes(weighings, rule)]


def test_first_weighing_is_b_then_n_when_the_gain_reaches_the_kbm():
    series = [w(2025, 1, 200, 7.0), w(2025, 2, 230, 7.3), w(2025, 3, 260, 7.5)]
    results = growth_codes(series, KIA)
    assert [r.code for r in results] == ["B", "N", "T"]
    # 230 days = 7 completed months: KBM 300 g; 260 days = 8 months: 300 g.
    assert [(r.gain_g, r.kbm_g) for r in results] == [(None, None), (300, 300), (200, 300)]


def test_two_t_in_a_row_is_2t_and_a_third_is_2t_again():
    series = [
        w(2025, 1, 400, 9.0),
        w(2025, 2, 430, 9.1),
        w(2025, 3, 460, 9.2),
        w(2025, 4, 490, 9.3),
    ]
    assert codes(series) == [("B", False), ("T", False), ("T", True), ("T", True)]


def test_an_n_breaks_the_run_of_t():
    series = [
        w(2025, 1, 400, 9.0),
        w(2025, 2, 430, 9.1),
        w(2025, 3, 460, 9.4),
        w(2025, 4, 490, 9.5),
    ]
    assert codes(series) == [("B", False), ("T", False), ("N", False), ("T", False)]


def test_a_skipped_month_gives_o_and_the_t_run_restarts_after_it():
    series = [
        w(2025, 1, 400, 9.0),
        w(2025, 2, 430, 9.1),
        w(2025, 4, 490, 9.2),
        w(2025, 5, 520, 9.3),
    ]
    assert codes(series) == [("B", False), ("T", False), ("O", False), ("T", False)]


def test_scaled_variant_compares_a_gap_with_kbm_times_months_and_skips_it_for_2t():
    # Sheet variant: March skipped; April compared with February against 2 x 200 g.
    series = [w(2025, 1, 400, 9.0), w(2025, 2, 430, 9.1), w(2025, 4, 490, 9.3)]
    results = growth_codes(series, SHEET)
    assert [(r.code, r.two_t, r.kbm_g) for r in results] == [
        ("B", False, None),
        ("T", False, 200),
        ("T", True, 400),
    ]


def test_month_three_differs_between_the_two_kbm_sources():
    series = [w(2025, 1, 62, 5.0), w(2025, 2, 92, 5.7)]  # 92 days = 3 completed months
    assert growth_codes(series, KIA)[1].code == "T"  # 700 g < 800 g
    assert growth_codes(series, SHEET)[1].code == "N"  # 700 g >= 600 g


def test_two_weighings_in_one_month_are_both_compared_with_the_previous_month():
    series = [w(2025, 1, 400, 9.0), w(2025, 2, 420, 9.1), w(2025, 2, 440, 9.3)]
    assert [r.code for r in growth_codes(series, KIA)] == ["B", "T", "N"]


def test_a_visit_without_weight_gets_no_code_and_does_not_count_as_a_weighing():
    series = [w(2025, 1, 400, 9.0), w(2025, 2, 430, None), w(2025, 3, 460, 9.5)]
    assert [r.code for r in growth_codes(series, KIA)] == ["B", "", "O"]


def test_a_weight_loss_is_t():
    series = [w(2025, 1, 400, 9.0), w(2025, 2, 430, 8.8)]
    result = growth_codes(series, KIA)[1]
    assert (result.code, result.gain_g) == ("T", -200)


@pytest.mark.parametrize(
    ("kwargs", "first_level", "words"),
    [
        ({"two_t": True, "growth_code": "T"}, "danger", "2T"),
        ({"bgm": True, "zwei": -3.4}, "warning", "BGM"),
        ({"zwfl": -3.5}, "danger", "gizi buruk"),
        ({"oedema": True}, "danger", "Edema"),
        ({"zlen": -2.4}, "warning", "Pendek"),
        ({"growth_code": "T"}, "warning", "tidak naik"),
        ({"lila_cm": 11.0, "age_months": 14.0}, "danger", "gizi buruk"),
        ({}, "success", "Tumbuh baik"),
    ],
)
def test_referral_advice_names_the_reason(kwargs, first_level, words):
    base = {
        "growth_code": "N",
        "two_t": False,
        "bgm": False,
        "zlen": 0.1,
        "zwfl": 0.2,
        "zwei": 0.0,
        "lila_cm": None,
        "age_months": 20.0,
        "oedema": False,
        "flagged": False,
    }
    advice = referral_advice(**{**base, **kwargs})
    assert advice[0].level == first_level
    assert words in advice[0].message
