"""WHO implausibility flags."""

from __future__ import annotations

import numpy as np

from ._lms import FLAG_LIMITS, flag_array


def flag(z, indicator: str) -> np.ndarray:
    """WHO flag of z-scores of ``indicator`` ("zlen", "zwei", ..., "zbfa").

    1.0 where the z-score is implausible, 0.0 where not, NaN where z is NaN.
    The limits are strict: ``zlen``/``zhfa`` |z| > 6; ``zwei``/``zwfa``
    z < -6 or z > 5; every other indicator |z| > 5.  Pass the rounded
    z-scores (the default output) to flag like R.

    Examples
    --------
    >>> flag([-6.0, -6.01, 5.01, np.nan], "zwei")
    array([ 0.,  1.,  1., nan])
    """
    if indicator not in FLAG_LIMITS:
        raise ValueError(f"unknown indicator {indicator!r}; expected one of {sorted(FLAG_LIMITS)}")
    return flag_array(np.asarray(z, dtype=np.float64), indicator)
