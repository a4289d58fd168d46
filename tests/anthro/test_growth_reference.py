"""zhfa, zwfa, zbfa: WHO Growth Reference 2007 (anthroplus)."""

import numpy as np
import pytest

from kampungkb.anthro import DAYS_PER_MONTH, anthro_zscores, zbfa, zhfa, zwfa

from ._invalid import INVALID, OVER_FIVE, check_indicator
from ._ref import lms, sd, z_restricted

HFA, WFA, BFA = "who2007_hfa_by_month.csv", "who2007_wfa_by_month.csv", "who2007_bfa_by_month.csv"


def days(months):
    return np.asarray(months, dtype=float) * DAYS_PER_MONTH


@pytest.mark.parametrize(("sex", "month"), [(1, 60), (2, 61), (1, 150), (2, 228)])
@pytest.mark.parametrize("k", [0, 2, -3, 5.5])
def test_zhfa_at_whole_months(sex, month, k):
    _, m, s = lms(HFA, sex, month)
    assert zhfa(sex, days(month), m * (1 + k * s))[0] == k


@pytest.mark.parametrize(
    ("func", "file_name", "month"),
    [(zwfa, WFA, 60), (zwfa, WFA, 120), (zbfa, BFA, 100), (zbfa, BFA, 228)],
)
@pytest.mark.parametrize("k", [0, 2, -2, 3, -3, 3.5, -4.5])
def test_restricted_2007_indicators_at_sd_values(func, file_name, month, k):
    lam, m, s = lms(file_name, 2, month)
    if abs(k) <= 3:
        y = sd(lam, m, s, k)
    else:
        sd3, sd2 = sd(lam, m, s, np.sign(k) * 3), sd(lam, m, s, np.sign(k) * 2)
        y = sd3 + (abs(k) - 3) * (sd3 - sd2)
    if func is zwfa:
        z = zwfa(2, days(month), y, rounded=False)[0]
    else:
        z = zbfa(2, days(month), y, 100.0, rounded=False)[0]  # height 1 m: BMI = weight
    assert z == pytest.approx(k, abs=1e-9)


def test_fractional_month_interpolation():
    age_days = 3000.0
    age = age_days / DAYS_PER_MONTH  # 98.56... months
    lo, up = lms(WFA, 1, 98), lms(WFA, 1, 99)
    diff = age - 98
    lam, m, s = (a + diff * (b - a) for a, b in zip(lo, up, strict=True))
    expected = z_restricted(25.0, lam, m, s)
    assert zwfa(1, age_days, 25.0, rounded=False)[0] == pytest.approx(expected, abs=1e-13)
    _, m_lo, s_lo = lms(HFA, 1, 98)
    _, m_up, s_up = lms(HFA, 1, 99)
    m = m_lo + diff * (m_up - m_lo)
    s = s_lo + diff * (s_up - s_lo)
    assert zhfa(1, age_days, 130.0, rounded=False)[0] == pytest.approx((130 / m - 1) / s, abs=1e-13)


def test_age_ranges():
    months = [59.99, 60.0, 120.0, 120.01, 228.0, 228.01]
    h = zhfa(1, days(months), 140.0)
    w = zwfa(1, days(months), 30.0)
    b = zbfa(1, days(months), 30.0, 140.0)
    assert list(np.isnan(h)) == [True, False, False, False, False, True]
    assert list(np.isnan(w)) == [True, False, False, True, True, True]
    assert list(np.isnan(b)) == [True, False, False, False, False, True]


def test_60_months_exactly_belongs_to_anthroplus_only():
    out = anthro_zscores(
        {"sex": 2, "age_days": [1826.24, 1826.25], "weight": 18.0, "lenhei": 108.0, "measure": "h"}
    )
    assert not np.isnan(out["zwei"][0]) and np.isnan(out["zwfa"][0])
    assert np.isnan(out["zwei"][1]) and not np.isnan(out["zwfa"][1])
    assert np.isnan(out["zbmi"][1]) and not np.isnan(out["zbfa"][1])


def test_no_position_adjustment_and_no_zero_guard():
    out = anthro_zscores(
        {
            "sex": 1,
            "age_days": days(100),
            "weight": [0.0, 25.0],
            "lenhei": [130.0, 0.0],
            "measure": "l",
        }
    )
    lam, m, s = lms(WFA, 1, 100)
    sd3, sd2 = sd(lam, m, s, -3), sd(lam, m, s, -2)
    assert out["zwfa"][0] == round(-3 + (0.0 - sd3) / (sd2 - sd3), 2)  # (0/M)^L = Inf
    assert out["zwfa"][0] == -10.8 and out["fwfa"][0] == 1.0
    _, m, s = lms(HFA, 1, 100)
    assert out["zhfa"][0] == round((130.0 / m - 1) / s, 2)  # 130 used as given, not 129.3
    assert out["zhfa"][1] == round(-1 / s, 2) and out["fhfa"][1] == 1.0


def test_oedema_blanks_zwfa_and_zbfa_only():
    out = anthro_zscores(
        {"sex": 1, "age_days": days(100), "weight": 25.0, "lenhei": 130.0, "oedema": "y"}
    )
    assert np.isnan(out["zwfa"][0]) and np.isnan(out["zbfa"][0])
    assert not np.isnan(out["zhfa"][0])


def test_flags_2007():
    out = anthro_zscores(
        {"sex": 1, "age_days": days(100), "lenhei": [100.0, 200.0], "weight": 25.0}
    )
    assert out["fhfa"][0] == (abs(out["zhfa"][0]) > 6)
    assert out["fbfa"][1] == (abs(out["zbfa"][1]) > 5)


@pytest.mark.parametrize("z", ["zhfa", "zwfa", "zbfa"])
@pytest.mark.parametrize("field", sorted(INVALID))
def test_indicator_is_lost_only_with_an_invalid_input_it_reads(z, field):
    # anthroplus aborts the whole call on a negative height or weight (ALGORITHM.md §5); per
    # row, only the indicators that read the value are lost (a measure code is never read).
    check_indicator(z, OVER_FIVE, field)
