"""What is derived from a measurement when it is written: z-scores, flags, categories,
status booleans, BGM, and the posyandu growth code (N/T/O/B, 2T) from the KBM table.

One vectorised path serves a single form entry, an import of 100,000 rows and a recompute of
every stored row, so the three can never disagree.
"""

import hashlib
import math
from collections.abc import Iterable, Sequence
from operator import attrgetter, itemgetter

import numpy as np
from django.utils import timezone

from kampungkb import anthro
from kampungkb.anthro.summaries import status_codes
from kampungkb.growth.rules import KBMRule, growth_codes_arrays

ANTHRO_FIELDS = (
    "umur_hari", "umur_bulan", "clenhei", "cbmi",
    "zlen", "zwei", "zwfl", "zbmi", "zhc", "zac",
    "flen", "fwei", "fwfl", "fbmi", "fhc", "fac",
    "cat_bbu", "cat_tbu", "cat_bbtb", "cat_imtu",
    "stunted", "severely_stunted", "wasted", "severely_wasted", "underweight", "overweight",
    "bgm", "compute_error",
)  # fmt: skip
CODE_FIELDS = ("growth_code", "kenaikan_gram", "kbm_gram", "two_t", "kbm_table")
#: The computed values a row's digest covers, in this order: everything computed per row
#: (the KBM table and the time of computing are the same for a whole recompute).
DIGEST_FIELDS = (*ANTHRO_FIELDS, "growth_code", "kenaikan_gram", "kbm_gram", "two_t")
COMPUTED_FIELDS = (*ANTHRO_FIELDS, *CODE_FIELDS, "computed_digest", "computed_at")


def _f(value) -> float:
    return math.nan if value is None else float(value)


def _floats(values) -> np.ndarray:
    """Numbers, Decimals or None (-> NaN) as a float array; numpy converts each value with
    ``float()``, as ``_f`` does, without a Python call per value."""
    return np.asarray(values, dtype=float)


