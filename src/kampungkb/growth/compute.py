"""What is derived from a measurement when it is written: z-scores, flags, categories,
status booleans, BGM, and the posyandu growth code (N/T/O/B, 2T) from the KBM table.

One vectorised path serves a single form entry, an import of 100,000 rows and a recompute of
every stored row, so the three can never disagree.
"""

import math
from collections.abc import Iterable, Sequence

import numpy as np
from django.utils import timezone

from kampungkb import anthro
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
COMPUTED_FIELDS = (*ANTHRO_FIELDS, *CODE_FIELDS, "computed_at")


def _f(value) -> float:
    return math.nan if value is None else float(value)


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
) -> dict[str, np.ndarray]:
    """Run the engine on columns of stored values and derive the stored columns.

    ``method`` is PB/TB (blank when unknown); ``sex`` is L/P. Returns arrays keyed by the
    Measurement field names in ANTHRO_FIELDS (NaN / None where not computable).
    """
    n = len(age_days)
    measure = np.array(
        ["l" if m == "PB" else "h" if m == "TB" else "" for m in method], dtype=object
    )
    out = anthro.anthro_zscores(
        {
            "sex": np.asarray(sex, dtype=object),
            "age_days": np.asarray(age_days, dtype=float),
            "weight": np.fromiter((_f(v) for v in weight), float, n),
            "lenhei": np.fromiter((_f(v) for v in lenhei), float, n),
            "measure": measure,
            "oedema": np.array(["y" if o else "n" for o in oedema], dtype=object),
            "armc": np.fromiter((_f(v) for v in armc), float, n),
            "headc": np.fromiter((_f(v) for v in headc), float, n),
        },
        indicators=("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac"),
    )
    zlen, zwei, zwfl = out["zlen"], out["zwei"], out["zwfl"]
    # Status booleans use only plausible values: a flagged z-score says "check the
    # measurement", not "this child is stunted".
    ok_len = ~np.isnan(zlen) & (out["flen"] != 1)
    ok_wei = ~np.isnan(zwei) & (out["fwei"] != 1)
    ok_wfl = ~np.isnan(zwfl) & (out["fwfl"] != 1)

    def status(ok, condition):
        return np.where(ok, condition, None)

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
            "stunted": status(ok_len, zlen < -2),
            "severely_stunted": status(ok_len, zlen < -3),
            "wasted": status(ok_wfl, zwfl < -2),
            "severely_wasted": status(ok_wfl, zwfl < -3),
            "underweight": status(ok_wei, zwei < -2),
            "overweight": status(ok_wfl, zwfl > 2),
            # BGM, below the red line of the KMS chart, read as BB/U < -3 SD (an inferred
            # reading of the chart: a warning to confirm, not a diagnosis).
            "bgm": status(ok_wei, zwei < -3),
            "compute_error": out["error"],
        }
    return cols


_FLAGS = frozenset({"flen", "fwei", "fwfl", "fbmi", "fhc", "fac"})
_STATUS = frozenset(
    {"stunted", "severely_stunted", "wasted", "severely_wasted", "underweight", "overweight", "bgm"}
)


def _stored_column(field: str, values) -> list:
    """One engine column as the model field stores it (None for missing), vectorised."""
    if field == "compute_error":
        return [str(v) for v in values]
    if field == "umur_hari":
        return np.asarray(values, dtype=np.int64).tolist()
    if field in _FLAGS:  # 0/1, NaN when not computed
        values = np.asarray(values, dtype=float)
        out = (values != 0).astype(object)
        out[np.isnan(values)] = None
        return out.tolist()
    if field.startswith("cat_"):
        values = np.asarray(values)
        out = values.astype(np.int64).astype(object)
        out[values == anthro.NO_CATEGORY] = None
        return out.tolist()
    if field in _STATUS:  # bools, None when not computable
        values = np.asarray(values, dtype=object)
        out = values.astype(bool).astype(object)
        out[np.equal(values, None)] = None
        return out.tolist()
    values = np.asarray(values, dtype=float)  # floats: NaN and ±inf are not stored
    out = values.astype(object)
    out[~np.isfinite(values)] = None
    return out.tolist()


def stored_columns(cols: dict[str, np.ndarray]) -> dict[str, list]:
    """Convert the columns of ``anthro_columns`` to lists of what the model fields store:
    None for NaN/±inf and missing, bools for flags and statuses, ints for categories and
    ``umur_hari``, str for ``compute_error``, floats otherwise."""
    return {field: _stored_column(field, cols[field]) for field in ANTHRO_FIELDS}


def apply_anthro(measurements: Sequence, *, children: dict | None = None) -> None:
    """Fill the anthropometric fields of Measurement objects in place."""
    if not measurements:
        return
    child_of = (lambda m: children[m.child_id]) if children else (lambda m: m.child)
    kids = [child_of(m) for m in measurements]
    age = np.array(
        [(m.tanggal - c.tanggal_lahir).days for m, c in zip(measurements, kids, strict=True)]
    )
    cols = anthro_columns(
        sex=[c.jenis_kelamin for c in kids],
        age_days=age,
        weight=[m.berat for m in measurements],
        lenhei=[m.tinggi for m in measurements],
        method=[m.cara_ukur for m in measurements],
        oedema=[m.oedema for m in measurements],
        armc=[m.lila for m in measurements],
        headc=[m.lingkar_kepala for m in measurements],
    )
    values = stored_columns(cols)
    for m, *row in zip(measurements, *(values[f] for f in ANTHRO_FIELDS), strict=True):
        # Plain concrete fields: setting them is setting the instance dict (no descriptor
        # with a __set__), done here in one call per row instead of 28 setattr.
        m.__dict__.update(zip(ANTHRO_FIELDS, row, strict=True))


def default_kbm():
    """Return (KBMTable, KBMRule) for the default KBM table, or (None, None) if none is set."""
    from kampungkb.growth.models import KBMTable

    table = KBMTable.objects.filter(is_default=True).prefetch_related("entries").first()
    if table is None:
        return None, None
    entries = tuple(
        (e.umur_bulan_dari, e.umur_bulan_sampai, e.kbm_gram) for e in table.entries.all()
    )
    return table, KBMRule(entries=entries, scale_by_gap=table.scale_by_gap)


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
        np.fromiter((_f(m.berat) for m in measurements), float, n),
        rule,
    )
    for m, c, g, k, t in zip(
        measurements, code.tolist(), gain.tolist(), kbm.tolist(), two_t.tolist(), strict=True
    ):
        m.growth_code = c
        m.kenaikan_gram = g
        m.kbm_gram = k
        m.two_t = t
        m.kbm_table = table


def compute_child_series(measurements: Sequence, *, children: dict | None = None, kbm=None) -> None:
    """Compute everything for one child's measurements in date order, in place."""
    table, rule = kbm if kbm is not None else default_kbm()
    apply_anthro(measurements, children=children)
    apply_growth_codes(measurements, table=table, rule=rule)
    now = timezone.now()
    for m in measurements:
        m.computed_at = now


def by_child(measurements: Iterable) -> dict[int, list]:
    """Group Measurement objects by child, each list in date order."""
    groups: dict[int, list] = {}
    for m in sorted(measurements, key=lambda m: (m.child_id, m.tanggal)):
        groups.setdefault(m.child_id, []).append(m)
    return groups
