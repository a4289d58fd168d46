"""Prevalence of a condition by group, with a Wilson score interval."""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np


class Prevalence(NamedTuple):
    """Per-group prevalence; every field is an array with one entry per group."""

    group: np.ndarray
    n: np.ndarray
    cases: np.ndarray
    proportion: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def _condition_values(condition) -> tuple[np.ndarray, np.ndarray]:
    """(is_case, is_known) boolean arrays; None/NaN conditions are unknown."""
    arr = np.asarray(condition)
    if arr.dtype.kind == "b":
        return arr, np.ones(arr.shape, dtype=bool)
    if arr.dtype.kind == "O":
        arr = np.array([np.nan if v is None else float(v) for v in arr], dtype=np.float64)
    arr = arr.astype(np.float64)
    known = ~np.isnan(arr)
    return known & (arr != 0.0), known


def _missing_label(groups: np.ndarray) -> np.ndarray:
    if groups.dtype.kind == "f":
        return np.isnan(groups)
    if groups.dtype.kind == "O":
        return np.array(
            [g is None or (isinstance(g, float) and g != g) for g in groups], dtype=bool
        )
    return np.zeros(groups.shape, dtype=bool)


def wilson_interval(cases, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``cases`` out of ``n``; NaN where n == 0.

    >>> lo, hi = wilson_interval(np.array([5]), np.array([20]))
    >>> print(f"{lo[0]:.4f} {hi[0]:.4f}")
    0.1119 0.4687
    """
    cases = np.asarray(cases, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        p = cases / n
        denom = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    return low, high


def prevalence(condition, groups=None, *, level: float = 0.95) -> Prevalence:
    """Prevalence of ``condition`` per group with a Wilson score interval.

    Parameters
    ----------
    condition : array_like of bool or float
        True/1 for a case, False/0 for a non-case, NaN/None for unknown;
        unknown values are left out of ``n``.
    groups : array_like, optional
        One group label per row (e.g. desa codes); rows with a missing label
        (None/NaN) are left out. When omitted, one group ``"all"``.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    Prevalence
        Named tuple of arrays ``group`` (sorted unique labels), ``n``,
        ``cases``, ``proportion`` (NaN when n is 0), ``ci_low``, ``ci_high``.

    Examples
    --------
    Stunting (zlen < -2) by desa:

    >>> zlen = np.array([-2.5, -1.0, np.nan, -3.1, 0.2, -2.01])
    >>> desa = np.array(["A", "A", "A", "B", "B", "B"])
    >>> with np.errstate(invalid="ignore"):
    ...     stunted = np.where(np.isnan(zlen), np.nan, zlen < -2)
    >>> res = prevalence(stunted, groups=desa)
    >>> res.group, res.n, res.cases
    (array(['A', 'B'], dtype='<U1'), array([2, 3]), array([1, 2]))
    >>> res.proportion.round(4)
    array([0.5   , 0.6667])
    """
    is_case, known = _condition_values(condition)
    if groups is None:
        group_labels = np.array(["all"])
        inverse = np.zeros(is_case.shape, dtype=np.intp)
    else:
        groups = np.asarray(groups)
        if groups.shape != is_case.shape:
            raise ValueError(
                f"condition and groups differ in shape: {is_case.shape} vs {groups.shape}"
            )
        keep = ~_missing_label(groups)
        if not keep.all():
            groups, is_case, known = groups[keep], is_case[keep], known[keep]
        group_labels, inverse = np.unique(groups, return_inverse=True)
        inverse = inverse.reshape(-1)
    k = group_labels.size
    n = np.bincount(inverse, weights=known, minlength=k).astype(np.int64)
    cases = np.bincount(inverse, weights=is_case & known, minlength=k).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        proportion = cases / n
    low, high = wilson_interval(cases, n, level)
    return Prevalence(group_labels, n, cases, proportion, low, high)
