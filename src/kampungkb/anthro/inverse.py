"""The inverse of the z-scores: the measurement at a given z-score (``value_at_z``).

For reference curves (growth charts) and synthetic measurements (demo data).  L, M and S
are looked up exactly as the z-score functions look them up (age rounded half up for the
2006 tables, R's interpolation between 0.1 cm rows for weight-for-length/height, between
whole months for the 2007 tables), so the z-score of the value is the z-score asked for.
"""

from __future__ import annotations

import numpy as np

from ._inputs import Inputs, _check_inputs, _to_array, parse_numbers
from ._lms import lms_value, lms_value_restricted
from ._who_tables import RESTRICTED_TABLES
from .growth_reference import LAST_MONTH, month_lms, month_valid
from .growth_standards import age_index, age_lms
from .weight_for_lenhei import HEIGHT_RANGE, LENGTH_RANGE, lenhei_lms

#: table -> the argument that holds its key
_KEYS = {
    "wfa": "age_days",
    "lhfa": "age_days",
    "bmifa": "age_days",
    "hcfa": "age_days",
    "acfa": "age_days",
    "tsfa": "age_days",
    "ssfa": "age_days",
    "wfl": "lenhei",
    "wfh": "lenhei",
    **dict.fromkeys(LAST_MONTH, "age_days"),
}


def _check_value_at_z(table: str, *, sex, z, age_days, lenhei) -> tuple[Inputs, np.ndarray]:
    """Validate the arguments of :func:`value_at_z`; return clean inputs and z of one length."""
    if table not in _KEYS:
        raise ValueError(f"unknown table {table!r}; expected one of {sorted(_KEYS)}")
    key_field = _KEYS[table]
    other = "lenhei" if key_field == "age_days" else "age_days"
    given = {"age_days": age_days, "lenhei": lenhei}
    if given[key_field] is None or given[other] is not None:
        raise TypeError(f"value_at_z({table!r}) takes {key_field}, not {other}")
    key = given[key_field]
    z_values, _ = parse_numbers(z)  # a z that is not a number gives NaN, like a missing one
    if z_values.ndim > 1:
        raise ValueError(f"z must be one-dimensional, got shape {z_values.shape}")
    inp = _check_inputs(sex=sex, **{key_field: key})
    if z_values.ndim == 1 and z_values.size != inp.n:
        if np.ndim(_to_array(sex)) or np.ndim(_to_array(key)):
            raise ValueError(
                f"input arrays have different lengths: sex/{key_field}={inp.n}, z={z_values.size}"
            )
        n = z_values.size  # one child, many z-scores: repeat the scalars
        rows = {"sex": sex, key_field: key}
        inp = _check_inputs(**{k: np.broadcast_to(_to_array(v), (n,)) for k, v in rows.items()})
    return inp, np.ascontiguousarray(np.broadcast_to(z_values, (inp.n,)), dtype=np.float64)


