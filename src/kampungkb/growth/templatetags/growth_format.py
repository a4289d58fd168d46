"""Growth values in templates."""

import datetime

from django import template
from django.utils import timezone

from kampungkb.growth.presenters import age_short

register = template.Library()


@register.filter
def age_today(born: datetime.date | None) -> str:
    """A child's age today in years and months (``1 th 3 bl``), from the date of birth."""
    if born is None:
        return "–"
    return age_short((timezone.localdate() - born).days)
