"""The numbers of the "perlu dicek" rules (``growth.plausibility``), decided on arrays: plain
numpy, no Django, so that the national batch (``kampungkb batch``) applies the very rules an
import applies (``series_marks``), and an import decides its clear series at once
(``series_clear``). The reasons and the messages a kader reads are ``growth.plausibility``'s.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np

#: Impossible values (typing errors that are not measurements at all), inclusive bounds: the
#: form and the import refuse them (``growth.services``), and so does ``kampungkb batch``;
#: merely implausible ones are stored and flagged by the WHO rules, as e-PPGBM does.
LIMITS = {
    "berat": (Decimal("0.5"), Decimal("60")),
    "tinggi": (Decimal("30"), Decimal("150")),
    "lila": (Decimal("5"), Decimal("30")),
    "lingkar_kepala": (Decimal("20"), Decimal("70")),
}
#: The oldest a child may be on a measurement's date, in days (the WHO standards' last day:
#: a balita record ends here): the form and the import refuse a later one, and so does
#: ``kampungkb batch``.
MAX_AGE_DAYS = 1856

#: How much lower than the last length/height a new one may be before it is questioned. The
#: WHO Multicentre Growth Reference Study allowed at most 0.7 cm between two trained
#: measurers' readings of the same child (de Onis et al., Food Nutr Bull 2004;25:S27-36); a
#: posyandu's length board or wall tape is coarser, so 1.0 cm.
HEIGHT_DROP_TOLERANCE_CM = 1.0
#: Lying length minus standing height of the same child (WHO; the 0.7 cm of §4.2).
PB_MINUS_TB_CM = 0.7
#: What two weighings of the same child may differ by with no change at all: clothes, a
#: dacin or bathroom scale read to 0.1 kg, a full or empty stomach.
WEIGHT_READING_ERROR_KG = 0.5
#: The fastest gain any child makes: about 20 g per kg of body weight a day, reached only by
#: severely wasted children in therapeutic feeding (WHO, Management of severe malnutrition,
#: 1999: above 10 g/kg/day is "good" catch-up). A healthy newborn's fastest first month
#: (WHO weight velocity standards, 99th centile, about 1.9 kg on 3.5 kg) stays below it.
MAX_GAIN_G_PER_KG_DAY = 20.0
#: A child can lose about a tenth of its weight in a day or two (severe dehydration is a loss
#: of more than 10 %, WHO), and then more through a long illness: we allow a further 1 % a day,
#: never more than half of the weight.
SUDDEN_LOSS_FRACTION = 0.10
LOSS_FRACTION_PER_DAY = 0.01
MAX_LOSS_FRACTION = 0.5


def weight_change_limits(previous_kg: float, days: int) -> tuple[float, float]:
    """Return (largest gain, largest loss) in kg that a child of ``previous_kg`` can make in
    ``days``: the reading error plus 20 g/kg a day of gain, or plus 10 % and 1 % a day (at
    most half) of loss.

    >>> weight_change_limits(10.0, 30)
    (6.5, 4.5)
    >>> weight_change_limits(13.4, 31)[0] < 45 - 13.4
    True
    """
    days = max(days, 1)
    gain = WEIGHT_READING_ERROR_KG + previous_kg * MAX_GAIN_G_PER_KG_DAY / 1000 * days
    fraction = min(SUDDEN_LOSS_FRACTION + LOSS_FRACTION_PER_DAY * days, MAX_LOSS_FRACTION)
    loss = WEIGHT_READING_ERROR_KG + previous_kg * fraction
    return round(gain, 3), round(loss, 3)


#: The WHO plausibility flags of the engine (``kampungkb.anthro``), any of them questions a value.
WHO_FLAGS = ("fwei", "flen", "fwfl", "fbmi", "fhc", "fac")
#: How far inside a limit a value must be for :func:`series_clear` to call it clear without
#: the exact rule (which rounds the weight limits to grams): nearer, the rule itself decides.
_MARGIN = 1e-3


def series_clear(series: Sequence[int], targets: Sequence[bool], columns: Mapping) -> np.ndarray:
    """Which series ``plausibility.check_series`` would find nothing in, decided for all at once.

    The measurements are several series one after the other, each in date order: ``series``
    gives each one's series number (from 0, ascending), ``targets`` whether it is checked,
    and ``columns`` its values as ``compute.apply_anthro`` returns them (``weight``,
    ``lenhei``, ``method``, ``age_days``, ``needs_check`` and the WHO flags ``fwei`` ...
    ``fac``, NaN where not computed). Returns a bool array by series number: True where no
    target has a WHO flag and each is within the height and weight rules against the
    measurement just before it, when that is the one ``check_series`` compares with (every
    measurement weighed and measured, none waiting to be checked but targets) and the values
    are clear of the limits by a margin. A False says nothing: that series is checked one
    measurement at a time (an import's series are nearly all clear, and the rules one by one
    took a tenth of its time).
    """
    n = len(series)
    if n == 0:
        return np.ones(0, dtype=bool)
    number = np.asarray(series, dtype=np.int64)
    target = np.asarray(targets, dtype=bool)
    weight = np.asarray(columns["weight"], dtype=float)  # None -> NaN
    height = np.asarray(columns["lenhei"], dtype=float)
    standing = np.asarray(columns["method"], dtype=object) == "TB"
    day = np.asarray(columns["age_days"], dtype=float)
    waits = np.asarray(columns["needs_check"], dtype=bool) & ~target
    flagged = np.zeros(n, dtype=bool)
    for flag in WHO_FLAGS:
        flagged |= np.nan_to_num(np.asarray(columns[flag], dtype=float)) != 0
    bad = (flagged & target) | np.isnan(weight) | np.isnan(height) | waits
    first = np.ones(n, dtype=bool)
    first[1:] = number[1:] != number[:-1]
    i = np.flatnonzero(target & ~first)  # compared with the measurement just before
    before_w, now_w = weight[i - 1], weight[i]
    days = np.maximum(day[i] - day[i - 1], 1)
    gain = WEIGHT_READING_ERROR_KG + before_w * MAX_GAIN_G_PER_KG_DAY / 1000 * days
    fraction = np.minimum(SUDDEN_LOSS_FRACTION + LOSS_FRACTION_PER_DAY * days, MAX_LOSS_FRACTION)
    loss = WEIGHT_READING_ERROR_KG + before_w * fraction
    change = now_w - before_w
    as_length = height + np.where(standing, PB_MINUS_TB_CM, 0.0)
    drop = as_length[i - 1] - as_length[i]
    with np.errstate(invalid="ignore"):
        unclear = ~(
            (change >= -loss + _MARGIN)
            & (change <= gain - _MARGIN)
            & (drop <= HEIGHT_DROP_TOLERANCE_CM - _MARGIN)
        )
    bad[i] |= unclear
    clear = np.ones(int(number[-1]) + 1, dtype=bool)
    clear[number[bad]] = False
    return clear


def series_marks(series: Sequence[int], columns: Mapping) -> np.ndarray:
    """Which measurements the rules question when each is checked as it comes, against the
    last earlier one of its series they did not question: ``plausibility.check_series`` with every
    measurement a target, i.e. what importing a whole history in date order marks "needs
    checking" (the national batch counts with it, as the web summaries count with the
    marks). ``series`` and ``columns`` as :func:`series_clear` takes them (no
    ``needs_check``: nothing was checked before). Returns a bool array, True: questioned.

    >>> columns = {"weight": [10.0, 10.2, 30.0, 10.4], "lenhei": [80.0, 70.0, 81.0, 81.0],
    ...            "method": ["TB"] * 4, "age_days": [700, 730, 760, 790]}
    >>> columns |= {flag: [0.0] * 4 for flag in WHO_FLAGS}
    >>> series_marks([0, 0, 0, 0], columns).tolist()
    [False, True, True, False]
    """
    n = len(series)
    marks = np.zeros(n, dtype=bool)
    if n == 0:
        return marks
    number = np.asarray(series, dtype=np.int64)
    clear = series_clear(number, np.ones(n, dtype=bool), {**columns, "needs_check": marks})
    weight = np.asarray(columns["weight"], dtype=float)
    height = np.asarray(columns["lenhei"], dtype=float)
    standing = np.asarray(columns["method"], dtype=object) == "TB"
    as_length = height + np.where(standing, PB_MINUS_TB_CM, 0.0)
    day = np.asarray(columns["age_days"], dtype=float)
    flagged = np.zeros(n, dtype=bool)
    for flag in WHO_FLAGS:
        flagged |= np.nan_to_num(np.asarray(columns[flag], dtype=float)) != 0
    last_height = last_weight = None
    previous_series = -1
    for i in np.flatnonzero(~clear[number]).tolist():
        if number[i] != previous_series:
            previous_series, last_height, last_weight = number[i], None, None
        bad = bool(flagged[i])
        if not np.isnan(height[i]) and last_height is not None:
            bad |= as_length[last_height] - as_length[i] > HEIGHT_DROP_TOLERANCE_CM
        if not np.isnan(weight[i]) and last_weight is not None:
            days = int(day[i] - day[last_weight])
            gain, loss = weight_change_limits(float(weight[last_weight]), days)
            bad |= not -loss <= weight[i] - weight[last_weight] <= gain
        if bad:
            marks[i] = True
            continue
        if not np.isnan(height[i]):
            last_height = i
        if not np.isnan(weight[i]):
            last_weight = i
    return marks
