"""WHO Growth Reference 2007 (5 to 19 years): ``zhfa``, ``zwfa``, ``zbfa``.

Follows WHO's ``anthroplus`` R package (ALGORITHM.md §5): the age in months
(``age_days / 30.4375``, unrounded) interpolates L, M, S linearly between
whole months; height is used as given (no ±0.7 cm adjustment); there is no
``<= 0`` guard.
"""

from __future__ import annotations

import numpy as np

from ._inputs import Inputs, _check_inputs
from ._lms import round_r, zscore_interpolated
from ._who_tables import RESTRICTED_TABLES, get_table
from .growth_standards import bmi

MONTH_WIDTH = 230  # months 0..229 per sex
FIRST_MONTH = 60.0
#: table -> last month with a z-score (the tables themselves go on to 229)
LAST_MONTH = {"hfa2007": 228.0, "wfa2007": 120.0, "bfa2007": 228.0}


def month_lms(
    table_name: str, sex: np.ndarray, months: np.ndarray, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, M, S at age ``months`` (unrounded), interpolated between whole months.

    Rows that are not ``valid`` get NaN.
    """
    table = get_table(table_name)
    low = np.trunc(months)
    upp = np.trunc(months + 1.0)
    diff = months - low
    base = np.where(valid, sex, 0.0) * MONTH_WIDTH
    i_low = np.where(valid, base + low, table.sentinel).astype(np.intp)
    i_upp = np.where(valid, base + upp, table.sentinel).astype(np.intp)
    interp = diff > 0.0
    params = []
    for arr in (table.l, table.m, table.s):
        p_low = arr.take(i_low)
        p_upp = arr.take(i_upp)
        params.append(np.where(interp, p_low + diff * (p_upp - p_low), p_low))
    lp, mp, sp = params
    return lp, mp, sp


def month_valid(table_name: str, inp: Inputs) -> np.ndarray:
    """Rows of ``inp`` whose age is inside the months ``table_name`` scores."""
    m = inp.age_months
    with np.errstate(invalid="ignore"):
        return inp.sex_known & (m >= FIRST_MONTH) & (m <= LAST_MONTH[table_name])


def _month_z(table_name: str, y: np.ndarray, inp: Inputs, *, oedema_na: bool) -> np.ndarray:
    valid = month_valid(table_name, inp)
    if oedema_na:
        valid &= ~inp.weight_excluded
    if not valid.any():  # e.g. a block of under-fives: nothing to compute
        return np.full(inp.n, np.nan)
    lp, mp, sp = month_lms(table_name, inp.sex, inp.age_months, valid)
    restricted = table_name in RESTRICTED_TABLES
    l_is_one = get_table(table_name).l_is_one
    return zscore_interpolated(y, lp, mp, sp, restricted=restricted, l_is_one=l_is_one)


def _zhfa(inp: Inputs) -> np.ndarray:
    return _month_z("hfa2007", inp.lenhei, inp, oedema_na=False)


def _zwfa(inp: Inputs) -> np.ndarray:
    return _month_z("wfa2007", inp.weight, inp, oedema_na=True)


def _zbfa(inp: Inputs) -> np.ndarray:
    return _month_z("bfa2007", bmi(inp.weight, inp.lenhei), inp, oedema_na=True)


def _finish(z: np.ndarray, rounded: bool) -> np.ndarray:
    return round_r(z, out=z) if rounded else z


def zhfa(sex, age_days, height, *, rounded: bool = True) -> np.ndarray:
    """Height-for-age z-score, WHO 2007 reference (60 to 228 months).

    Parameters
    ----------
    sex : array_like
        1/2, "m"/"f", "L"/"P".
    age_days : array_like of float
        Age in days, converted to months with ``/ 30.4375`` (unrounded).
    height : array_like of float
        Height in cm, used as given.
    rounded : bool, default True
        Round to 2 decimals like R.

    Returns
    -------
    ndarray of float64
        NaN outside 60-228 months or when not computable.

    Examples
    --------
    >>> zhfa(1, [60 * 30.4375, 59 * 30.4375], 109.7265)
    array([ 0., nan])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, lenhei=height)
    return _finish(_zhfa(inp), rounded)


def zwfa(sex, age_days, weight, oedema=None, *, rounded: bool = True) -> np.ndarray:
    """Weight-for-age z-score, WHO 2007 reference (60 to 120 months; restricted LMS).

    Examples
    --------
    >>> zwfa(1, [60 * 30.4375, 121 * 30.4375, 60 * 30.4375], 18.3328, ["n", "n", "y"])
    array([ 0., nan, nan])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, weight=weight, oedema=oedema)
    return _finish(_zwfa(inp), rounded)


def zbfa(sex, age_days, weight, height, oedema=None, *, rounded: bool = True) -> np.ndarray:
    """BMI-for-age z-score, WHO 2007 reference (60 to 228 months; restricted LMS).

    BMI is ``weight / (height/100)^2`` with the height as given.

    Examples
    --------
    >>> zbfa(2, 228 * 30.4375, 21.4269, 100.0)
    array([0.])
    """
    inp = _check_inputs(sex=sex, age_days=age_days, weight=weight, lenhei=height, oedema=oedema)
    return _finish(_zbfa(inp), rounded)
