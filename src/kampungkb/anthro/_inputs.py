"""Input validation and cleaning shared by every indicator.

``_check_inputs`` turns whatever the caller gave (numpy arrays, lists,
scalars, pandas Series, strings) into clean float64 arrays of one length and
a per-row error bitmask.  It never raises for bad *values*: an invalid input
(a negative age or measurement, a text that is not a number, an unknown code)
gets its error bit and costs only the outputs that read it.  A negative
triceps skinfold makes ``zts`` NaN and leaves the other indicators as they
are, as WHO's ``anthro`` does (ALGORITHM.md §3: ``y <= 0`` is NA for that
indicator only); an invalid sex costs every z-score, an invalid age every
indicator that reads the age (``zwfl`` included: a wrong age cannot choose
its table).  The R code aborts the whole call on a negative age or an unknown
code (ALGORITHM.md §7.11); a per-row reason is the useful policy for a batch.
It raises only for programming errors (arrays of different lengths).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._input_errors import (
    ERR_AGE_NEGATIVE,
    ERR_MEASURE,
    ERR_NEGATIVE,
    ERR_NOT_NUMBER,
    ERR_OEDEMA,
    ERR_SEX,
    FIELD_ERRORS,
    MEASUREMENTS,
)

DAYS_PER_MONTH = 30.4375  # 365.25 / 12, anthro's ANTHRO_DAYS_OF_MONTH

MISSING_TOKENS = frozenset({"", "na", "nan", "none", "null", "<na>"})
SEX_CODES = {
    "1": 1.0,
    "2": 2.0,
    "1.0": 1.0,
    "2.0": 2.0,
    "m": 1.0,
    "f": 2.0,
    "l": 1.0,  # laki-laki
    "p": 2.0,  # perempuan
    "male": 1.0,
    "female": 2.0,
    "laki-laki": 1.0,
    "perempuan": 2.0,
}
MEASURE_CODES = {"l": 1, "h": 2}  # 0 = missing
OEDEMA_CODES = {
    "y": True,
    "n": False,
    "1": True,
    "2": False,
    "1.0": True,
    "2.0": False,
    "true": True,
    "false": False,
}


def _is_frame_column(x) -> bool:
    return hasattr(x, "to_numpy") and not isinstance(x, np.ndarray)


def _to_array(x) -> np.ndarray:
    """numpy view of ``x``; pandas objects are converted without importing pandas."""
    if _is_frame_column(x):
        try:
            return x.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            return x.to_numpy(dtype=object)
    return np.asarray(x)


def _tokens(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique normalised (stripped, lower-cased) string tokens and the inverse index."""
    flat = arr.ravel()
    if flat.dtype.kind == "O":
        flat = np.array(
            ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in flat],
            dtype=str,
        )
    uniques, inverse = np.unique(flat, return_inverse=True)
    return np.char.lower(np.char.strip(uniques.astype(str))), inverse.reshape(arr.shape)


def parse_numbers(x) -> tuple[np.ndarray, np.ndarray]:
    """Float64 values of ``x`` and a mask of the entries that are not numbers.

    Missing values (None, NaN, "", "NA") become NaN.  A decimal comma is
    accepted ("12,5").  Non-finite numbers count as "not a number" and become
    NaN.  The mask is 0-d (``False``) when every entry is a number or missing.
    """
    if x is None:
        return np.full((), np.nan), np.zeros((), dtype=bool)
    arr = _to_array(x)
    if arr.dtype.kind in "fiub":
        values = arr.astype(np.float64, copy=False)
        bad = np.isinf(values)
        if not bad.any():
            return values, np.zeros((), dtype=bool)
    elif arr.dtype.kind == "O" and all(
        v is None or isinstance(v, (int, float, np.number)) for v in arr.ravel()
    ):
        values = np.array(
            [np.nan if v is None else float(v) for v in arr.ravel()], dtype=np.float64
        ).reshape(arr.shape)
        bad = np.isinf(values)
    else:
        uniques, inverse = _tokens(arr)
        parsed = np.empty(uniques.shape, dtype=np.float64)
        ubad = np.zeros(uniques.shape, dtype=bool)
        for i, tok in enumerate(uniques):
            if tok in MISSING_TOKENS:
                parsed[i] = np.nan
                continue
            try:
                parsed[i] = float(tok.replace(",", "."))
            except ValueError:
                parsed[i] = np.nan
                ubad[i] = True
            else:
                if not np.isfinite(parsed[i]):
                    parsed[i] = np.nan
                    ubad[i] = True
        values = parsed[inverse]
        bad = ubad[inverse]
    return np.where(bad, np.nan, values), bad


def parse_float(x, field: str) -> tuple[np.ndarray, np.ndarray]:
    """Float64 values of ``x`` and an error bitmask for the strings that are not numbers.

    As :func:`parse_numbers`, with the "not a number" bit of ``field`` as the mask.
    """
    values, bad = parse_numbers(x)
    return values, np.where(bad, ERR_NOT_NUMBER[field], 0).astype(np.int32)


