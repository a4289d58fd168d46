"""Everything for a table of measurements in one call, and a scalar form helper."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ._input_errors import error_messages
from ._inputs import Inputs, _check_inputs
from ._lms import flag_array, round_r
from .categories import CATEGORY_LABELS, categorize
from .growth_reference import _zbfa, _zhfa, _zwfa
from .growth_standards import (
    _without_oedema,
    _zac,
    _zbmi,
    _zhc,
    _zlen,
    _zss,
    _zts,
    _zwei,
    adjust_lenhei,
    age_index,
    bmi,
)
from .weight_for_lenhei import _zwfl

INPUT_COLUMNS = (
    "sex",
    "age_days",
    "weight",
    "lenhei",
    "measure",
    "oedema",
    "headc",
    "armc",
    "triskin",
    "subskin",
)
ZSCORES = ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac", "zts", "zss", "zhfa", "zwfa", "zbfa")
FLAGS = {z: "f" + z[1:] for z in ZSCORES}
#: category column -> (kind, z-score it is computed from)
CATEGORIES = {
    "cat_bbu": ("bbu", "zwei"),
    "cat_tbu": ("tbu", "zlen"),
    "cat_bbtb": ("bbtb", "zwfl"),
    "cat_imtu": ("imtu", "zbmi"),
    "cat_imtu_5_18": ("imtu_5_18", "zbfa"),
}
OUTPUT_COLUMNS = (
    "clenhei",
    "cmeasure",
    "c9mo_flag",
    "cbmi",
    *tuple(c for z in ZSCORES for c in (z, FLAGS[z])),
    *tuple(CATEGORIES),
    "error",
)
BLOCK_ROWS = 1 << 15  # small enough for the temporaries to stay in cache

_CMEASURE_TEXT = np.array(["", "l", "h"])


def _columns(data) -> dict:
    """Input columns of a mapping or a pandas DataFrame (pandas is not imported)."""
    if hasattr(data, "columns") and hasattr(data, "iloc"):
        present = set(data.columns)
        return {c: data[c] for c in INPUT_COLUMNS if c in present}
    if isinstance(data, Mapping):
        return {c: data[c] for c in INPUT_COLUMNS if c in data}
    raise TypeError("data must be a mapping of column name to array, or a pandas DataFrame")


def _compute_block(inp: Inputs, out: dict, start: int, rounded: bool, subset) -> None:
    stop = start + inp.n
    clen, cmeasure, c9mo = adjust_lenhei(inp)
    cbmi = bmi(inp.weight, clen)
    out["clenhei"][start:stop] = clen
    out["cmeasure"][start:stop] = _CMEASURE_TEXT[cmeasure]
    out["c9mo_flag"][start:stop] = c9mo
    out["cbmi"][start:stop] = cbmi
    index = age_index(inp)
    index_no_oedema = _without_oedema(index, inp)
    kernels = {
        "zlen": lambda: _zlen(inp, index, clen),
        "zwei": lambda: _zwei(inp, index, index_no_oedema),
        "zwfl": lambda: _zwfl(inp, clen, cmeasure),
        "zbmi": lambda: _zbmi(inp, index_no_oedema, cbmi),
        "zhc": lambda: _zhc(inp, index),
        "zac": lambda: _zac(inp, index),
        "zts": lambda: _zts(inp, index),
        "zss": lambda: _zss(inp, index),
        "zhfa": lambda: _zhfa(inp),
        "zwfa": lambda: _zwfa(inp),
        "zbfa": lambda: _zbfa(inp),
    }
    for name in subset:
        z = kernels[name]()
        if rounded:
            round_r(z, out=z)
        out[name][start:stop] = z
        out[FLAGS[name]][start:stop] = flag_array(z, name)
    for column, (kind, zname) in CATEGORIES.items():
        if zname in subset:
            out[column][start:stop] = categorize(out[zname][start:stop], kind)


def anthro_zscores(data, *, rounded: bool = True, indicators=None) -> dict[str, np.ndarray]:
    """Compute every z-score, flag and category for a table of children.

    Parameters
    ----------
    data : mapping or pandas.DataFrame
        Columns (any may be absent): ``sex`` (1/2, m/f, L/P), ``age_days``
        (fractional allowed), ``weight`` (kg), ``lenhei`` (cm), ``measure``
        (l/h), ``oedema`` (y/n or 1/2; missing = n), ``headc`` (cm),
        ``armc`` (cm), ``triskin`` (mm), ``subskin`` (mm).  Scalars are
        broadcast.
    rounded : bool, default True
        Round z-scores to 2 decimals like R's ``round(x, 2)`` before the
        flags and categories are evaluated; ``False`` keeps full precision
        (flags and categories then use the unrounded values).
    indicators : sequence of str, optional
        Compute only these z-scores (e.g. ``("zlen", "zwei", "zwfl")``); the
        result then holds only their z-score, flag and category columns
        (plus ``clenhei``, ``cmeasure``, ``c9mo_flag``, ``cbmi``, ``error``).

    Returns
    -------
    dict of str to ndarray
        ``clenhei``, ``cmeasure`` ("l"/"h"/""), ``c9mo_flag``, ``cbmi``;
        z-scores ``zlen zwei zwfl zbmi zhc zac zts zss`` (0 to under 60
        months) and ``zhfa zwfa zbfa`` (60-228 months), each with its flag
        (``f...``: 1.0/0.0, NaN when the z-score is NaN); Permenkes 2/2020
        category codes ``cat_bbu cat_tbu cat_bbtb cat_imtu cat_imtu_5_18``
        (int8, -1 = none; labels in ``CATEGORY_LABELS``); and ``error``
        (object array, "" when the row is fine, else the reasons in
        Bahasa Indonesia).  An invalid input costs only the outputs that
        read it: a negative triceps skinfold makes ``zts`` NaN and names
        the skinfold in ``error``; the other z-scores are computed.

    Examples
    --------
    >>> out = anthro_zscores({
    ...     "sex": ["L", "P", "x"], "age_days": [400, 2500, 10],
    ...     "weight": [9.0, 20.0, 3.0], "lenhei": [75.0, 115.0, 50.0], "measure": "l",
    ... })
    >>> out["zwei"], out["zwfl"], out["zbfa"]
    (array([-0.87,   nan,   nan]), array([-0.66,   nan,   nan]), array([  nan, -0.16,   nan]))
    >>> out["cat_tbu"], out["error"][2]
    (array([ 3, -1, -1], dtype=int8), 'jenis kelamin tidak dikenal (isi 1/2, L/P atau m/f)')
    >>> out = anthro_zscores({"sex": 1, "age_days": 400, "weight": 9.0, "triskin": -0.4})
    >>> out["zwei"], out["zts"], out["error"]
    (array([-0.87]), array([nan]), array(['lipatan kulit trisep negatif'], dtype=object))
    """
    cols = _columns(data)
    inp = _check_inputs(**cols)
    n = inp.n
    subset = ZSCORES if indicators is None else tuple(indicators)
    unknown = set(subset) - set(ZSCORES)
    if unknown:
        raise ValueError(f"unknown indicators: {sorted(unknown)}")
    wanted = set(subset) | {FLAGS[z] for z in subset}
    wanted |= {c for c, (_, z) in CATEGORIES.items() if z in subset}
    out: dict[str, np.ndarray] = {}
    for name in OUTPUT_COLUMNS:
        if name == "cmeasure":
            out[name] = np.empty(n, dtype="<U1")
        elif name.startswith("cat_"):
            if name in wanted:
                out[name] = np.empty(n, dtype=np.int8)
        elif name in ("clenhei", "c9mo_flag", "cbmi") or name in wanted:
            out[name] = np.empty(n)
    for start in range(0, n, BLOCK_ROWS):
        block = inp.block(start, min(start + BLOCK_ROWS, n))
        _compute_block(block, out, start, rounded, subset)
    out["error"] = error_messages(inp.error)
    return out


def _py(value):
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def zscores_for_child(
    *,
    sex,
    age_days=None,
    weight=None,
    lenhei=None,
    measure=None,
    oedema=None,
    headc=None,
    armc=None,
    triskin=None,
    subskin=None,
    rounded: bool = True,
) -> dict:
    """Z-scores, flags and categories of one child, as plain Python values.

    For web forms: every value is a float, int, str or None (not computable).

    Returns
    -------
    dict
        Keys as :func:`anthro_zscores` (flags and ``c9mo_flag`` as 0/1 or
        None, ``cmeasure`` "l"/"h"/None, categories as int codes or None
        plus ``<cat>_label`` with the Indonesian label), and ``error``:
        None or the reasons an input was rejected (each costs only the
        outputs that read it).

    Examples
    --------
    >>> r = zscores_for_child(sex="P", age_days=700, weight=9.5, lenhei=80.0, measure="h")
    >>> r["clenhei"], r["zlen"], r["zwei"], r["zwfl"], r["fwfl"]
    (80.7, -1.52, -1.41, -0.84, 0)
    >>> r["cat_bbtb_label"], r["zhfa"], r["error"]
    ('Gizi baik', None, None)
    >>> zscores_for_child(sex="L", age_days=-3, weight=3.0)["error"]
    'umur negatif'
    >>> r = zscores_for_child(sex="P", age_days=700, weight=9.5, lenhei=80.0, measure="h",
    ...                       armc=-14.0)
    >>> r["zwfl"], r["zac"], r["error"]
    (-0.84, None, 'lingkar lengan atas negatif')
    """
    values = {
        "sex": sex,
        "age_days": age_days,
        "weight": weight,
        "lenhei": lenhei,
        "measure": measure,
        "oedema": oedema,
        "headc": headc,
        "armc": armc,
        "triskin": triskin,
        "subskin": subskin,
    }
    data = {k: np.array([np.nan if v is None else v]) for k, v in values.items()}
    for k in ("sex", "measure", "oedema"):
        data[k] = np.array([values[k]], dtype=object)
    out = anthro_zscores(data, rounded=rounded)
    result: dict = {}
    for name in OUTPUT_COLUMNS:
        v = out[name][0]
        if name == "cmeasure":
            result[name] = str(v) or None
        elif name == "error":
            result[name] = v or None
        elif name.startswith("cat_"):
            code = int(v)
            kind = CATEGORIES[name][0]
            result[name] = code if code > 0 else None
            result[name + "_label"] = CATEGORY_LABELS[kind].get(code)
        elif name in FLAGS.values() or name == "c9mo_flag":
            result[name] = None if math.isnan(v) else int(v)
        else:
            result[name] = _py(v)
    return result
