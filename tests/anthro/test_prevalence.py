"""prevalence(): n, cases, proportion and Wilson 95 % interval by group."""

import math

import numpy as np
import pytest

from kampungkb.anthro import prevalence, wilson_interval


def wilson(x, n, z=1.959963984540054):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_single_group_with_missing_values_excluded():
    res = prevalence([True, False, np.nan, 1.0, 0.0, None])
    assert list(res.group) == ["all"]
    assert res.n[0] == 4 and res.cases[0] == 2 and res.proportion[0] == 0.5
    lo, hi = wilson(2, 4)
    assert res.ci_low[0] == pytest.approx(lo, abs=1e-12)
    assert res.ci_high[0] == pytest.approx(hi, abs=1e-12)


def test_by_group():
    cond = np.array([1, 0, 1, 1, np.nan, 0, 0, 0])
    groups = np.array(["b", "a", "a", "b", "b", "c", "c", "c"])
    res = prevalence(cond, groups=groups)
    assert list(res.group) == ["a", "b", "c"]
    assert list(res.n) == [2, 2, 3]
    assert list(res.cases) == [1, 2, 0]
    assert list(res.proportion) == [0.5, 1.0, 0.0]
    assert res.ci_high[1] == 1.0 and res.ci_low[2] == 0.0
    assert res.ci_low[1] == pytest.approx(wilson(2, 2)[0], abs=1e-12)
    assert res.ci_high[2] == pytest.approx(wilson(0, 3)[1], abs=1e-12)


def test_group_with_only_missing_values_has_n_zero_and_nan_proportion():
    res = prevalence(np.array([np.nan, 1.0]), groups=np.array(["x", "y"]))
    assert res.n[0] == 0 and np.isnan(res.proportion[0]) and np.isnan(res.ci_low[0])


def test_rows_without_group_label_are_left_out():
    res = prevalence([1, 0, 1], groups=np.array(["a", None, "a"], dtype=object))
    assert list(res.group) == ["a"] and res.n[0] == 2


def test_known_wilson_values():
    lo, hi = wilson_interval(np.array([5, 50]), np.array([20, 100]))
    assert lo[0] == pytest.approx(0.111862, abs=1e-6) and hi[0] == pytest.approx(0.468701, abs=1e-6)
    assert lo[1] == pytest.approx(0.403832, abs=1e-6) and hi[1] == pytest.approx(0.596168, abs=1e-6)


def test_shape_mismatch_raises():
    with pytest.raises(ValueError):
        prevalence([1, 0], groups=["a"])
