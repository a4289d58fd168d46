"""The cleaning rules of ALGORITHM.md §2 and §7, and the per-row error policy."""

import numpy as np
import pytest

from kampungkb.anthro import ERROR_MESSAGES, anthro_zscores, clenhei, zlen, zwei

from ._invalid import (
    INVALID,
    NOT_A_NUMBER,
    OVER_FIVE,
    UNDER_FIVE,
    assert_costs_only_what_reads,
    valid_and_invalid,
)
from ._ref import lms


def run(**cols):
    return anthro_zscores(cols)


@pytest.mark.parametrize(
    ("age", "rounded_day"),
    [(0, 0), (0.49, 0), (0.5, 1), (730.49, 730), (730.5, 731), (1826.25 - 1e-9, 1826)],
)
def test_age_is_rounded_half_up_for_the_lookup(age, rounded_day):
    _, m, _ = lms("who2006_wfa_by_day.csv", 1, rounded_day)
    assert zwei(1, age, m)[0] == 0.0


@pytest.mark.parametrize(
    ("age", "lenhei", "measure", "expected"),
    [
        (730, 80.0, "h", 80.7),  # standing before 731 days: +0.7
        (730.49, 80.0, "h", 80.7),
        (730.5, 80.0, "h", 80.0),  # rounds to 731: standing is right
        (731, 80.0, "l", 79.3),  # lying from 731 days: -0.7
        (730.5, 80.0, "l", 79.3),
        (730, 80.0, "l", 80.0),
        (731, 80.0, "h", 80.0),
        (np.nan, 80.0, "h", 80.0),  # no age: no adjustment
        (500, 80.0, "", 80.0),  # no measure: no adjustment
        (273, 65.0, "h", 65.0),  # under 9 months standing: implausible, not adjusted
        (274, 65.0, "h", 65.7),  # 274 days = 9.002 months
    ],
)
def test_clenhei(age, lenhei, measure, expected):
    got = clenhei(age, lenhei, measure)[0]
    assert got == pytest.approx(expected, abs=1e-12)
    # plain float64 arithmetic, never rounded
    if expected > lenhei:
        assert got == lenhei + 0.7
    elif expected < lenhei:
        assert got == lenhei - 0.7


def test_under_9_months_standing_sets_c9mo_flag_and_drops_measure():
    out = run(
        sex=1,
        age_days=[273, 273.9375, 274, 273, np.nan, 100],
        lenhei=65.0,
        measure=["h", "h", "h", "l", "h", ""],
    )
    assert list(out["c9mo_flag"]) == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert list(out["cmeasure"]) == ["", "h", "h", "l", "h", ""]
    assert list(out["clenhei"][:3]) == [65.0, 65.0 + 0.7, 65.0 + 0.7]


def test_zlen_switches_table_at_731_days():
    # the same child measured lying on day 730 and standing on day 731
    _, m730, _ = lms("who2006_lhfa_by_day.csv", 1, 730)
    _, m731, _ = lms("who2006_lhfa_by_day.csv", 1, 731)
    z = zlen(1, [730, 731, 731], [m730, m731, m731 + 0.7], ["l", "h", "l"])
    assert list(z) == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("age", "computed"),
    [
        (0, True),
        (1826, True),
        (1826.24, True),
        (1826.25, False),
        (1827, False),
        (1856, False),
        (1857, False),
        (np.nan, False),
    ],
)
def test_age_limits_of_age_based_indicators(age, computed):
    out = run(sex=2, age_days=age, weight=15.0, lenhei=100.0, measure="h", headc=48.0)
    for name in ("zlen", "zwei", "zbmi", "zhc"):
        assert (not np.isnan(out[name][0])) is computed, name


@pytest.mark.parametrize(("age", "computed"), [(90, False), (90.5, True), (91, True)])
def test_arm_circumference_from_day_91(age, computed):
    assert (not np.isnan(run(sex=1, age_days=age, armc=13.0)["zac"][0])) is computed


def test_missing_sex_gives_all_nan_without_error():
    out = run(sex=[None], age_days=400, weight=9.0, lenhei=75.0, measure="l", headc=45.0)
    for name in ("zlen", "zwei", "zwfl", "zbmi", "zhc"):
        assert np.isnan(out[name][0])
    assert out["error"][0] == ""
    assert out["clenhei"][0] == 75.0


