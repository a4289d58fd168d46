"""Numbers on the analytics pages and PDFs, each rounded by the one rule of
``core.rounding`` (half up to one decimal, on the exact value) like every sheet and chart."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

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


@register.filter
def hidden_mark(cell):
    """On the publish preview, why a hidden figure is hidden: 1 a small cell, 2 hidden so
    that another cannot be worked out ("" when it is shown)."""
    if not getattr(cell, "suppressed", False) and getattr(cell, "n", 0) is not None:
        return ""
    if getattr(cell, "secondary", False):
        reason, mark = _("Hidden so that another hidden figure cannot be worked out"), "2"
    else:
        reason, mark = _("Small cell"), "1"
    return format_html(
        '<sup class="hidden-mark" data-testid="hidden-{}" title="{}">{}</sup>',
        "secondary" if mark == "2" else "small",
        reason,
        mark,
    )


@register.simple_tag
def rounding_note():
    """The rounding rule, stated on every page and PDF that shows these numbers."""
    return str(ROUNDING_NOTE)
