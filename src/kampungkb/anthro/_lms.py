"""Shared LMS helpers: plain and restricted z-scores, R rounding and flags.

All functions take float64 arrays of equal length and return new float64
arrays; NaN in means NaN out.
"""

from __future__ import annotations

import numpy as np

from ._who_tables import Table


def lms_z(y: np.ndarray, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:  # noqa: E741
    """Plain LMS z-score ``((y/M)^L - 1) / (S*L)`` (no log branch, as in R)."""
    with np.errstate(all="ignore"):
        z = y / m
        np.power(z, l, out=z)
        z -= 1.0
        z /= s * l
    return z


def lms_z_l1(y: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Plain LMS z-score for tables with L = 1: ``(y/M - 1)/S``, bit-identical."""
    with np.errstate(all="ignore"):
        z = y / m
        z -= 1.0
        z /= s
    return z


def restrict(
    z: np.ndarray,
    y: np.ndarray,
    l: np.ndarray,  # noqa: E741
    m: np.ndarray,
    s: np.ndarray,
) -> np.ndarray:
    """Apply WHO's restricted ("adjusted") formula in place beyond |z0| > 3.

    The SD terms are computed only for the rows that need them.
    """
    with np.errstate(invalid="ignore"):
        idx = np.flatnonzero((z > 3.0) | (z < -3.0))
    if idx.size == 0:
        return z
    zi, yi, li, mi, si = z[idx], y[idx], l[idx], m[idx], s[idx]
    with np.errstate(all="ignore"):
        inv_l = 1.0 / li
        ls = li * si
        pos = zi > 3.0
        k3 = np.where(pos, 3.0, -3.0)
        k2 = np.where(pos, 2.0, -2.0)
        sd3 = mi * np.power(1.0 + ls * k3, inv_l)
        sd2 = mi * np.power(1.0 + ls * k2, inv_l)
        # z > 3:  3 + (y - SD3pos) / (SD3pos - SD2pos)
        # z < -3: -3 + (y - SD3neg) / (SD2neg - SD3neg)
        step = np.where(pos, sd3 - sd2, sd2 - sd3)
        z[idx] = k3 + (yi - sd3) / step
    return z


def zscore_from_table(
    table: Table, index: np.ndarray, y: np.ndarray, *, restricted: bool
) -> np.ndarray:
    """Gather L, M, S at ``index`` and compute the (restricted) z-score of ``y``."""
    m = table.m.take(index)
    s = table.s.take(index)
    if table.l_is_one:
        z = lms_z_l1(y, m, s)
        if restricted:
            z = restrict(z, y, np.ones_like(m), m, s)
        return z
    l = table.l.take(index)  # noqa: E741
    z = lms_z(y, l, m, s)
    if restricted:
        z = restrict(z, y, l, m, s)
    return z


def zscore_interpolated(
    y: np.ndarray,
    l: np.ndarray,  # noqa: E741
    m: np.ndarray,
    s: np.ndarray,
    *,
    restricted: bool,
    l_is_one: bool = False,
) -> np.ndarray:
    """z-score from already interpolated L, M, S."""
    z = lms_z_l1(y, m, s) if l_is_one else lms_z(y, l, m, s)
    if restricted:
        z = restrict(z, y, l, m, s)
    return z


#: Below this |L| the measurement at z is computed as ``M * exp(log1p(L*S*z) / L)`` (and
#: ``M * exp(S*z)`` at L = 0, its limit), where ``(1 + L*S*z)^(1/L)`` would lose precision.
#: The WHO tables have |L| >= 1e-4, so they always take the power form.
SMALL_L = 1e-6


def lms_value(z: np.ndarray, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:  # noqa: E741
    """Measurement at z-score ``z`` on the plain LMS curve: ``M * (1 + L*S*z)^(1/L)``.

    NaN where ``1 + L*S*z < 0`` (the curve has no value there).
    """
    with np.errstate(all="ignore"):
        y = m * (1 + l * s * z) ** (1 / l)
        small = np.abs(l) < SMALL_L
        if small.any():
            lsz = l * s * z
            exponent = np.where(l == 0.0, s * z, np.log1p(lsz) / l)
            y = np.where(small, m * np.exp(exponent), y)
    return y


def lms_value_restricted(
    z: np.ndarray,
    l: np.ndarray,  # noqa: E741
    m: np.ndarray,
    s: np.ndarray,
) -> np.ndarray:
    """Measurement at z-score ``z`` by the inverse of WHO's restricted formula.

    Within ±3 SD the plain LMS curve; beyond, a straight line through the 3 SD value
    with the 2-to-3 SD distance per SD, so that :func:`restrict` gives ``z`` back.
    """
    y = lms_value(z, l, m, s)
    with np.errstate(invalid="ignore"):
        idx = np.flatnonzero((z > 3.0) | (z < -3.0))
    if idx.size == 0:
        return y
    zi, li, mi, si = z[idx], l[idx], m[idx], s[idx]
    pos = zi > 3.0
    k3 = np.where(pos, 3.0, -3.0)
    k2 = np.where(pos, 2.0, -2.0)
    sd3 = lms_value(k3, li, mi, si)
    sd2 = lms_value(k2, li, mi, si)
    with np.errstate(all="ignore"):
        # z > 3:  SD3pos + (z - 3) * (SD3pos - SD2pos)
        # z < -3: SD3neg + (z + 3) * (SD2neg - SD3neg)
        step = np.where(pos, sd3 - sd2, sd2 - sd3)
        y[idx] = sd3 + (zi - k3) * step
    return y


def round_r(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Round to 2 decimals exactly like R >= 4.0.0's ``round(x, 2)``.

    Of the two 2-decimal candidates around ``|x|``, take the nearer one
    (distances measured in float64); on an exact tie take the one whose
    hundredths digit is even.  Non-finite values pass through, and -0.0
    becomes 0.0.

    >>> round_r(np.array([0.615, 2.675, -6.004, 0.125, -0.001]))
    array([ 0.62,  2.67, -6.  ,  0.12,  0.  ])
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        a = np.abs(x)
        x10 = a * 100.0
        i10 = np.floor(x10)
        xu = np.ceil(x10)
        xu /= 100.0
        xd = i10 / 100.0
        du = xu - a
        dd = a - xd
        up = du < dd
        tie = du == dd
        if tie.any():  # rare: decide exact ties by the parity of the hundredths
            t = np.flatnonzero(tie)
            up[t] = np.fmod(i10[t], 2.0) == 1.0
        r = np.where(up, xu, xd)
    r = np.copysign(r, x, out=r if out is None else out)
    r += 0.0
    return r


#: Flag thresholds as (lower, upper): flag = z < lower or z > upper.
FLAG_LIMITS = {
    "zlen": (-6.0, 6.0),
    "zwei": (-6.0, 5.0),
    "zwfl": (-5.0, 5.0),
    "zbmi": (-5.0, 5.0),
    "zhc": (-5.0, 5.0),
    "zac": (-5.0, 5.0),
    "zts": (-5.0, 5.0),
    "zss": (-5.0, 5.0),
    "zhfa": (-6.0, 6.0),
    "zwfa": (-6.0, 5.0),
    "zbfa": (-5.0, 5.0),
}


def flag_array(z: np.ndarray, indicator: str) -> np.ndarray:
    """1.0 where z is implausible for ``indicator``, 0.0 where not, NaN where z is NaN."""
    lower, upper = FLAG_LIMITS[indicator]
    with np.errstate(invalid="ignore"):
        f = ((z < lower) | (z > upper)).astype(np.float64)
    f[np.isnan(z)] = np.nan
    return f
