"""When each TPK target should next be visited, and whether that visit is overdue.

The schedule per kind of target (issue 14):

- ibu hamil and baduta: monthly, i.e. within 30 days of the last visit; the first visit within
  14 days of registration;
- balita: every three months (90 days), the first within 14 days of registration (an
  assumption: the sources name the 0-59-month children as targets without a frequency);
- pasca persalinan: at least one visit within 42 days of delivery, planned in three windows
  (days 1-7, 8-28 and 29-42); a window missed with no visit since is overdue, a later visit
  catches it up;
- catin: at least once before the marriage, ideally three months before it, counted as the
  screening counts them (``screening.rules.months_before``, calendar months: a visit on the
  day due is one the screening calls early enough; 90 days fell up to two days after it).

A visit is due on ``due`` and overdue when ``on`` is after it. ``visit_due`` is pure: it takes
the target and its visit dates, so it answers for any day.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from kampungkb.families.tpk.lifecycle import target_state
from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.screening.rules import MONTHS_BEFORE_MARRIAGE, months_before

FIRST_VISIT_DAYS = 14
INTERVAL_DAYS = {TargetKind.IBU_HAMIL: 30, TargetKind.BADUTA: 30, TargetKind.BALITA: 90}
POSTPARTUM_WINDOWS = ((1, 7), (8, 28), (29, 42))


@dataclass(frozen=True)
class Due:
    due: datetime.date | None  # None: nothing more is planned (or the target ended)
    overdue: bool = False

    def within(self, on: datetime.date, days: int) -> bool:
        """Whether the visit is due by ``days`` after ``on`` (overdue ones included)."""
        return self.due is not None and self.due <= on + datetime.timedelta(days=days)


NOTHING_DUE = Due(None)


def _at(due: datetime.date, on: datetime.date) -> Due:
    return Due(due, overdue=on > due)


def _postpartum(delivered: datetime.date, visits: list[datetime.date], on) -> Due:
    for start, end in POSTPARTUM_WINDOWS:
        first, last = (delivered + datetime.timedelta(days=d) for d in (start, end))
        if any(first <= v <= last for v in visits):
            continue
        if last >= on or not any(v > last for v in visits):
            return _at(last, on)
    return NOTHING_DUE


def _catin(target: Target, visits: list[datetime.date], on) -> Due:
    if visits:
        return NOTHING_DUE
    ideal = months_before(target.tanggal_rencana_nikah, MONTHS_BEFORE_MARRIAGE)
    # Registered too late for the ideal: the day before the marriage is the last chance.
    last_chance = _days_before(target.tanggal_rencana_nikah, 1)
    return _at(ideal if target.tanggal_daftar <= ideal else last_chance, on)


def visit_due(target: Target, visits: Iterable[datetime.date], on: datetime.date) -> Due:
    """The next visit ``target`` needs on day ``on``, given the dates of its visits so far
    (visits after ``on`` are not counted)."""
    if not target_state(target, on).active:
        return NOTHING_DUE
    done = sorted(v for v in visits if v <= on)
    kind = target.kind
    if kind == TargetKind.PASCA_PERSALINAN:
        return _postpartum(target.tanggal_persalinan, done, on)
    if kind == TargetKind.CATIN:
        return _catin(target, done, on)
    if done:
        return _at(done[-1] + datetime.timedelta(days=INTERVAL_DAYS[kind]), on)
    return _at(target.tanggal_daftar + datetime.timedelta(days=FIRST_VISIT_DAYS), on)


def catin_visited_early_enough(target: Target, visits: Iterable[datetime.date]) -> bool:
    """Whether a catin had a visit at least three months before the planned marriage."""
    ideal = months_before(target.tanggal_rencana_nikah, MONTHS_BEFORE_MARRIAGE)
    return any(v <= ideal for v in visits)


def _days_before(day: datetime.date, days: int) -> datetime.date:
    """``days`` before ``day``, or the calendar's first day (a date typed as year 1)."""
    try:
        return day - datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.min