def _parse_codes(x, table: dict, default, bit: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Map code values through ``table``; missing -> ``default``; unknown -> error bit."""
    if x is None:
        return np.full((), default, dtype=dtype), np.zeros((), dtype=np.int32)
    arr = _to_array(x)
    if arr.dtype.kind == "b":
        arr = np.where(arr, "1", "2")  # True/False: only meaningful for oedema
    elif arr.dtype.kind in "fiu":
        arr = arr.astype(np.float64)
        keys = np.where(np.isnan(arr), "", arr.astype(str))
        arr = keys
    if arr.dtype.kind == "U" and arr.dtype.itemsize == 4 and arr.ndim == 1:
        return _parse_codes_u1(arr, table, default, bit, dtype)
    uniques, inverse = _tokens(arr)
    mapped = np.empty(uniques.shape, dtype=dtype)
    ubad = np.zeros(uniques.shape, dtype=bool)
    for i, tok in enumerate(uniques):
        if tok in MISSING_TOKENS:
            mapped[i] = default
        elif tok in table:
            mapped[i] = table[tok]
        else:
            mapped[i] = default
            ubad[i] = True
    return mapped[inverse], np.where(ubad[inverse], bit, 0).astype(np.int32)


def _parse_codes_u1(arr: np.ndarray, table: dict, default, bit: int, dtype):
    """Fast path for one-character strings: a lookup table over code points."""
    points = np.ascontiguousarray(arr).view(np.uint32)
    values, bad = _code_point_table(table, default, dtype)
    slot = np.minimum(points, 128)
    return values[slot], np.where(bad[slot], bit, 0).astype(np.int32)


#: The code-point tables made so far, by the codes' table, default and dtype (a kader's save
#: parses a row or two: making the table cost a quarter of its z-scores' time).
_CODE_POINT_TABLES: dict[tuple, tuple] = {}


def _code_point_table(table: dict, default, dtype) -> tuple[np.ndarray, np.ndarray]:
    """The value and "not a code" flag of each ASCII code point (slot 128: anything else)
    under ``table``; made once per content of ``table`` (read-only arrays)."""
    key = (tuple(table.items()), repr(default), np.dtype(dtype).str)
    made = _CODE_POINT_TABLES.get(key)
    if made is None:
        values = np.full(129, default, dtype=dtype)
        bad = np.ones(129, dtype=bool)  # slot 128: anything outside ASCII
        for cp in range(128):
            tok = chr(cp).strip().lower() if cp else ""  # code point 0: empty string
            if tok in MISSING_TOKENS:
                bad[cp] = False
            elif tok in table:
                values[cp] = table[tok]
                bad[cp] = False
        values.flags.writeable = False
        bad.flags.writeable = False
        made = _CODE_POINT_TABLES[key] = (values, bad)
    return made


def parse_sex(x) -> tuple[np.ndarray, np.ndarray]:
    """Sex as 1.0 (male) / 2.0 (female) / NaN (missing) and an error bitmask."""
    if x is not None:
        arr = _to_array(x)
        if arr.dtype.kind in "fiu":  # fast path for numeric codes
            v = arr.astype(np.float64)
            ok = (v == 1.0) | (v == 2.0) | np.isnan(v)
            return np.where(ok, v, np.nan), np.where(ok, 0, ERR_SEX).astype(np.int32)
    return _parse_codes(x, SEX_CODES, np.nan, ERR_SEX, np.float64)


def parse_measure(x) -> tuple[np.ndarray, np.ndarray]:
    """Measure as int8 0 (missing) / 1 (l, lying) / 2 (h, standing) and an error bitmask."""
    if x is not None:
        arr = _to_array(x)
        if arr.dtype.kind in "iu" and arr.size and np.all((arr >= 0) & (arr <= 2)):
            return arr.astype(np.int8), np.zeros(arr.shape, dtype=np.int32)
    return _parse_codes(x, MEASURE_CODES, 0, ERR_MEASURE, np.int8)


def parse_oedema(x) -> tuple[np.ndarray, np.ndarray]:
    """Oedema as bool (True = "y") and an error bitmask; missing counts as "n"."""
    if x is not None:
        arr = _to_array(x)
        if arr.dtype.kind == "b":
            return arr.astype(bool), np.zeros(arr.shape, dtype=np.int32)
        if arr.dtype.kind in "fiu":
            v = arr.astype(np.float64)
            ok = (v == 1.0) | (v == 2.0) | np.isnan(v)
            return v == 1.0, np.where(ok, 0, ERR_OEDEMA).astype(np.int32)
    return _parse_codes(x, OEDEMA_CODES, False, ERR_OEDEMA, bool)


@dataclass
class Inputs:
    """Clean, equal-length inputs of one batch (see ``_check_inputs``)."""

    # An invalid number is NaN here, an invalid code its "missing" value; ``invalid`` tells
    # the two apart where missing and invalid must be treated differently.
    n: int
    sex: np.ndarray  # float64 1/2/NaN (NaN when missing or invalid)
    age_days: np.ndarray  # float64 unrounded days, NaN when missing or invalid
    age_rounded: np.ndarray  # float64 whole days (round half up), NaN when missing
    age_months: np.ndarray  # float64 age_days / 30.4375, unrounded
    measure: np.ndarray  # int8 0 missing / 1 l / 2 h, as given (before the 9-month rule)
    oedema: np.ndarray  # bool
    weight: np.ndarray
    lenhei: np.ndarray
    headc: np.ndarray
    armc: np.ndarray
    triskin: np.ndarray
    subskin: np.ndarray
    error: np.ndarray  # int32 bitmask, 0 when the row is fine

    def block(self, start: int, stop: int) -> Inputs:
        """The rows ``start:stop`` as a new ``Inputs`` (views, no copies)."""
        fields = {
            name: (value[start:stop] if isinstance(value, np.ndarray) else value)
            for name, value in self.__dict__.items()
        }
        fields["n"] = fields["sex"].size
        return Inputs(**fields)

    @property
    def sex_known(self) -> np.ndarray:
        """Rows with a valid sex: every z-score needs it."""
        return ~np.isnan(self.sex)

    def invalid(self, *fields: str) -> np.ndarray:
        """Rows where any of ``fields`` was given but cannot be used (``FIELD_ERRORS``)."""
        bits = 0
        for name in fields:
            bits |= FIELD_ERRORS[name]
        return (self.error & bits) != 0

    @property
    def weight_excluded(self) -> np.ndarray:
        """Rows whose weight-based z-scores are not computed: oedema (the weight holds
        fluid), or an oedema code that cannot be read (it may be oedema)."""
        return self.oedema | self.invalid("oedema")


def round_half_up(x: np.ndarray) -> np.ndarray:
    """anthro's ``round_up``: ``floor(x) + (x - floor(x) >= 0.5)``.

    >>> round_half_up(np.array([730.5, 1826.25, 0.49, 2.5]))
    array([ 731., 1826.,    0.,    3.])
    """
    f = np.floor(x)
    with np.errstate(invalid="ignore"):
        return f + ((x - f) >= 0.5)


def _check_inputs(
    *,
    sex=None,
    age_days=None,
    weight=None,
    lenhei=None,
    measure=None,
    oedema=None,
    headc=None,
    armc=None,
    triskin=None,
    subskin=None,
) -> Inputs:
    """Validate and clean raw inputs; broadcast scalars to the common length."""
    parsed = {
        "sex": parse_sex(sex),
        "measure": parse_measure(measure),
        "oedema": parse_oedema(oedema),
        "age_days": parse_float(age_days, "age_days"),
    }
    raw = {"weight": weight, "lenhei": lenhei, "headc": headc, "armc": armc}
    raw.update(triskin=triskin, subskin=subskin)
    for name, value in raw.items():
        parsed[name] = parse_float(value, name)

    lengths = {k: v[0].size for k, v in parsed.items() if v[0].ndim > 0}
    for k, v in parsed.items():
        if v[0].ndim > 1:
            raise ValueError(f"{k} must be one-dimensional, got shape {v[0].shape}")
    sizes = set(lengths.values())
    if len(sizes) > 1:
        detail = ", ".join(f"{k}={n}" for k, n in lengths.items())
        raise ValueError(f"input arrays have different lengths: {detail}")
    n = sizes.pop() if sizes else 1

    def full(arr: np.ndarray) -> np.ndarray:
        return np.broadcast_to(arr, (n,)) if arr.ndim == 0 or arr.size != n else arr

    error = np.zeros(n, dtype=np.int32)
    for _values, bits in parsed.values():
        error |= full(bits)

    # A negative value is not a measurement: it becomes NaN (with its reason), so that it
    # costs only the outputs that read it.
    age = np.ascontiguousarray(full(parsed["age_days"][0]), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        negative = age < 0
    if negative.any():
        error[negative] |= ERR_AGE_NEGATIVE
        age = np.where(negative, np.nan, age)
    clean = {}
    for name in MEASUREMENTS:
        v = np.ascontiguousarray(full(parsed[name][0]), dtype=np.float64)
        with np.errstate(invalid="ignore"):
            negative = v < 0
        if negative.any():
            error[negative] |= ERR_NEGATIVE[name]
            v = np.where(negative, np.nan, v)
        clean[name] = v

    sex_v = np.array(full(parsed["sex"][0]), dtype=np.float64)  # NaN for an invalid code
    age_rounded = round_half_up(age)
    return Inputs(
        n=n,
        sex=sex_v,
        age_days=age,
        age_rounded=age_rounded,
        age_months=age / DAYS_PER_MONTH,
        measure=np.ascontiguousarray(full(parsed["measure"][0]), dtype=np.int8),
        oedema=np.ascontiguousarray(full(parsed["oedema"][0]), dtype=bool),
        error=error,
        **clean,
    )
