"""Numbers on the analytics pages and PDFs, each rounded by the one rule of
``core.rounding`` (half up to one decimal, on the exact value) like every sheet and chart."""

from django import template
from django.utils.formats import number_format

from kampungkb.core.rounding import ROUNDING_NOTE, RULE_PLACES, percent, round_half_up

register = template.Library()

DASH = "–"


def _shown(rounded, places: int) -> str:
    return DASH if rounded is None else number_format(rounded, places)


def _given(value):
    """None for what a template passes when there is no value (a missing variable: "")."""
    return None if isinstance(value, str) and value == "" else value


@register.filter
def pct(value, digits=RULE_PLACES):
    """A proportion (0-1) as a percentage number in the current locale; None → "–"."""
    return _shown(percent(_given(value), int(digits)), int(digits))


@register.filter
def num(value, digits=RULE_PLACES):
    """A number already in the unit shown (a percentage, a score), rounded; None → "–"."""
    return _shown(round_half_up(_given(value), int(digits)), int(digits))


@register.filter
def pct_ci(cell):
    """ "low–high" of a cell's 95% interval in percent; "–" when there is none."""
    low, high = getattr(cell, "ci_low", None), getattr(cell, "ci_high", None)
    if low is None or high is None:
        return DASH
    return f"{pct(low)}–{pct(high)}"


@register.filter
def dash(value):
    return DASH if value is None or value == "" else value


@register.filter
def points(value):
    """A change of a proportion in percentage points, signed; None → "–"."""
    rounded = percent(_given(value))
    if rounded is None:
        return DASH
    return ("+" if rounded > 0 else "") + number_format(rounded, RULE_PLACES)


@register.simple_tag
def rounding_note():
    """The rounding rule, stated on every page and PDF that shows these numbers."""
    return str(ROUNDING_NOTE)
