"""Posyandu growth rules as plain functions: KBM lookup, N/T/O/B and 2T, BGM, referral advice.

Sources (shared domain notes §4.3): Buku KIA 2023 for N/T and the KBM strip; the F1 recap for
O (weighed this month but not last month), B (first weighing) and D = N + T + O + B; 2T is two
weighings in a row with T, months without a weighing skipped.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class KBMRule:
    """A KBM table in memory: ``entries`` are (from_month, to_month, grams), inclusive."""

    entries: tuple[tuple[int, int, int], ...]
    scale_by_gap: bool = False

    def kbm(self, age_months: int) -> int | None:
        """Return the minimum monthly gain in grams at ``age_months`` completed months."""
        for start, stop, grams in self.entries:
            if start <= age_months <= stop:
                return grams
        if self.entries and age_months > self.entries[-1][1]:
            return self.entries[-1][2]
        return None


@dataclass(frozen=True)
class Weighing:
    """One weighing of one child: date as (year, month), age in days, weight in kg."""

    year: int
    month: int
    age_days: int | None
    weight_kg: float | None


@dataclass(frozen=True)
class GrowthResult:
    code: str  # "N", "T", "O", "B" or "" when the child was not weighed
    gain_g: int | None
    kbm_g: int | None
    two_t: bool


def _month_index(w: Weighing) -> int:
    return w.year * 12 + (w.month - 1)


def growth_codes(weighings: Sequence[Weighing], rule: KBMRule) -> list[GrowthResult]:
    """Return N/T/O/B and 2T for one child's weighings, given in date order.

    Each weighing is compared with the child's last weighing in an *earlier calendar month*:
    none gives B; the month just before gives N when the gain reaches the KBM for the child's
    age in completed months, else T; an older one gives O, or, when the rule scales by the gap,
    N/T against KBM × months. 2T is a T whose previous weighing was also T.
    """
    results: list[GrowthResult] = []
    last_by_month: dict[int, int] = {}  # month index -> index of its last weighing in results
    for i, w in enumerate(weighings):
        if w.weight_kg is None or (isinstance(w.weight_kg, float) and math.isnan(w.weight_kg)):
            results.append(GrowthResult("", None, None, False))
            continue
        current = _month_index(w)
        earlier = [m for m in last_by_month if m < current]
        if not earlier:
            result = GrowthResult("B", None, None, False)
        else:
            prev_month = max(earlier)
            prev_i = last_by_month[prev_month]
            prev = weighings[prev_i]
            gap = current - prev_month
            gain = round((w.weight_kg - prev.weight_kg) * 1000)
            age_months = int(w.age_days // DAYS_PER_MONTH) if w.age_days is not None else None
            kbm = rule.kbm(age_months) if age_months is not None else None
            if gap > 1 and not rule.scale_by_gap:
                result = GrowthResult("O", gain, None, False)
            elif kbm is None:
                result = GrowthResult("", gain, None, False)
            else:
                needed = kbm * gap
                code = "N" if gain >= needed else "T"
                two_t = code == "T" and results[prev_i].code == "T"
                result = GrowthResult(code, gain, needed, two_t)
        results.append(result)
        last_by_month[current] = i
    return results


def _kbm_lookup(rule: KBMRule, months: np.ndarray) -> np.ndarray:
    """``rule.kbm`` of each age in completed months, vectorised; -1 where there is no KBM."""
    if not rule.entries:
        return np.full(len(months), -1, dtype=np.int64)
    bounds = [b for start, stop, _g in rule.entries for b in (start, stop)]
    low, high = min(0, *bounds), max(0, *bounds)
    # Every age the entries can say something about, computed by the reference itself; below
    # the table nothing matches, above it the last entry's grams apply (as ``KBMRule.kbm``).
    table = np.array(
        [-1 if (g := rule.kbm(m)) is None else g for m in range(low, high + 1)], dtype=np.int64
    )
    out = table[np.clip(months, low, high) - low]
    out[months < low] = -1
    out[months > high] = rule.entries[-1][2]
    return out


def growth_codes_arrays(
    child_ids: np.ndarray,
    year: np.ndarray,
    month: np.ndarray,
    age_days: np.ndarray,
    weight_kg: np.ndarray,
    rule: KBMRule | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``growth_codes`` for many children at once, with numpy.

    The rows must be sorted by child, then date (one child's rows consecutive). ``age_days``
    and ``weight_kg`` are floats with NaN for missing. Returns ``(code, gain_g, kbm_g,
    two_t)``: codes as an object array of str, gains and KBMs as object arrays of int or
    None, 2T as a bool array; row for row exactly what ``growth_codes`` gives per child.
    """
    n = len(child_ids)
    code = np.full(n, "", dtype=object)
    gain_g = np.full(n, None, dtype=object)
    kbm_g = np.full(n, None, dtype=object)
    two_t = np.zeros(n, dtype=bool)
    if n == 0 or rule is None:
        return code, gain_g, kbm_g, two_t
    child_ids = np.asarray(child_ids)
    weight = np.asarray(weight_kg, dtype=float)
    age = np.asarray(age_days, dtype=float)
    mi = np.asarray(year, dtype=np.int64) * 12 + (np.asarray(month, dtype=np.int64) - 1)
    index = np.arange(n)
    weighed = ~np.isnan(weight)
    new_child = np.ones(n, dtype=bool)
    new_child[1:] = child_ids[1:] != child_ids[:-1]
    new_month = new_child.copy()
    new_month[1:] |= mi[1:] != mi[:-1]
    child_start = np.maximum.accumulate(np.where(new_child, index, 0))
    month_start = np.maximum.accumulate(np.where(new_month, index, 0))
    # The weighing compared with: the child's last weighing before the first row of this
    # calendar month, i.e. its last weighing in the most recent earlier month.
    last_weighed = np.maximum.accumulate(np.where(weighed, index, -1))
    prev = np.where(month_start > 0, last_weighed[month_start - 1], -1)
    has_prev = weighed & (prev >= child_start)
    prev = np.where(has_prev, prev, 0)

    gap = mi - mi[prev]
    with np.errstate(invalid="ignore"):
        # Python's round(): nearest integer, ties to even, of the same double.
        gain = np.rint((weight - weight[prev]) * 1000)
        months = np.floor_divide(age, DAYS_PER_MONTH)
    known_age = ~np.isnan(months)
    kbm = np.full(n, -1, dtype=np.int64)
    kbm[known_age] = _kbm_lookup(rule, months[known_age].astype(np.int64))
    skipped = has_prev & (gap > 1) & (not rule.scale_by_gap)
    coded = has_prev & ~skipped & (kbm >= 0)
    needed = kbm * gap
    passed = coded & (gain >= needed)
    failed = coded & ~passed

    code[weighed & ~has_prev] = "B"
    code[skipped] = "O"
    code[passed] = "N"
    code[failed] = "T"
    gain_g[has_prev] = gain[has_prev].astype(np.int64).astype(object)
    kbm_g[coded] = needed[coded].astype(object)
    two_t = failed & failed[prev] & has_prev
    return code, gain_g, kbm_g, two_t


