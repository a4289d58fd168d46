"""zbmi, zhc, zac, zts, zss: the other age-based indicators of the 2006 standards."""

import numpy as np
import pytest

from kampungkb.anthro import anthro_zscores, zac, zbmi, zhc, zss, zts

from ._invalid import INVALID, UNDER_FIVE, check_indicator
from ._ref import lms, sd

RESTRICTED = [
    (zac, "who2006_acfa_by_day.csv"),
    (zts, "who2006_tsfa_by_day.csv"),
    (zss, "who2006_ssfa_by_day.csv"),
]


@pytest.mark.parametrize(("func", "file_name"), RESTRICTED)
@pytest.mark.parametrize(("sex", "day"), [(1, 91), (2, 91), (1, 1000), (2, 1826)])
@pytest.mark.parametrize("k", [0, 2, -2, 3, -3, 3.5, -4])
def test_restricted_indicators_at_sd_values(func, file_name, sex, day, k):
    lam, m, s = lms(file_name, sex, day)
    if abs(k) <= 3:
        y = sd(lam, m, s, k)
    else:
        sd3, sd2 = sd(lam, m, s, np.sign(k) * 3), sd(lam, m, s, np.sign(k) * 2)
        y = sd3 + (abs(k) - 3) * (sd3 - sd2)
    assert func(sex, day, y, rounded=False)[0] == pytest.approx(k, abs=1e-9)
    assert func(sex, day, y)[0] == k


@pytest.mark.parametrize(("func", "file_name"), RESTRICTED)
def test_arm_and_skinfolds_start_at_day_91(func, file_name):
    _, m, _ = lms(file_name, 1, 91)
    z = func(1, [89.5, 90.49, 90.5, 91], m)  # 90.5 rounds half up to 91
    assert np.isnan(z[:2]).all()
    assert list(z[2:]) == [0.0, 0.0]


@pytest.mark.parametrize("k", [0, 2, -3, 4.25, -5])
def test_zhc_plain_lms(k):
    _, m, s = lms("who2006_hcfa_by_day.csv", 2, 600)
    assert zhc(2, 600, m * (1 + k * s))[0] == k


def test_zhc_flag_abs_above_5():
    _, m, s = lms("who2006_hcfa_by_day.csv", 1, 10)
    out = anthro_zscores({"sex": 1, "age_days": 10, "headc": [m * (1 + 5 * s), m * (1 + 5.01 * s)]})
    assert list(out["zhc"]) == [5.0, 5.01]
    assert list(out["fhc"]) == [0.0, 1.0]


@pytest.mark.parametrize("k", [0, 2, -2, 3, -3])
def test_zbmi_at_sd_values(k):
    lam, m, s = lms("who2006_bmifa_by_day.csv", 1, 800)
    bmi = sd(lam, m, s, k)
    height = 90.0  # standing at 800 days: no adjustment
    weight = bmi * (height / 100) ** 2
    assert zbmi(1, 800, weight, height, "h", rounded=False)[0] == pytest.approx(k, abs=1e-9)


def test_zbmi_uses_the_adjusted_length():
    out = anthro_zscores(
        {"sex": 1, "age_days": 800, "weight": 12.0, "lenhei": [90.7, 90.0], "measure": ["l", "h"]}
    )
    assert out["clenhei"][0] == pytest.approx(90.0, abs=1e-12)
    assert out["cbmi"][0] == pytest.approx(12.0 / 0.9**2, rel=1e-12)
    assert out["zbmi"][0] == out["zbmi"][1]


def test_zbmi_guards_bmi_zero_and_flags_infinite_bmi():
    out = anthro_zscores(
        {"sex": 2, "age_days": 300, "weight": [0.0, 8.0], "lenhei": [70.0, 0.0], "measure": "l"}
    )
    assert out["cbmi"][0] == 0.0 and np.isnan(out["zbmi"][0])
    assert out["cbmi"][1] == np.inf and out["zbmi"][1] == np.inf and out["fbmi"][1] == 1.0
    assert np.isnan(out["zlen"][1])


def test_oedema_blanks_only_weight_based_indicators():
    out = anthro_zscores(
        {
            "sex": 1,
            "age_days": 400,
            "weight": 9.0,
            "lenhei": 75.0,
            "measure": "l",
            "oedema": "y",
            "headc": 46.0,
            "armc": 14.5,
            "triskin": 8.0,
            "subskin": 6.0,
        }
    )
    for name in ("zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi"):
        assert np.isnan(out[name][0]), name
    for name in ("zlen", "zhc", "zac", "zts", "zss"):
        assert not np.isnan(out[name][0]), name


@pytest.mark.parametrize("z", ["zbmi", "zhc", "zac", "zts", "zss"])
@pytest.mark.parametrize("field", sorted(INVALID))
def test_indicator_is_lost_only_with_an_invalid_input_it_reads(z, field):
    # A triceps skinfold of -0.4 mm loses zts and nothing else, as in WHO's anthro, which
    # sets a measurement <= 0 to NA for its own indicator only (ALGORITHM.md §3).
    check_indicator(z, UNDER_FIVE, field)