@pytest.mark.parametrize("sex", [1, 1.0, "1", "m", "M", "L", "l", " L ", "laki-laki"])
def test_male_codes(sex):
    assert zwei(np.array([sex], dtype=object), 0, 3.3464)[0] == 0.0


@pytest.mark.parametrize("sex", [2, "2", "f", "F", "P", "p", "perempuan"])
def test_female_codes(sex):
    _, m, _ = lms("who2006_wfa_by_day.csv", 2, 0)
    assert zwei(np.array([sex], dtype=object), 0, m)[0] == 0.0


@pytest.mark.parametrize("base", [UNDER_FIVE, OVER_FIVE], ids=["under-five", "over-five"])
@pytest.mark.parametrize("field", sorted(INVALID))
def test_an_invalid_input_costs_only_the_outputs_that_read_it(field, base):
    bad, reason = INVALID[field]
    out = valid_and_invalid(base, field, bad)
    assert out["error"][0] == ""
    assert out["error"][1] == next(m for m in ERROR_MESSAGES.values() if m.startswith(reason))
    assert_costs_only_what_reads(out, field)


@pytest.mark.parametrize("field", sorted(NOT_A_NUMBER))
@pytest.mark.parametrize("bad", ["abc", np.inf], ids=["text", "inf"])
def test_a_value_that_is_not_a_number_costs_what_a_negative_one_does(field, bad):
    out = valid_and_invalid(UNDER_FIVE, field, bad)
    assert out["error"][1] == NOT_A_NUMBER[field]
    assert_costs_only_what_reads(out, field)


@pytest.mark.parametrize(
    ("cols", "message"),
    [
        ({"sex": 3}, "jenis kelamin tidak dikenal"),
        ({"oedema": 0}, "kode edema tidak dikenal"),
    ],
)
def test_numeric_codes_out_of_range_are_invalid_codes(cols, message):
    bad = {k: np.array([UNDER_FIVE[k], v], dtype=object) for k, v in cols.items()}
    out = anthro_zscores({**UNDER_FIVE, **bad})
    assert out["error"][0] == "" and message in out["error"][1]
    assert_costs_only_what_reads(out, next(iter(cols)))


def test_a_negative_triceps_skinfold_keeps_every_other_z_score():
    out = anthro_zscores({**UNDER_FIVE, "triskin": [8.0, -0.4]})
    assert out["error"].tolist() == ["", "lipatan kulit trisep negatif"]
    assert np.isnan(out["zts"][1]) and np.isnan(out["fts"][1])
    for name in ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac", "zss", "clenhei", "cbmi"):
        assert out[name][1] == out[name][0], name
    assert out["cat_tbu"][1] == out["cat_tbu"][0] != -1


def test_an_invalid_age_is_not_a_missing_age_for_weight_for_length():
    # A missing age still gives zwfl (ALGORITHM.md §4); a negative one gives nothing that
    # needs the age, zwfl included: the table and the ±0.7 cm cannot be chosen.
    out = anthro_zscores({**UNDER_FIVE, "age_days": [None, -1.0]})
    assert not np.isnan(out["zwfl"][0]) and np.isnan(out["zwfl"][1])
    assert out["clenhei"][0] == 75.0 and np.isnan(out["clenhei"][1])


def test_several_reasons_are_joined():
    out = run(sex=["x"], age_days=-1)
    assert out["error"][0] == ("umur negatif; jenis kelamin tidak dikenal (isi 1/2, L/P atau m/f)")


def test_zero_measurements():
    out = run(sex=1, age_days=100, weight=0.0, lenhei=0.0, measure="l", headc=0.0, armc=0.0)
    for name in ("zwei", "zlen", "zhc", "zac", "zwfl"):
        assert np.isnan(out[name][0]), name  # zwfl: 0 cm is out of range
    assert out["error"][0] == ""


def test_measure_is_trimmed_and_case_insensitive():
    z = zlen(1, 800, 90.0, np.array([" L", "l ", "H", "h"], dtype=object))
    assert z[0] == z[1] and z[2] == z[3] and z[0] != z[2]


def test_different_lengths_raise():
    with pytest.raises(ValueError, match="different lengths"):
        zwei([1, 2], [1, 2, 3], 3.0)
