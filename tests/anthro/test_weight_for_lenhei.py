"""zwfl: weight-for-length/height (ALGORITHM.md §4)."""

import numpy as np
import pytest

from kampungkb.anthro import anthro_zscores, zwfl

from ._invalid import INVALID, UNDER_FIVE, check_indicator
from ._ref import lms, sd, z_restricted

WFL, WFH = "who2006_wfl_by_length.csv", "who2006_wfh_by_height.csv"


@pytest.mark.parametrize(
    ("file_name", "sex", "key", "age"),
    [
        (WFL, 1, "45", 10),
        (WFL, 2, "80.3", 500),
        (WFL, 1, "110", 700),
        (WFH, 2, "65", 731),
        (WFH, 1, "96.7", 1500),
        (WFH, 2, "120", 1800),
    ],
)
@pytest.mark.parametrize("k", [0, 2, -2, 3, -3, 4.5, -3.5])
def test_zwfl_at_table_nodes(file_name, sex, key, age, k):
    lam, m, s = lms(file_name, sex, key)
    if abs(k) <= 3:
        w = sd(lam, m, s, k)
    else:
        sd3, sd2 = sd(lam, m, s, np.sign(k) * 3), sd(lam, m, s, np.sign(k) * 2)
        w = sd3 + (abs(k) - 3) * (sd3 - sd2)
    measure = "l" if age < 731 else "h"
    assert zwfl(sex, age, w, float(key), measure, rounded=False)[0] == pytest.approx(k, abs=1e-9)


def test_interpolation_between_the_0_1_cm_rows():
    # 80.25 cm: low 80.2, upp 80.3, diff = (80.25 - 80.2)/0.1
    lo, up = lms(WFL, 1, "80.2"), lms(WFL, 1, "80.3")
    diff = (80.25 - 80.2) / 0.1
    lam, m, s = (a + diff * (b - a) for a, b in zip(lo, up, strict=True))
    expected = z_restricted(10.5, lam, m, s)
    assert zwfl(1, 400, 10.5, 80.25, "l", rounded=False)[0] == pytest.approx(expected, abs=1e-13)


def test_r_quirk_103_1_lying_at_1367_days():
    # 103.1 - 0.7 = 102.39999999999999: R interpolates towards 102.5 (upp), not 102.4
    out = anthro_zscores(
        {
            "sex": 1,
            "age_days": 1367,
            "weight": 16.0,
            "lenhei": [103.1, 102.4],
            "measure": ["l", "h"],
        }
    )
    assert out["clenhei"][0] == 103.1 - 0.7
    assert list(out["zwfl"]) == [-0.06, -0.04]
    lo, up = lms(WFH, 1, "102.3"), lms(WFH, 1, "102.5")
    x = 103.1 - 0.7
    diff = (x - 102.3) / 0.1
    lam, m, s = (a + diff * (b - a) for a, b in zip(lo, up, strict=True))
    assert out["zwfl"][0] == round(z_restricted(16.0, lam, m, s), 2)


def test_weight_zero_gives_finite_flagged_z():
    out = anthro_zscores({"sex": 1, "weight": 0.0, "lenhei": 60.0})  # age unknown
    assert out["zwfl"][0] == -15.37
    assert out["fwfl"][0] == 1.0


def test_table_choice_by_age_then_measure_then_length():
    # 80 cm is in both tables; the weight makes the two tables give different z
    w, length = 11.0, 80.0
    z_l = z_restricted(w, *lms(WFL, 2, "80"))
    z_h = z_restricted(w, *lms(WFH, 2, "80"))
    assert round(z_l, 2) != round(z_h, 2)
    got = zwfl(
        2,
        [730, 731, np.nan, np.nan, np.nan],
        w,
        [length - 0.7, length + 0.7, length, length, length],
        ["h", "l", "l", "h", ""],
        rounded=False,
    )
    assert got[0] == pytest.approx(z_l, abs=1e-9)  # 730 days standing: +0.7, length table
    assert got[1] == pytest.approx(z_h, abs=1e-9)  # 731 days lying: -0.7, height table
    assert got[2] == pytest.approx(z_l, abs=1e-12)  # no age: measure l
    assert got[3] == pytest.approx(z_h, abs=1e-12)  # no age: measure h
    assert got[4] == pytest.approx(z_l, abs=1e-12)  # no age, no measure: 80 < 87 -> length
    z86_9 = zwfl(2, None, w, [86.9, 87.0], rounded=False)
    assert z86_9[0] == pytest.approx(z_restricted(w, *lms(WFL, 2, "86.9")), abs=1e-12)
    assert z86_9[1] == pytest.approx(z_restricted(w, *lms(WFH, 2, "87")), abs=1e-12)


@pytest.mark.parametrize(
    ("age", "lenhei", "measure", "computed"),
    [
        (100, 45.0, "l", True),
        (100, 44.99, "l", False),
        (100, 110.0, "l", True),
        (100, 110.01, "l", False),
        (100, 110.05, "l", False),
        (300, 44.3, "h", True),  # 44.3 + 0.7 = 45.0
        (300, 44.29, "h", False),
        (300, 109.3, "h", True),
        (300, 109.31, "h", False),
        (800, 65.0, "h", True),
        (800, 64.99, "h", False),
        (800, 120.0, "h", True),
        (800, 120.01, "h", False),
        (800, 65.7, "l", True),  # 65.7 - 0.7 = 65.0
        (800, 65.69, "l", False),
        (800, 120.7, "l", True),
        (800, 120.71, "l", False),
        (100, 130.0, "l", False),
        (800, 50.0, "h", False),
    ],
)
def test_inclusive_length_and_height_ranges(age, lenhei, measure, computed):
    z = zwfl(1, age, 9.0, lenhei, measure)[0]
    assert (not np.isnan(z)) is computed


def test_zwfl_computed_when_age_missing_but_not_from_60_months():
    z = zwfl(1, [np.nan, 1826.0, 1826.24, 1826.25, 1857], 18.0, 110.0, "h")
    assert not np.isnan(z[:3]).any()
    assert np.isnan(z[3:]).all()


def test_zwfl_oedema_and_missing_sex_give_nan():
    assert np.isnan(zwfl(1, 400, 9.0, 75.0, "l", "y")[0])
    assert np.isnan(zwfl(np.nan, 400, 9.0, 75.0, "l")[0])


@pytest.mark.parametrize("field", sorted(INVALID))
def test_zwfl_is_lost_only_with_an_invalid_input_it_reads(field):
    # WHO's anthro sets a measurement <= 0 to NA for its own indicator only (ALGORITHM.md §3).
    check_indicator("zwfl", UNDER_FIVE, field)
