"""The counting rules of the prevalence summaries, shared by the web and the batch.

The web summaries (``analytics.cube``, over stored measurements) and the national batch
(``kampungkb batch prevalence``, over e-PPGBM exports on Dask) both count with these
functions, so the two cannot disagree on who counts:

- a measurement's status for an indicator (stunted, wasted, ...) is known only when its
  z-score is computable, not WHO-flagged and the measurement does not wait to be checked;
  a child with oedema counts as below -3 SD for weight-for-age and weight-for-height (WHO's
  ``anthro_prevalence``: wasted, severely wasted, underweight, not overweight), whatever
  its weight (:func:`status_codes`);
- a measurement counts for an indicator in a period when its status is known, the
  indicator's flag is not set, it is not waiting to be checked and the child is under five
  (``age_days`` <= 1826, as ``anthro_prevalence`` keeps them, or unknown)
  (:func:`counted`, :func:`in_scope`);
- each child counts once per period: its latest counted measurement there
  (:func:`latest_counts`, over rows sorted by child, then date, then a fixed tie-break);
- proportions come with a Wilson score interval (:func:`rates`).

Plain numpy, no Django.
"""

from __future__ import annotations

import numpy as np

from .prevalence import wilson_interval

#: Children count while under five at the measurement: age in days up to this one (WHO's
#: ``anthro_prevalence`` drops only ages over 1826 days; 1826 is 59.99 months), or unknown.
UNDER_FIVE_DAYS = 1826

#: indicator -> (its status, the WHO flag of the z-score it comes from)
INDICATORS: dict[str, tuple[str, str]] = {
    "stunting": ("stunted", "flen"),
    "severe_stunting": ("severely_stunted", "flen"),
    "wasting": ("wasted", "fwfl"),
    "severe_wasting": ("severely_wasted", "fwfl"),
    "underweight": ("underweight", "fwei"),
    "overweight": ("overweight", "fwfl"),
}
#: status -> (z-score, its flag, "<" or ">", threshold)
STATUS_RULES: dict[str, tuple[str, str, str, float]] = {
    "stunted": ("zlen", "flen", "<", -2.0),
    "severely_stunted": ("zlen", "flen", "<", -3.0),
    "wasted": ("zwfl", "fwfl", "<", -2.0),
    "severely_wasted": ("zwfl", "fwfl", "<", -3.0),
    "underweight": ("zwei", "fwei", "<", -2.0),
    "overweight": ("zwfl", "fwfl", ">", 2.0),
    # BGM, below the red line of the KMS chart, read as BB/U < -3 SD.
    "bgm": ("zwei", "fwei", "<", -3.0),
}
UNKNOWN = -1


#: The z-scores that a child's oedema stands in for (at -3.1, as ``anthro_prevalence`` does):
#: the engine leaves them NaN, since oedema makes the weight say nothing of nutrition.
OEDEMA_AUX_Z = -3.1
_OEDEMA_ZSCORES = frozenset({"zwei", "zwfl"})


def status_codes(out: dict, needs_check=None, oedema=None) -> dict[str, np.ndarray]:
    """Each status of :data:`STATUS_RULES` as int8: 1 yes, 0 no, -1 unknown.

    ``out`` holds the engine's z-scores and flags (``anthro_zscores``); a status is unknown
    where its z-score is NaN or flagged, or where ``needs_check`` is true (a flagged z-score
    says "check the measurement", not "this child is stunted"). Where ``oedema`` is true, the
    statuses read from weight-for-age and weight-for-height are those of a z-score of -3.1
    (WHO's ``anthro_prevalence``): wasted, severely wasted, underweight and BGM, not
    overweight, even without a weight; length-for-age is read as it is.

    >>> out = {"zlen": np.array([-2.5, -2.5, np.nan]), "flen": np.array([0.0, 1.0, np.nan])}
    >>> out |= {k: np.zeros(3) for k in ("zwei", "zwfl", "fwei", "fwfl")}
    >>> status_codes(out)["stunted"].tolist()
    [1, -1, -1]
    >>> out |= {"zwfl": np.array([0.5, np.nan, np.nan]), "fwfl": np.array([0.0, np.nan, np.nan])}
    >>> codes = status_codes(out, oedema=np.array([False, True, True]))
    >>> codes["severely_wasted"].tolist(), codes["overweight"].tolist()
    ([0, 1, 1], [0, 0, 0])
    """
    unchecked = None if needs_check is None else np.asarray(needs_check, dtype=bool)
    swollen = None if oedema is None else np.asarray(oedema, dtype=bool)
    codes = {}
    with np.errstate(invalid="ignore"):
        for status, (z_name, flag_name, op, threshold) in STATUS_RULES.items():
            z = np.asarray(out[z_name], dtype=np.float64)
            ok = ~np.isnan(z) & (np.asarray(out[flag_name], dtype=np.float64) != 1)
            if swollen is not None and z_name in _OEDEMA_ZSCORES and swollen.any():
                z = np.where(swollen, OEDEMA_AUX_Z, z)
                ok |= swollen
            if unchecked is not None:
                ok &= ~unchecked
            yes = z < threshold if op == "<" else z > threshold
            codes[status] = np.where(ok, yes.astype(np.int8), np.int8(UNKNOWN)).astype(np.int8)
    return codes


