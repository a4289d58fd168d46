"""WHO Child Growth Standards 2006: weight-for-length/height (``zwfl``).

Follows ``anthro:R/z-score-weight-for-lenhei.R`` (ALGORITHM.md §4): the table
(length 45-110 cm or height 65-120 cm) is chosen by age, then by measure,
then by ``clenhei < 87``; L, M, S are interpolated between the 0.1 cm rows
with R's float arithmetic, including ``upp = trunc(x*10 + 1)/10``.
"""

from __future__ import annotations

import functools

import numpy as np

from ._inputs import Inputs, _check_inputs
from ._lms import round_r, zscore_interpolated
from ._who_tables import get_table
from .growth_standards import adjust_lenhei

WIDTH = 1202  # keys 0..1201 mm/10 per sex
WFH_OFFSET = 3 * WIDTH
LENGTH_RANGE = (45.0, 110.0)  # cm, the weight-for-length table
HEIGHT_RANGE = (65.0, 120.0)  # cm, the weight-for-height table


@functools.lru_cache(maxsize=1)
def _combined() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WFL then WFH then one NaN sentinel, so one gather serves both tables."""
    wfl, wfh = get_table("wfl"), get_table("wfh")
    return tuple(
        np.concatenate([getattr(wfl, p)[:-1], getattr(wfh, p)[:-1], [np.nan]]) for p in "lms"
    )


def lenhei_lms(
    sex: np.ndarray, clen: np.ndarray, use_wfl, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, M, S at length/height ``clen`` (cm), interpolated between 0.1 cm rows as R does.

    ``use_wfl`` picks the weight-for-length table (else weight-for-height) per row or for
    all; rows that are not ``valid`` get NaN.
    """
    sentinel = 2 * WFH_OFFSET
    with np.errstate(invalid="ignore"):
        x10 = clen * 10.0
        low_k = np.trunc(x10)
        upp_k = np.trunc(x10 + 1.0)
        diff = (clen - low_k / 10.0) / 0.1
    base = np.where(use_wfl, 0, WFH_OFFSET) + np.where(valid, sex, 0.0) * WIDTH
    i_low = np.where(valid, base + low_k, sentinel).astype(np.intp)
    i_upp = np.where(valid, base + np.minimum(upp_k, WIDTH - 1), sentinel).astype(np.intp)
    interp = diff > 0.0
    params = []
    for arr in _combined():
        p_low = arr.take(i_low)
        p_upp = arr.take(i_upp)
        params.append(np.where(interp, p_low + diff * (p_upp - p_low), p_low))
    lp, mp, sp = params
    return lp, mp, sp


def _zwfl(inp: Inputs, clen: np.ndarray, cmeasure: np.ndarray) -> np.ndarray:
    ar = inp.age_rounded
    with np.errstate(invalid="ignore"):
        age_known = ~np.isnan(ar)
        use_wfl = np.where(
            age_known, ar < 731.0, np.where(cmeasure != 0, cmeasure == 1, clen < 87.0)
        )
        (l_low, l_high), (h_low, h_high) = LENGTH_RANGE, HEIGHT_RANGE
        in_range = np.where(
            use_wfl, (clen >= l_low) & (clen <= l_high), (clen >= h_low) & (clen <= h_high)
        )
        # Age may be missing (then zwfl is still computed); when known it must
        # be at most 1856 days and under 60 months.  An invalid age or measure
        # is not a missing one: the table cannot be chosen.
        valid = inp.sex_known & in_range & ~inp.weight_excluded
        valid &= ~inp.invalid("age_days", "measure") & ~(ar > 1856.0) & ~(inp.age_months >= 60.0)
    lp, mp, sp = lenhei_lms(inp.sex, clen, use_wfl, valid)
    return zscore_interpolated(inp.weight, lp, mp, sp, restricted=True)  # wfl and wfh both are


def zwfl(
    sex, age_days, weight, lenhei, measure=None, oedema=None, *, rounded: bool = True
) -> np.ndarray:
    """Weight-for-length/height z-score (restricted LMS; WHO 2006).

    Parameters
    ----------
    sex : array_like
        1/2, "m"/"f", "L"/"P".
    age_days : array_like of float or None
        Age in days; chooses the table (under 731 days: length). When
        missing (NaN or None), zwfl is still computed.
    weight : array_like of float
        Weight in kg. Weight 0 gives a finite, very negative z (as in R).
    lenhei : array_like of float
        Length/height in cm, adjusted by ±0.7 cm when age and measure are known.
    measure : array_like of str, optional
        ``"l"``/``"h"``; chooses the table only when the age is missing.
    oedema : array_like, optional
        Oedema "y" gives NaN.
    rounded : bool, default True
        Round to 2 decimals like R.

    Returns
    -------
    ndarray of float64
        NaN where not computable, e.g. length outside 45-110 cm (length
        table) or height outside 65-120 cm (height table).

    Examples
    --------
    A boy aged 1367 days, 16 kg, measured lying at 103.1 cm (102.4 cm after
    the -0.7 cm adjustment; R's float quirk interpolates towards 102.5 cm):

    >>> zwfl(1, 1367, 16.0, [103.1, 102.4], ["l", "h"])
    array([-0.06, -0.04])
    >>> zwfl(1, None, 0.0, 60.0)  # weight 0 at 60 cm, age unknown
    array([-15.37])
    """
    inp = _check_inputs(
        sex=sex, age_days=age_days, weight=weight, lenhei=lenhei, measure=measure, oedema=oedema
    )
    clen, cmeasure, _ = adjust_lenhei(inp)
    z = _zwfl(inp, clen, cmeasure)
    return round_r(z, out=z) if rounded else z