def anthro_columns(
    *,
    sex: Sequence[str],
    age_days: np.ndarray,
    weight: Sequence,
    lenhei: Sequence,
    method: Sequence[str],
    oedema: Sequence[bool],
    armc: Sequence,
    headc: Sequence,
    needs_check: Sequence[bool] | None = None,
) -> dict[str, np.ndarray]:
    """Run the engine on columns of stored values and derive the stored columns.

    ``method`` is PB/TB (blank when unknown); ``sex`` is L/P; ``needs_check`` marks rows whose
    values wait to be checked (``growth.plausibility``): they get z-scores and flags but no
    status. Returns arrays keyed by the Measurement field names in ANTHRO_FIELDS (NaN / None
    where not computable).
    """
    # Fixed-width strings, not objects: the engine then reads them without a Python loop.
    measure = np.array(["l" if m == "PB" else "h" if m == "TB" else "" for m in method], "U1")
    out = anthro.anthro_zscores(
        {
            "sex": np.array(["" if s is None else s for s in sex], dtype=str),
            "age_days": np.asarray(age_days, dtype=float),
            "weight": _floats(weight),
            "lenhei": _floats(lenhei),
            "measure": measure,
            "oedema": np.array(["y" if o else "n" for o in oedema], "U1"),
            "armc": _floats(armc),
            "headc": _floats(headc),
        },
        indicators=("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac"),
    )
    zlen, zwei, zwfl = out["zlen"], out["zwei"], out["zwfl"]
    # Status booleans use only plausible values: a flagged z-score says "check the
    # measurement", not "this child is stunted". The rule is the one the national batch
    # uses too (anthro.summaries).
    codes = status_codes(out, needs_check, oedema=oedema)

    def status(name):
        return np.where(codes[name] < 0, None, codes[name] == 1)

    with np.errstate(invalid="ignore"):
        cols = {
            "umur_hari": np.asarray(age_days),
            "umur_bulan": np.asarray(age_days, dtype=float) / anthro.DAYS_PER_MONTH,
            "clenhei": out["clenhei"],
            "cbmi": out["cbmi"],
            **{k: out[k] for k in ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac")},
            **{k: out[k] for k in ("flen", "fwei", "fwfl", "fbmi", "fhc", "fac")},
            "cat_bbu": anthro.category_bbu(zwei),
            "cat_tbu": anthro.category_tbu(zlen),
            "cat_bbtb": anthro.category_bbtb(zwfl),
            "cat_imtu": anthro.category_imtu(out["zbmi"]),
            "stunted": status("stunted"),
            "severely_stunted": status("severely_stunted"),
            "wasted": status("wasted"),
            "severely_wasted": status("severely_wasted"),
            "underweight": status("underweight"),
            "overweight": status("overweight"),
            # BGM, below the red line of the KMS chart, read as BB/U < -3 SD (an inferred
            # reading of the chart: a warning to confirm, not a diagnosis).
            "bgm": status("bgm"),
            # An input the engine could not use, named; it costs only the z-scores that read
            # it. Forms and imports refuse impossible values before (services.LIMITS), so this
            # is mostly a measurement dated before a corrected birth date ("umur negatif").
            "compute_error": out["error"],
        }
    return cols


_FLAGS = frozenset({"flen", "fwei", "fwfl", "fbmi", "fhc", "fac"})
_STATUS = frozenset(
    {"stunted", "severely_stunted", "wasted", "severely_wasted", "underweight", "overweight", "bgm"}
)


def _stored_column(field: str, values, flag_type: type) -> list:
    """One engine column as the model field stores it (None for missing), vectorised."""
    if field == "compute_error":
        return [str(v) for v in values]
    if field == "umur_hari":
        return np.asarray(values, dtype=np.int64).tolist()
    if field in _FLAGS:  # 0/1, NaN when not computed
        values = np.asarray(values, dtype=float)
        out = (values != 0).astype(flag_type).astype(object)
        out[np.isnan(values)] = None
        return out.tolist()
    if field.startswith("cat_"):
        values = np.asarray(values)
        out = values.astype(np.int64).astype(object)
        out[values == anthro.NO_CATEGORY] = None
        return out.tolist()
    if field in _STATUS:  # bools, None when not computable
        values = np.asarray(values, dtype=object)
        out = values.astype(bool).astype(flag_type).astype(object)
        out[np.equal(values, None)] = None
        return out.tolist()
    values = np.asarray(values, dtype=float)  # floats: NaN and ±inf are not stored
    out = values.astype(object)
    out[~np.isfinite(values)] = None
    return out.tolist()


def stored_columns(cols: dict[str, np.ndarray], *, flags_as_ints: bool = False) -> dict[str, list]:
    """Convert the columns of ``anthro_columns`` to lists of what the model fields store:
    None for NaN/±inf and missing, bools for flags and statuses, ints for categories and
    ``umur_hari``, str for ``compute_error``, floats otherwise.

    With ``flags_as_ints`` flags and statuses are 0/1 instead of False/True, the same stored
    value: SQLite binds an int several times faster than a bool (which goes through the
    adapter lookup), and that is most of the cost of writing a recompute there."""
    flag_type = np.int64 if flags_as_ints else bool
    return {field: _stored_column(field, cols[field], flag_type) for field in ANTHRO_FIELDS}


_INPUTS = attrgetter(
    "berat", "tinggi", "cara_ukur", "oedema", "lila", "lingkar_kepala", "needs_check"
)


def apply_anthro(measurements: Sequence, *, children: dict | None = None) -> dict:
    """Fill the anthropometric fields of Measurement objects in place.

    Returns the columns read and computed, for a caller that goes on with them (an import's
    plausibility rules): the inputs ``weight``, ``lenhei`` (as read), ``method``,
    ``needs_check`` and ``age_days``, and the engine's columns (``anthro_columns``)."""
    if not measurements:
        return {}
    if children:
        kids = [children[m.child_id] for m in measurements]
    else:
        # The child its foreign key's descriptor gives: the cached one, read without a call
        # into the descriptor a row (an import's children are all cached, some unsaved).
        kids = [m._state.fields_cache.get("child") or m.child for m in measurements]
    age = np.array(
        [(m.tanggal - c.tanggal_lahir).days for m, c in zip(measurements, kids, strict=True)]
    )
    # The inputs in one pass over the rows (a tuple each), then as columns.
    weight, lenhei, method, oedema, armc, headc, needs_check = zip(
        *map(_INPUTS, measurements), strict=True
    )
    cols = anthro_columns(
        sex=[c.jenis_kelamin for c in kids],
        age_days=age,
        weight=weight,
        lenhei=lenhei,
        method=method,
        oedema=oedema,
        armc=armc,
        headc=headc,
        needs_check=needs_check,
    )
    values = stored_columns(cols)
    for m, *row in zip(measurements, *(values[f] for f in ANTHRO_FIELDS), strict=True):
        # Plain concrete fields: setting them is setting the instance dict (no descriptor
        # with a __set__), done here in one call per row instead of 28 setattr.
        m.__dict__.update(zip(ANTHRO_FIELDS, row, strict=True))
    inputs = {"weight": weight, "lenhei": lenhei, "method": method, "needs_check": needs_check}
    return {**cols, **inputs, "age_days": age}


_STRING_FIELDS = frozenset({"compute_error", "growth_code"})
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MISSING = np.uint64(0x7FF8DEADBEEF0001)  # a NaN no computation produces: None, NaN, ±inf


def _column_bits(field: str, values) -> np.ndarray:
    """A column as 64-bit words that are equal exactly when the stored values are equal."""
    if field in _STRING_FIELDS:  # each distinct text as 64 bits of its BLAKE2b hash
        words: dict[str, int] = {}
        for v in set(values):
            words[v] = int.from_bytes(hashlib.blake2b(v.encode(), digest_size=8).digest())
        return np.fromiter((words[v] for v in values), np.uint64, len(values))
    as_float = np.asarray(values, dtype=float) + 0.0  # None -> NaN, bools -> 0/1, -0.0 -> 0.0
    return np.where(np.isfinite(as_float), as_float.view(np.uint64), _MISSING)


def computed_digests(columns: dict[str, Sequence]) -> np.ndarray:
    """Return a 64-bit digest (as int64) per row of the computed values in ``columns``.

    ``columns`` maps every name in ``DIGEST_FIELDS`` to a column of values as stored (None for
    missing; numpy arrays with NaN do as well). A recompute compares the digest of what it
    computes with the digest stored with the row, instead of reading back and comparing 32
    columns, and writes only the rows that differ.

    Each value becomes a 64-bit word (a number its IEEE bits, a text 64 bits of its BLAKE2b
    hash), and the words are folded in with FNV-1a's step ``h = (h ^ word) * prime`` (mod
    2**64). Each step is a bijection of ``h`` for a given word and of the word for a given
    ``h``, so two rows that differ in a single number always get different digests; other
    differences collide with a chance of about 2**-64. The result depends on the values only
    (no Python hash seed), so it is the same in every process.

    >>> import numpy as np
    >>> cols = {f: [None, None] for f in DIGEST_FIELDS}
    >>> cols |= {"compute_error": ["", ""], "growth_code": ["B", "N"]}
    >>> a, b = computed_digests(cols)
    >>> bool(a != b)
    True
    >>> cols["zlen"] = np.array([np.nan, np.inf])  # the same as None when stored
    >>> bool(computed_digests(cols)[0] == a)
    True
    """
    digest = None
    with np.errstate(over="ignore"):
        for field in DIGEST_FIELDS:
            words = _column_bits(field, columns[field])
            if digest is None:
                digest = np.full(len(words), _FNV_OFFSET, dtype=np.uint64)
            digest = (digest ^ words) * _FNV_PRIME
    return digest.view(np.int64)


def _digest_values(measurements: Sequence):
    """Each measurement's ``DIGEST_FIELDS``: from its instance dict, where computing put them
    (a dict lookup each), or through its attributes if one is not there."""
    from_dict, from_attributes = itemgetter(*DIGEST_FIELDS), attrgetter(*DIGEST_FIELDS)
    for m in measurements:
        try:
            yield from_dict(m.__dict__)
        except KeyError:
            yield from_attributes(m)


def apply_digests(measurements: Sequence) -> None:
    """Set ``computed_digest`` on measurements whose computed fields are filled."""
    if not measurements:
        return
    # One tuple of the computed values per row, turned into columns: a lookup per value.
    values = _digest_values(measurements)
    columns = dict(zip(DIGEST_FIELDS, zip(*values, strict=True), strict=True))
    for m, digest in zip(measurements, computed_digests(columns).tolist(), strict=True):
        m.computed_digest = digest


def grading_weights(weight_kg: np.ndarray, *, fwei, needs_check) -> np.ndarray:
    """The weights the N/T/2T rule may use: NaN (not weighed, as far as grading goes) where the
    weight-for-age is WHO-flagged or the measurement waits to be checked, so that no code,
    gain or 2T comes from it nor from a comparison with it."""
    unusable = np.asarray(needs_check, dtype=bool) | np.equal(np.asarray(fwei, dtype=object), 1)
    return np.where(unusable, np.nan, np.asarray(weight_kg, dtype=float))


def apply_growth_codes(
    measurements: Sequence, *, table, rule: KBMRule | None, series: Sequence[int] | None = None
) -> None:
    """Set N/T/O/B, gain, KBM and 2T on measurements whose ``umur_hari`` is computed.

    ``measurements`` is one child's series in date order, or several series one after the
    other with ``series`` giving each measurement's series number (children may be unsaved,
    so their ids cannot tell the series apart).
    """
    n = len(measurements)
    if n == 0:
        return
    code, gain, kbm, two_t = growth_codes_arrays(
        np.zeros(n, dtype=np.int64) if series is None else np.asarray(series),
        np.fromiter((m.tanggal.year for m in measurements), np.int64, n),
        np.fromiter((m.tanggal.month for m in measurements), np.int64, n),
        np.fromiter((_f(m.umur_hari) for m in measurements), float, n),
        grading_weights(
            np.fromiter((_f(m.berat) for m in measurements), float, n),
            fwei=[m.fwei for m in measurements],
            needs_check=[m.needs_check for m in measurements],
        ),
        rule,
    )
    # ``kbm_table`` set as its descriptor sets it (the id, the object cached), without the
    # descriptor's checks per row; the other fields are plain values in the instance dict.
    table_id = None if table is None else table.pk
    for m, c, g, k, t in zip(
        measurements, code.tolist(), gain.tolist(), kbm.tolist(), two_t.tolist(), strict=True
    ):
        m.__dict__.update(
            growth_code=c, kenaikan_gram=g, kbm_gram=k, two_t=t, kbm_table_id=table_id
        )
        m._state.fields_cache["kbm_table"] = table


def compute_child_series(measurements: Sequence, *, kbm, children: dict | None = None) -> None:
    """Compute everything for one child's measurements in date order, in place, with ``kbm``
    a (KBMTable, KBMRule) pair (``kbm.selectors.default_kbm()``: this module reads nothing
    from the database, so that it can be imported without Django set up)."""
    table, rule = kbm
    apply_anthro(measurements, children=children)
    apply_growth_codes(measurements, table=table, rule=rule)
    apply_digests(measurements)
    now = timezone.now()
    for m in measurements:
        m.computed_at = now


def by_child(measurements: Iterable) -> dict[int, list]:
    """Group Measurement objects by child, each list in date order."""
    groups: dict[int, list] = {}
    for m in sorted(measurements, key=lambda m: (m.child_id, m.tanggal)):
        groups.setdefault(m.child_id, []).append(m)
    return groups
