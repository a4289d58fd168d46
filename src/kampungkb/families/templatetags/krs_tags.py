"""Numbers on the KRS picture, rounded by the one rule of ``core.rounding``."""

from django import template
from django.utils.formats import number_format

from kampungkb.core.rounding import RULE_PLACES, percent

register = template.Library()

DASH = "–"


@register.filter
def krs_pct(value):
    """A proportion (0-1) as a percentage in the current locale; None → "–"."""
    rounded = percent(None if value == "" else value)
    return DASH if rounded is None else number_format(rounded, RULE_PLACES)
