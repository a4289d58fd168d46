"""One rounding rule for every figure the product shows or writes.

A figure is rounded **half up** (a tie goes away from zero) to **one decimal**, on its exact
value: a proportion of two counts is rounded as that fraction, never as the binary float that
stores it nor as that float times 100. So 400/2402 = 16.6528 % is 16.7 (Django's
``number_format`` cuts it to 16,6), and 3/80 = 3.75 % is 3.8 (the float ``0.0375 * 100`` is
3.7499999999999996, which ``round()`` and ``floatformat`` take to 3.7).

Pages, PDFs, charts and xlsx files take their numbers from :func:`percent` and
:func:`round_half_up` (the template filters of ``analytics_tags`` and every sheet), so a
figure reads the same everywhere. Both return a :class:`~decimal.Decimal` with exactly the
decimals shown; the xlsx writer (``core.downloads``) stores it as a number formatted with
those decimals, so a spreadsheet shows the same digits as the page.

A stored float is read as the shortest decimal that reads back as the same float
(``repr``), the value a person would type. For a proportion of two counts of up to ten
million this is exact for rounding: such a fraction lies at least 1/(2,000 × n) from the
nearest tie at 0.1 %, far more than a float's error, and a fraction that *is* a tie has at
most four decimals, which ``repr`` gives back exactly (``tests/core/test_rounding.py``
checks every count up to 600 and random ones up to ten million).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy

RULE_PLACES = 1
# The rule as the pages, PDFs and workbooks state it.
ROUNDING_NOTE = gettext_lazy(
    "Percentages are rounded half up to one decimal from the exact figures (for example "
    "400 of 2,402 = 16.65… % is shown as 16.7), the same on the page, in the PDF and in "
    "the xlsx."
)


def exact(value) -> Fraction | None:
    """Return ``value`` as an exact fraction (None for None or NaN).

    >>> exact(0.0375), exact(Decimal("16.13")), exact(Fraction(400, 2402)), exact(None)
    (Fraction(3, 80), Fraction(1613, 100), Fraction(200, 1201), None)
    """
    if value is None:
        return None
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Fraction(Decimal(repr(float(value))))  # float(): numpy's repr is not a number
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return Fraction(value)


# Enough digits that no product or quantize below loses one (a float's repr has at most 17).
_EXACT = Context(prec=80)


def _as_decimal(value) -> Decimal | None:
    """``value`` as an exact Decimal when that is cheap (floats, Decimals, ints), else None."""
    if isinstance(value, float):
        return Decimal(repr(float(value))) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return None


def _quantized(value: Decimal, places: int) -> Decimal:
    # Decimal's ROUND_HALF_UP is the rule (ties away from zero), on the exact value; a result
    # of zero carries no sign ("-0,0" would read as a loss).
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_EXACT)
    return rounded.copy_abs() if rounded == 0 else rounded


def round_half_up(value, places: int = RULE_PLACES) -> Decimal | None:
    """Round ``value`` half up (ties away from zero) to ``places`` decimals, exactly.

    >>> round_half_up(16.65), round_half_up(-0.05), round_half_up(2.5, 0), round_half_up(30)
    (Decimal('16.7'), Decimal('-0.1'), Decimal('3'), Decimal('30.0'))
    >>> round_half_up(None) is None
    True
    """
    fast = _as_decimal(value)
    if fast is not None:  # the common case, without Fraction arithmetic (pages show hundreds)
        return _quantized(fast, places)
    fraction = exact(value)
    if fraction is None:
        return None
    scaled = abs(fraction) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(-whole if fraction < 0 else whole).scaleb(-places)


def percent(proportion, places: int = RULE_PLACES) -> Decimal | None:
    """A proportion (0-1) as a percentage rounded by the rule.

    >>> percent(400 / 2402), percent(3 / 80), percent(Fraction(1, 3), 0), percent(None)
    (Decimal('16.7'), Decimal('3.8'), Decimal('33'), None)
    """
    fast = _as_decimal(proportion)
    if fast is not None:
        return _quantized(_EXACT.multiply(fast, 100), places)
    fraction = exact(proportion)
    return None if fraction is None else round_half_up(fraction * 100, places)


def proportion(cases, n) -> Fraction | None:
    """``cases / n`` exactly (None when ``n`` is 0): for figures computed from counts or
    amounts (ints or Decimals), such as a change between two periods or a budget's share
    spent, so that no float comes between them and the rounding.

    >>> proportion(3, 80) - proportion(1, 4)
    Fraction(-17, 80)
    >>> proportion(Decimal("4900000.00"), Decimal("40000000.00"))
    Fraction(49, 400)
    """
    return Fraction(cases) / Fraction(n) if n else None
