"""Growth values in templates."""

import datetime
import functools

from django import template
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language

from kampungkb.growth.models import Sex
from kampungkb.growth.presenters import age_short

register = template.Library()


@register.filter
def age_today(born: datetime.date | None) -> str:
    """A child's age today in years and months (``1 th 3 bl``), from the date of birth."""
    if born is None:
        return "–"
    return age_short((timezone.localdate() - born).days)


@register.filter
def day_month_year(day: datetime.date | None) -> str:
    """A date as ``|date:"j M Y"`` writes it (``7 Agu 2025``), for lists of many children: the
    month's abbreviation is translated once per language, not once a row (Django's filter
    took a quarter of a 25-child list's rendering)."""
    if day is None:
        return ""
    return f"{day.day} {_month_abbreviations(get_language())[day.month - 1]} {day.year}"


@functools.cache
def _month_abbreviations(language: str | None) -> tuple[str, ...]:
    with translation.override(language):
        return tuple(str(MONTHS_3[month]).title() for month in range(1, 13))


@register.filter
def sex_label(code: str) -> str:
    """A child's sex as its model's choices say (``Laki-laki``), without the model's
    ``get_jenis_kelamin_display`` machinery a row."""
    return _sex_labels(get_language()).get(code, code)


@functools.cache
def _sex_labels(language: str | None) -> dict[str, str]:
    with translation.override(language):
        return {code: str(label) for code, label in Sex.choices}