def _lms_at(table: str, inp: Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if table in ("wfl", "wfh"):
        low, high = LENGTH_RANGE if table == "wfl" else HEIGHT_RANGE
        with np.errstate(invalid="ignore"):
            valid = inp.sex_known & (inp.lenhei >= low) & (inp.lenhei <= high)
        return lenhei_lms(inp.sex, inp.lenhei, table == "wfl", valid)
    if table in LAST_MONTH:
        return month_lms(table, inp.sex, inp.age_months, month_valid(table, inp))
    return age_lms(table, age_index(inp))


def value_at_z(
    table: str, *, sex, z, age_days=None, lenhei=None, restricted: bool = True
) -> np.ndarray:
    """Return the measurement at z-score ``z`` in a WHO table (the inverse LMS).

    Parameters
    ----------
    table : str
        WHO 2006 (0 to under 60 months, by age in days): ``"wfa"`` weight (kg),
        ``"lhfa"`` length under 731 days, height from 731 days (cm), ``"bmifa"`` BMI
        (kg/m²), ``"hcfa"`` head circumference (cm), ``"acfa"`` arm circumference (cm),
        ``"tsfa"``/``"ssfa"`` triceps/subscapular skinfold (mm; these three from day 91).
        WHO 2006 by length/height: ``"wfl"`` weight (kg) for length 45-110 cm, ``"wfh"``
        weight (kg) for height 65-120 cm.  WHO 2007 (by age in days, 60 to 228 months):
        ``"hfa2007"`` height (cm), ``"wfa2007"`` weight (kg, to 120 months), ``"bfa2007"``
        BMI (kg/m²).
    sex : array_like
        1/2, "m"/"f", "L"/"P" (laki-laki/perempuan); missing gives NaN.
    z : array_like of float
        z-scores (SD units), any value.
    age_days : array_like of float
        The key of the age-based tables: age in days, fractional allowed.  Rounded half
        up for the 2006 tables; divided by 30.4375 and interpolated between whole months
        for the 2007 tables.  Give it for every table but ``"wfl"``/``"wfh"``.
    lenhei : array_like of float
        The key of ``"wfl"``/``"wfh"``: length/height in cm as the table expects it
        (already adjusted for the measuring position), interpolated between 0.1 cm rows.
    restricted : bool, default True
        True: the exact inverse of the z-score functions.  The tables WHO scores with the
        restricted formula (all but ``"lhfa"``, ``"hcfa"``, ``"hfa2007"``) then give,
        beyond ±3 SD, the straight line ``SD3 + (z - 3) * (SD3 - SD2)`` (and its mirror
        image below -3), so that e.g. ``zwei`` of the value is ``z`` for every ``z``.
        False: the plain LMS curve ``M * (1 + L*S*z)^(1/L)`` for every ``z``, the smooth
        curve of WHO's own SD tables; beyond ±3 SD the engine's z-score of that value
        is not ``z`` for the restricted tables.  Within ±3 SD both are the same.

    Returns
    -------
    ndarray of float64
        The measurement in the table's unit.  NaN where not computable: sex or key
        missing or invalid (negative, not a number), key outside the table's range, ``z``
        missing, or no positive value at ``z`` (plain curve with ``1 + L*S*z <= 0``;
        restricted line far below -3 SD).  Values are never clamped.  Where |L| is below
        1e-6 the curve uses ``exp(log1p(L*S*z) / L)``, whose limit at L = 0 is
        ``M * exp(S*z)`` (the WHO tables have |L| >= 1e-4).

    Raises
    ------
    ValueError
        For an unknown table or arrays of different lengths.
    TypeError
        When the key argument does not fit the table (``lenhei`` for ``"wfa"``, say).

    Examples
    --------
    >>> value_at_z("wfa", sex=1, age_days=0, z=[-2, 0, 2]).round(4)
    array([2.4593, 3.3464, 4.4194])
    >>> value_at_z("wfl", sex="P", lenhei=[44.9, 45.05, 80.0], z=0).round(4)
    array([    nan,  2.4692, 10.0891])

    Beyond +3 SD the restricted tables follow WHO's straight line by default, and the
    z-score of the value gives ``z`` back:

    >>> from kampungkb.anthro import zwei
    >>> w = value_at_z("wfa", sex=1, age_days=0, z=4)
    >>> w.round(4), value_at_z("wfa", sex=1, age_days=0, z=4, restricted=False).round(4)
    (array([5.6419]), array([5.6945]))
    >>> zwei(1, 0, w, rounded=False).round(12)
    array([4.])
    """
    inp, zv = _check_value_at_z(table, sex=sex, z=z, age_days=age_days, lenhei=lenhei)
    lp, mp, sp = _lms_at(table, inp)
    if restricted and table in RESTRICTED_TABLES:
        y = lms_value_restricted(zv, lp, mp, sp)
    else:
        y = lms_value(zv, lp, mp, sp)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(y) & (y > 0.0), y, np.nan)