@dataclass(frozen=True)
class Advice:
    level: str  # Bootstrap colour: "danger" refer now, "warning" refer/confirm, "info", "success"
    message: str


def referral_advice(
    *,
    growth_code: str,
    two_t: bool,
    bgm: bool | None,
    zlen: float | None,
    zwfl: float | None,
    zwei: float | None,
    lila_cm: float | None,
    age_months: float | None,
    oedema: bool,
    flagged: bool,
) -> list[Advice]:
    """Return what the kader should do after a weighing, most urgent first.

    Follows Buku KIA: refer when T, below the red line or with signs of severe wasting; 2T is
    referred to the puskesmas; the health worker confirms per PMK 2/2020.
    """

    def below(z, cut):
        return z is not None and not math.isnan(z) and z < cut

    def above(z, cut):
        return z is not None and not math.isnan(z) and z > cut

    out: list[Advice] = []
    if oedema:
        out.append(Advice("danger", _("Oedema of both feet: refer to the puskesmas now.")))
    if below(zwfl, -3) or (
        lila_cm is not None and age_months is not None and age_months >= 6 and lila_cm < 11.5
    ):
        out.append(Advice("danger", _("Signs of severe wasting: refer to the puskesmas now.")))
    if two_t:
        out.append(
            Advice("danger", _("2T (no weight gain twice in a row): refer to the puskesmas."))
        )
    if bgm:
        out.append(
            Advice(
                "warning", _("Below the red line (BGM): refer to confirm the nutritional status.")
            )
        )
    if below(zwfl, -2) and not below(zwfl, -3):
        out.append(
            Advice(
                "warning", _("Wasted (weight-for-length/height < −2 SD): refer to the puskesmas.")
            )
        )
    if below(zlen, -2):
        out.append(
            Advice(
                "warning",
                _(
                    "Short (length/height-for-age < −2 SD): refer to the puskesmas to confirm "
                    "stunting."
                ),
            )
        )
    if growth_code == "T" and not two_t:
        out.append(
            Advice(
                "warning",
                _(
                    "Weight did not go up enough (T): give nutrition counselling and refer to a "
                    "health worker."
                ),
            )
        )
    if above(zwfl, 2):
        out.append(
            Advice(
                "info",
                _(
                    "Overweight (weight-for-length/height > +2 SD): counsel on feeding; refer "
                    "if needed."
                ),
            )
        )
    if flagged:
        out.append(
            Advice(
                "warning",
                _(
                    "Value outside WHO plausibility limits: check the measurement and the date "
                    "of birth again."
                ),
            )
        )
    if below(zwei, -2) and not bgm and not out:
        out.append(
            Advice("info", _("Underweight: give nutrition counselling and check again next month."))
        )
    if not out:
        out.append(Advice("success", _("Growing well. Come back for weighing next month.")))
    return out
