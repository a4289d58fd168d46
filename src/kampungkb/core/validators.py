"""Checks several apps make on the values users enter."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_IN_FUTURE = _("The date cannot be in the future.")
YEAR_IN_FUTURE = _("The year cannot be in the future.")


def is_in_future(value, *, today: datetime.date | None = None) -> bool:
    """Say whether a date, a datetime or a year (an ``int``) lies after today.

    ``None`` (not given) is never in the future.

    >>> is_in_future(datetime.date(2020, 1, 2), today=datetime.date(2020, 1, 1))
    True
    >>> is_in_future(2020, today=datetime.date(2020, 12, 31))
    False
    """
    if value is None or value == "":
        return False
    today = today or datetime.date.today()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, int):
        return value > today.year
    return value > today


def validate_not_in_future(value) -> None:
    """A field validator (forms and models): refuse a date or a year after today."""
    if is_in_future(value):
        raise ValidationError(YEAR_IN_FUTURE if isinstance(value, int) else DATE_IN_FUTURE)


def ensure_not_in_future(message=None, **values) -> None:
    """Raise one ``ValidationError`` naming every given field whose value lies after today.

    ``ensure_not_in_future(tanggal=visit.tanggal)``; ``message`` replaces the generic one
    (e.g. "The date of birth cannot be in the future.").
    """
    errors = {
        field: message or (YEAR_IN_FUTURE if isinstance(value, int) else DATE_IN_FUTURE)
        for field, value in values.items()
        if is_in_future(value)
    }
    if errors:
        raise ValidationError(errors)
