"""R's round(x, 2) semantics and flags evaluated on rounded values."""

import numpy as np
import pytest

from kampungkb.anthro import anthro_zscores, round_r


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.615, 0.62),
        (-0.615, -0.62),
        (2.675, 2.67),
        (0.125, 0.12),
        (0.135, 0.14),
        (1.005, 1.0),
        (-6.004, -6.0),
        (-6.005, -6.0),
        (0.285, 0.28),
        (-0.001, 0.0),
        (3.0, 3.0),
        (1e-12, 0.0),
    ],
)
def test_round_r_matches_r(x, expected):
    got = round_r(np.array([x]))[0]
    assert got == expected
    assert not np.signbit(got) or expected < 0


def test_round_r_differs_from_python_and_numpy_on_0_615():
    assert round(0.615, 2) == 0.61  # Python
    assert round_r(np.array([0.615]))[0] == 0.62  # R


def test_round_r_exact_ties_go_to_even_hundredths():
    # 0.125 and 0.375 are exact in binary: ties, decided by the even digit
    assert list(round_r(np.array([0.125, 0.375, -0.125]))) == [0.12, 0.38, -0.12]


def test_round_r_passes_non_finite_values():
    got = round_r(np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == -np.inf


def test_rounded_false_keeps_full_precision():
    data = {"sex": 1, "age_days": 365, "lenhei": 75.123, "measure": "l"}
    r = anthro_zscores(data)["zlen"][0]
    u = anthro_zscores(data, rounded=False)["zlen"][0]
    assert r == round_r(np.array([u]))[0] and r != u
