"""Numbers on the KPM scorecard, rounded by the one rule of ``core.rounding``."""

from django import template
from django.utils.formats import number_format

from kampungkb.core.rounding import RULE_PLACES, percent

register = template.Library()

DASH = "–"


@register.filter
def pct(value):
    """A proportion (0-1) as a percentage in the current locale; None → "–"."""
    rounded = percent(value)
    return DASH if rounded is None else number_format(rounded, RULE_PLACES)


@register.filter
def signed_pct(value):
    """A change of proportions in percentage points with its sign; None → "–"."""
    rounded = percent(value)
    if rounded is None:
        return DASH
    return ("+" if rounded > 0 else "") + number_format(rounded, RULE_PLACES)