def counted(status, flag, needs_check) -> np.ndarray:
    """Rows whose measurement counts for an indicator: status known, flag not set, not
    waiting to be checked (age and period are the caller's: see :func:`in_scope`)."""
    return (np.asarray(status) >= 0) & (np.asarray(flag) != 1) & ~np.asarray(needs_check, bool)


def in_scope(period, age_days) -> np.ndarray:
    """Rows in a period (index >= 0) of a child under five (or of unknown age, given as -1).

    >>> in_scope(np.array([0, 0, 0, -1]), np.array([1826, 1827, -1, 30])).tolist()
    [True, False, True, False]
    """
    return (np.asarray(period) >= 0) & (np.asarray(age_days) <= UNDER_FIVE_DAYS)


def run_ends(child: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Mask of the last row of each run of equal (child, period) in sorted arrays."""
    last = np.ones(child.size, dtype=bool)
    if child.size > 1:
        last[:-1] = (child[1:] != child[:-1]) | (period[1:] != period[:-1])
    return last


def latest_counts(
    mask, *, child, group, period, n_groups: int, n_periods: int, weights=None
) -> np.ndarray:
    """Count each child once per period, by its latest row of ``mask``: groups x periods.

    The rows must be sorted by child, then date (then a fixed tie-break), so that within
    any subset the last row of a run of (child, period) is the child's latest there.
    ``weights`` (e.g. 1 for a case) are summed instead of counting 1 per child.

    >>> child = np.array([7, 7, 8]); period = np.array([0, 0, 0]); group = np.array([0, 0, 1])
    >>> latest_counts(np.ones(3, bool), child=child, group=group, period=period,
    ...               n_groups=2, n_periods=1, weights=np.array([1, 0, 1])).tolist()
    [[0.0], [1.0]]
    """
    idx = np.flatnonzero(mask)
    idx = idx[run_ends(child[idx], period[idx])]
    key = group[idx] * n_periods + period[idx]
    w = None if weights is None else np.asarray(weights)[idx].astype(np.float64)
    counts = np.bincount(key, weights=w, minlength=n_groups * n_periods)
    return counts.reshape(n_groups, n_periods)


def indicator_counts(
    *, child, group, period, n_groups: int, n_periods: int, age_days, statuses, flags, needs_check
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per indicator, (children counted, cases) as groups x periods arrays.

    ``statuses`` maps each status name to its codes (1/0/-1), ``flags`` each flag name to
    its values (1 set); rows sorted as :func:`latest_counts` needs.
    """
    scope = in_scope(period, age_days)
    out = {}
    for indicator, (status_name, flag_name) in INDICATORS.items():
        status = np.asarray(statuses[status_name])
        valid = scope & counted(status, flags[flag_name], needs_check)
        where = {
            "child": child,
            "group": group,
            "period": period,
            "n_groups": n_groups,
            "n_periods": n_periods,
        }
        n = latest_counts(valid, **where)
        cases = latest_counts(valid, weights=status == 1, **where)
        out[indicator] = (n, cases)
    return out


def rates(cases, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(proportion, ci_low, ci_high) of ``cases`` out of ``n``, NaN where n is 0 (Wilson 95%).

    >>> p, lo, hi = rates(np.array([5]), np.array([20]))
    >>> print(f"{p[0]:.2f} {lo[0]:.4f} {hi[0]:.4f}")
    0.25 0.1119 0.4687
    """
    cases = np.asarray(cases, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    low, high = wilson_interval(cases, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        proportion = cases / n
    return proportion, low, high
