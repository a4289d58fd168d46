"""WHO Child Growth Standards 2006, age-based indicators (0 to under 60 months).

Length/height-for-age (``zlen``), weight-for-age (``zwei``), BMI-for-age
(``zbmi``), head circumference-for-age (``zhc``), arm circumference-for-age
(``zac``), triceps (``zts``) and subscapular (``zss``) skinfold-for-age, plus
the length/height adjustment (``clenhei``) they share with weight-for-length.
Behaviour follows WHO's ``anthro`` R package (ALGORITHM.md §2-3).
"""

from __future__ import annotations

import numpy as np

from ._inputs import Inputs, _check_inputs
from ._lms import round_r, zscore_from_table
from ._who_tables import RESTRICTED_TABLES, get_table

AGE_WIDTH = 1827  # days 0..1826 per sex in the 2006 tables
LAST_TABLE_DAY = 1826


def _finish(z: np.ndarray, rounded: bool) -> np.ndarray:
    return round_r(z, out=z) if rounded else z


def adjust_lenhei(inp: Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(clenhei, cmeasure, c9mo_flag)`` as the R code computes them.

    ``cmeasure`` is int8 (0 missing, 1 "l", 2 "h") after the under-9-months
    rule; ``c9mo_flag`` is float 0/1.  An invalid age or measure code makes all
    three unknown (NaN, 0, NaN): the ±0.7 cm adjustment cannot be chosen.
    """
    months = inp.age_months
    ar = inp.age_rounded
    with np.errstate(invalid="ignore"):
        standing_too_young = (inp.measure == 2) & (months < 9.0)
        cmeasure = np.where(standing_too_young, np.int8(0), inp.measure)
        plus = (ar < 731.0) & (cmeasure == 2)
        minus = (ar >= 731.0) & (cmeasure == 1)
    clen = inp.lenhei.copy()
    clen[plus] += 0.7
    clen[minus] -= 0.7
    c9mo = standing_too_young.astype(np.float64)
    bad = inp.invalid("age_days", "measure")
    clen[bad] = np.nan
    c9mo[bad] = np.nan
    cmeasure[bad] = 0
    return clen, cmeasure, c9mo


def bmi(weight: np.ndarray, lenhei_cm: np.ndarray) -> np.ndarray:
    """``weight / (lenhei/100)^2`` with R's arithmetic (``^2`` is ``x*x``)."""
    t = lenhei_cm / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return weight / (t * t)


def age_index(inp: Inputs) -> np.ndarray:
    """Flat table index ``sex*1827 + day`` of every row, or the NaN sentinel.

    A row gets the sentinel when it has no valid sex, no valid age, a rounded
    age past the tables (1826 days) or an unrounded age of 60 months or more.
    """
    ar = inp.age_rounded
    with np.errstate(invalid="ignore"):
        valid = inp.sex_known & (ar <= LAST_TABLE_DAY) & (inp.age_months < 60.0)
    sentinel = 3 * AGE_WIDTH
    return np.where(valid, inp.sex * AGE_WIDTH + ar, sentinel).astype(np.intp)


def _positive(y: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(y > 0.0, y, np.nan)


def age_lms(table: str, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, M, S of age-based ``table`` at the flat indices of :func:`age_index`."""
    t = get_table(table)
    return t.l.take(index), t.m.take(index), t.s.take(index)


def _age_z(table: str, y: np.ndarray, index: np.ndarray) -> np.ndarray:
    restricted = table in RESTRICTED_TABLES
    return zscore_from_table(get_table(table), index, _positive(y), restricted=restricted)


def _without_oedema(index: np.ndarray, inp: Inputs) -> np.ndarray:
    return np.where(inp.weight_excluded, 3 * AGE_WIDTH, index)


# Kernels on clean inputs; ``anthro_zscores`` (all_indicators.py) calls these block by block.
def _zlen(inp: Inputs, index: np.ndarray, clen: np.ndarray) -> np.ndarray:
    return _age_z("lhfa", clen, index)


def _zwei(inp: Inputs, index: np.ndarray, index_no_oedema: np.ndarray) -> np.ndarray:
    return _age_z("wfa", inp.weight, index_no_oedema)


def _zbmi(inp: Inputs, index_no_oedema: np.ndarray, cbmi: np.ndarray) -> np.ndarray:
    return _age_z("bmifa", cbmi, index_no_oedema)


def _zhc(inp: Inputs, index: np.ndarray) -> np.ndarray:
    return _age_z("hcfa", inp.headc, index)


def _zac(inp: Inputs, index: np.ndarray) -> np.ndarray:
    return _age_z("acfa", inp.armc, index)


def _zts(inp: Inputs, index: np.ndarray) -> np.ndarray:
    return _age_z("tsfa", inp.triskin, index)


def _zss(inp: Inputs, index: np.ndarray) -> np.ndarray:
    return _age_z("ssfa", inp.subskin, index)


def clenhei(age_days, lenhei, measure=None) -> np.ndarray:
    """Length/height adjusted to the position the 2006 tables expect (cm).

    Adds 0.7 cm to a height measured standing (``"h"``) before day 731 and
    subtracts 0.7 cm from a length measured lying (``"l"``) from day 731
    (age in days rounded half up).  A child under 9 months measured
    standing is implausible: the value is kept as given.

    Parameters
    ----------
    age_days : array_like of float
        Age in days (fractional allowed); NaN when unknown.
    lenhei : array_like of float
        Length or height in cm.
    measure : array_like of str, optional
        ``"l"`` (lying) or ``"h"`` (standing), any case.

    Returns
    -------
    ndarray of float64
        The adjusted length/height; NaN for rows with invalid input.

    Examples
    --------
    >>> clenhei([700, 800, 200, np.nan], [80.0, 90.0, 65.0, 70.0], ["h", "l", "h", "h"])
    array([80.7, 89.3, 65. , 70. ])
    """
    inp = _check_inputs(age_days=age_days, lenhei=lenhei, measure=measure)
    return adjust_lenhei(inp)[0]


def zlen(sex, age_days, lenhei, measure=None, *, rounded: bool = True) -> np.ndarray:
    """Length/height-for-age z-score (WHO 2006, 0 to under 60 months).

    Parameters
    ----------
    sex : array_like
        1/2, "m"/"f", "L"/"P" (laki-laki/perempuan); missing gives NaN.
    age_days : array_like of float
        Age in days; rounded half up for the table lookup.
    lenhei : array_like of float
        Length (lying) or height (standing) in cm; adjusted by ±0.7 cm to
        the position the table expects (see :func:`clenhei`).
    measure : array_like of str, optional
        ``"l"`` or ``"h"``.
    rounded : bool, default True
        Round to 2 decimals like R's ``round(x, 2)``.

    Returns
    -------
    ndarray of float64
        z-scores; NaN where not computable (age 60 months or more, missing
        or invalid input, length <= 0).

    Examples
    --------
    >>> zlen([1, 2], [0, 365], [49.8842, 70.0], ["l", "l"])
    array([ 0.  , -1.56])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, lenhei=lenhei, measure=measure)
    clen = adjust_lenhei(inp)[0]
    return _finish(_zlen(inp, age_index(inp), clen), rounded)


def zwei(sex, age_days, weight, oedema=None, *, rounded: bool = True) -> np.ndarray:
    """Weight-for-age z-score (restricted LMS; WHO 2006).

    Parameters
    ----------
    sex, age_days
        As for :func:`zlen`.
    weight : array_like of float
        Weight in kg; 0 or less gives NaN.
    oedema : array_like, optional
        ``"y"``/``"n"`` (or 1/2, True/False); oedema gives NaN.
    rounded : bool, default True
        Round to 2 decimals like R.

    Examples
    --------
    >>> zwei(1, [0, 0, 0], [3.3464, 1.0, 3.3464], ["n", "n", "y"])
    array([ 0.  , -5.85,   nan])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, weight=weight, oedema=oedema)
    index = age_index(inp)
    return _finish(_zwei(inp, index, _without_oedema(index, inp)), rounded)


def zbmi(
    sex, age_days, weight, lenhei, measure=None, oedema=None, *, rounded: bool = True
) -> np.ndarray:
    """BMI-for-age z-score (restricted LMS; BMI from the adjusted length).

    Examples
    --------
    >>> zbmi(1, 0, 3.3464, 50.0, "l")  # BMI 13.3856 vs M 13.4069
    array([-0.02])
    """
    inp = _check_inputs(
        sex=sex, age_days=age_days, weight=weight, lenhei=lenhei, measure=measure, oedema=oedema
    )
    clen = adjust_lenhei(inp)[0]
    index = _without_oedema(age_index(inp), inp)
    return _finish(_zbmi(inp, index, bmi(inp.weight, clen)), rounded)


def zhc(sex, age_days, headc, *, rounded: bool = True) -> np.ndarray:
    """Head circumference-for-age z-score (plain LMS; cm).

    Examples
    --------
    >>> zhc([1, 1], [0, 0], [34.4618, 34.4618 * (1 + 2 * 0.03686)])
    array([0., 2.])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, headc=headc)
    return _finish(_zhc(inp, age_index(inp)), rounded)


def zac(sex, age_days, armc, *, rounded: bool = True) -> np.ndarray:
    """Arm circumference-for-age z-score (restricted LMS; cm; from day 91).

    Examples
    --------
    >>> zac(1, [90, 91], 13.4779)
    array([nan,  0.])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, armc=armc)
    return _finish(_zac(inp, age_index(inp)), rounded)


def zts(sex, age_days, triskin, *, rounded: bool = True) -> np.ndarray:
    """Triceps skinfold-for-age z-score (restricted LMS; mm; from day 91).

    Examples
    --------
    >>> zts(1, 91, 9.7658)
    array([0.])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, triskin=triskin)
    return _finish(_zts(inp, age_index(inp)), rounded)


def zss(sex, age_days, subskin, *, rounded: bool = True) -> np.ndarray:
    """Subscapular skinfold-for-age z-score (restricted LMS; mm; from day 91).

    Examples
    --------
    >>> zss(1, 91, 7.692)
    array([0.])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, subskin=subskin)
    return _finish(_zss(inp, age_index(inp)), rounded)
