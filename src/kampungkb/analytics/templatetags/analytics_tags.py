from django import template
from django.utils.formats import number_format

register = template.Library()

DASH = "–"


@register.filter
def pct(value, digits=1):
    """A proportion (0-1) as a percentage number in the current locale; None → "–"."""
    if value is None or value != value:
        return DASH
    return number_format(value * 100, int(digits))


@register.filter
def pct_ci(cell):
    """ "low–high" of a cell's 95% interval in percent; "–" when there is none."""
    low, high = getattr(cell, "ci_low", None), getattr(cell, "ci_high", None)
    if low is None or high is None:
        return DASH
    return f"{number_format(low * 100, 1)}–{number_format(high * 100, 1)}"


@register.filter
def dash(value):
    return DASH if value is None or value == "" else value


@register.filter
def points(value):
    """A change of a proportion in percentage points, signed; None → "–"."""
    if value is None:
        return DASH
    sign = "+" if value > 0 else ""
    return sign + number_format(value * 100, 1)
