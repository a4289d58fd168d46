"""zlen: length/height-for-age (plain LMS, L = 1)."""

import numpy as np
import pytest

from kampungkb.anthro import flag, zlen

from ._invalid import INVALID, UNDER_FIVE, check_indicator
from ._ref import lms

LHFA = "who2006_lhfa_by_day.csv"


@pytest.mark.parametrize(("sex", "day"), [(1, 0), (2, 0), (1, 365), (2, 730), (1, 731), (2, 1826)])
@pytest.mark.parametrize("k", [0, 2, -2, 3, -3, 4, -4.5])
def test_zlen_at_table_nodes_is_k_at_m_times_1_plus_k_s(sex, day, k):
    _, m, s = lms(LHFA, sex, day)
    measure = "l" if day < 731 else "h"
    z = zlen(sex, day, m * (1 + k * s), measure, rounded=False)
    assert z[0] == pytest.approx(k, abs=1e-12)
    assert zlen(sex, day, m * (1 + k * s), measure)[0] == k  # rounded


def test_zlen_is_not_restricted_beyond_3():
    _, m, s = lms(LHFA, 1, 100)
    assert zlen(1, 100, m * (1 + 5.5 * s), "l")[0] == 5.5


def test_zlen_exact_value():
    # girl, 365 days, 70.0 cm lying: (70/74.0 - 1)/S with the table's M, S
    _, m, s = lms(LHFA, 2, 365)
    expected = (70.0 / m - 1) / s
    assert zlen(2, 365, 70.0, "l", rounded=False)[0] == expected
    assert zlen(2, 365, 70.0, "l")[0] == -1.56


def test_zlen_flag_is_abs_above_6_on_rounded_value():
    assert list(flag([6.0, 6.01, -6.0, -6.01, np.nan], "zlen")[:4]) == [0.0, 1.0, 0.0, 1.0]
    _, m, s = lms(LHFA, 1, 0)
    z = zlen(1, 0, [m * (1 + 6.004 * s), m * (1 + 6.006 * s)], "l")
    assert list(z) == [6.0, 6.01]


def test_zlen_length_zero_or_missing_is_nan():
    z = zlen(1, 100, [0.0, np.nan], "l")
    assert np.isnan(z).all()


@pytest.mark.parametrize("field", sorted(INVALID))
def test_zlen_is_lost_only_with_an_invalid_input_it_reads(field):
    # WHO's anthro sets a measurement <= 0 to NA for its own indicator only (ALGORITHM.md §3).
    check_indicator("zlen", UNDER_FIVE, field)
