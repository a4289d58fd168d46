"""Posyandu growth rules as plain functions: KBM lookup, N/T/O/B and 2T, BGM, referral advice.

Sources (shared domain notes §4.3): Buku KIA 2023 for N/T and the KBM strip; the F1 recap for
O (weighed this month but not last month), B (first weighing) and D = N + T + O + B; 2T is two
weighings in a row with T, months without a weighing skipped.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

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
