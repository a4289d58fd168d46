"""zwei: weight-for-age (restricted LMS)."""

import numpy as np
import pytest

from kampungkb.anthro import anthro_zscores, zwei

from ._invalid import INVALID, UNDER_FIVE, check_indicator
from ._ref import lms, sd, z_restricted

WFA = "who2006_wfa_by_day.csv"


@pytest.mark.parametrize(("sex", "day"), [(1, 0), (2, 0), (1, 500), (2, 1000), (1, 1826)])
@pytest.mark.parametrize("k", [0, 1, -1, 2, -2, 3, -3])
def test_zwei_at_sd_values_is_k(sex, day, k):
    lam, m, s = lms(WFA, sex, day)
    z = zwei(sex, day, sd(lam, m, s, k), rounded=False)[0]
    assert z == pytest.approx(k, abs=1e-9)
    assert zwei(sex, day, sd(lam, m, s, k))[0] == k


@pytest.mark.parametrize("k", [3.5, 4.0, 7.25, -3.5, -4.0, -5.5])
def test_zwei_beyond_3_is_linear_in_the_2_to_3_sd_step(k):
    lam, m, s = lms(WFA, 1, 400)
    sd3, sd2 = sd(lam, m, s, np.sign(k) * 3), sd(lam, m, s, np.sign(k) * 2)
    y = sd3 + (abs(k) - 3) * (sd3 - sd2)  # restricted formula solved for y
    assert zwei(1, 400, y, rounded=False)[0] == pytest.approx(k, abs=1e-9)
    assert zwei(1, 400, y, rounded=False)[0] == pytest.approx(z_restricted(y, lam, m, s), abs=1e-12)


def test_zwei_exact_values():
    assert list(zwei(1, 0, [3.3464, 1.0, 2.0, 9.0])) == [0.0, -5.85, -3.21, 9.49]
    lam, m, s = lms(WFA, 1, 0)
    expected = z_restricted(2.0, lam, m, s)
    assert zwei(1, 0, 2.0, rounded=False)[0] == pytest.approx(expected, abs=1e-13)


def test_zwei_weight_zero_or_missing_is_nan():
    assert np.isnan(zwei(1, 100, [0.0, np.nan])).all()


@pytest.mark.parametrize("code", ["y", "Y", "1", 1, True, " y "])
def test_zwei_oedema_gives_nan(code):
    assert np.isnan(zwei(2, 300, 7.0, [code])[0])


@pytest.mark.parametrize("code", ["n", "N", "2", 2, False, None, ""])
def test_zwei_no_oedema_is_computed(code):
    assert zwei(2, 300, 7.0, np.array([code], dtype=object))[0] == -1.56


def test_fwei_limits_are_minus_6_and_plus_5_on_rounded_values():
    lam, m, s = lms(WFA, 1, 200)
    sd3, sd2 = sd(lam, m, s, -3), sd(lam, m, s, -2)
    sp3, sp2 = sd(lam, m, s, 3), sd(lam, m, s, 2)
    w = [
        sd3 - 3.004 * (sd2 - sd3),  # -6.004 -> -6.00, not flagged
        sd3 - 3.006 * (sd2 - sd3),  # -6.006 -> -6.01, flagged
        sp3 + 2.004 * (sp3 - sp2),  # 5.004 -> 5.00, not flagged
        sp3 + 2.006 * (sp3 - sp2),  # 5.006 -> 5.01, flagged
    ]
    out = anthro_zscores({"sex": 1, "age_days": 200, "weight": w})
    assert list(out["zwei"]) == [-6.0, -6.01, 5.0, 5.01]
    assert list(out["fwei"]) == [0.0, 1.0, 0.0, 1.0]
    unrounded = anthro_zscores({"sex": 1, "age_days": 200, "weight": w}, rounded=False)
    assert list(unrounded["fwei"]) == [1.0, 1.0, 1.0, 1.0]
    assert unrounded["zwei"][0] == pytest.approx(-6.004, abs=1e-9)


@pytest.mark.parametrize("field", sorted(INVALID))
def test_zwei_is_lost_only_with_an_invalid_input_it_reads(field):
    # WHO's anthro sets a measurement <= 0 to NA for its own indicator only (ALGORITHM.md §3).
    check_indicator("zwei", UNDER_FIVE, field)
