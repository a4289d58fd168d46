"""Before publishing: the period chosen with two dates, and a preview of exactly what becomes
public, what is suppressed and what differs from the version on the public site now.

The preview is the publication itself, made and rolled back: ``publication_publish`` runs
inside a savepoint that is undone, so the preview's tables come from the same code, the same
figures and the same suppression against the earlier versions as the version the admin then
confirms. The confirmation carries the preview's fingerprint; if the figures (or the version
number, when someone else published in between) changed since, publishing is refused and the
admin sees the new preview.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampungkb.analytics.course import period_open
from kampungkb.analytics.cube import period_end
from kampungkb.analytics.models import Indicator, PeriodType, Publication
from kampungkb.analytics.publication import (
    SECTIONS,
    PublicCell,
    public_cells,
    public_tables,
    publications_of_period,
    shown_values,
    tables_fingerprint,
)
from kampungkb.analytics.services import publication_publish
from kampungkb.core.validators import ensure_not_in_future

PENIMBANGAN_MONTHS = (2, 8)


def publication_period_resolve(
    *, period_type: str, start: datetime.date, end: datetime.date, today=None
) -> datetime.date:
    """The start of the one period of ``period_type`` that holds the dates ``start`` to
    ``end``, or a ValidationError naming the field: ``start`` after ``end``, a date after
    today, a range over two periods, a weighing month other than February or August."""
    today = today or timezone.localdate()
    ensure_not_in_future(period_start=start, period_end=end)
    if end < start:
        raise ValidationError(
            {"period_end": _("The end of the period cannot be before its start.")}
        )
    if period_type == PeriodType.YEAR:
        first = datetime.date(start.year, 1, 1)
    else:
        first = start.replace(day=1)
    if period_type == PeriodType.PENIMBANGAN and first.month not in PENIMBANGAN_MONTHS:
        raise ValidationError(
            {"period_start": _("A weighing month is February or August; choose a date in one.")}
        )
    if end > period_end(period_type, first):
        unit = _("year") if period_type == PeriodType.YEAR else _("month")
        raise ValidationError(
            {
                "period_end": _(
                    "The start and the end must lie in the same %(unit)s: figures are "
                    "published for one whole period."
                )
                % {"unit": unit}
            }
        )
    return first


@dataclass
class DiffRow:
    """One figure of the public site that the new version changes."""

    nama: str
    indicator: str
    kind: str  # "changed", "newly_suppressed", "newly_shown", "added", "removed"
    old: PublicCell | None
    new: PublicCell | None


@dataclass
class PublicationPreview:
    period_type: str
    period_start: datetime.date
    period_end: datetime.date
    version: int
    open: bool  # the period has not ended: its figures are provisional
    tables: dict
    previous: Publication | None
    diff: list[DiffRow]
    fingerprint: str
    catatan: str = ""

    @property
    def n_suppressed(self) -> int:
        return sum(
            cell.suppressed
            for rows in self.tables.values()
            for row in rows
            for cell in row.cells.values()
        )


def tables_diff(old, new) -> list[DiffRow]:
    """What changes on the public site from the tables ``old`` to ``new``: a figure shown in
    both with another value, one hidden now (or shown now), a row added or gone."""
    before, after = public_cells(old), public_cells(new)
    labels = dict(Indicator.choices)
    out = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (SECTIONS.index(k[0]), k[1:])):
        name_before, was = before.get(key, (None, None))
        name_after, now = after.get(key, (None, None))
        if was is None:
            kind = "added"
        elif now is None:
            kind = "removed"
        elif was.suppressed != now.suppressed or (was.n is None) != (now.n is None):
            kind = "newly_suppressed" if now.suppressed or now.n is None else "newly_shown"
        elif shown_values(was) != shown_values(now):
            kind = "changed"
        else:
            continue
        out.append(DiffRow(name_after or name_before, str(labels[key[3]]), kind, was, now))
    return out


class _Preview(Exception):
    """Carries the preview out of the savepoint that is rolled back."""

    def __init__(self, preview):
        self.preview = preview


def publication_preview(
    *,
    user,
    period_type: str,
    start: datetime.date,
    end: datetime.date,
    catatan: str = "",
    today=None,
) -> PublicationPreview:
    """What publishing the period holding ``start`` to ``end`` would make public, suppress
    and change, without publishing it (the version is made and rolled back). Raises the
    ValidationError of :func:`publication_period_resolve` or of publishing (no
    measurements in the period)."""
    today = today or timezone.localdate()
    period_start = publication_period_resolve(
        period_type=period_type, start=start, end=end, today=today
    )
    try:
        with transaction.atomic():
            publication = publication_publish(
                user=user, period_type=period_type, period_start=period_start, catatan=catatan
            )
            tables = public_tables(publication)
            previous = (
                publications_of_period(publication)
                .filter(version__lt=publication.version)
                .select_related("kabupaten")
                .last()
            )
            end = period_end(period_type, period_start)
            raise _Preview(
                PublicationPreview(
                    period_type=period_type,
                    period_start=period_start,
                    period_end=end,
                    version=publication.version,
                    open=period_open(period_type, period_start, today=today),
                    tables=tables,
                    previous=previous,
                    diff=tables_diff(public_tables(previous), tables) if previous else [],
                    fingerprint=tables_fingerprint(tables, version=publication.version),
                    catatan=catatan,
                )
            )
    except _Preview as done:
        return done.preview
