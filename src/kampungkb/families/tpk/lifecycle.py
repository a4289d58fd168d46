"""When a TPK target's stage ends, computed on any date.

The rules (issue 14): a catin ends when the marriage is recorded and its date has come; a
pregnancy ends at the recorded delivery (the mother then becomes a pasca persalinan target); the
pasca persalinan stage lasts 42 days after delivery (day 42 is still inside it); a baduta ends
on the child's second birthday (then a balita) and a balita on the fifth.

``target_state`` reads only the target's own fields, so it answers for a past or future date
as well as for today; ``services.targets_transition`` writes what it says.
"""

import datetime
from dataclasses import dataclass

from kampungkb.families.tpk.models import EndReason, Target, TargetKind

POSTPARTUM_DAYS = 42
# The estimated due date is 280 days (40 weeks) after the first day of the last period.
PREGNANCY_DAYS = 280


@dataclass(frozen=True)
class TargetState:
    active: bool
    reason: str = ""  # an EndReason when ended
    ended_on: datetime.date | None = None
    next_kind: str = ""  # the stage the person moves on to, if any


ACTIVE = TargetState(active=True)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year; the
    calendar's first or last day past its ends (a date typed as year 1 or 9999).

    >>> add_years(datetime.date(2024, 2, 29), 2)
    datetime.date(2026, 3, 1)
    >>> add_years(datetime.date(1, 6, 1), -1), add_years(datetime.date(9999, 6, 1), 1)
    (datetime.date(1, 1, 1), datetime.date(9999, 12, 31))
    """
    year = day.year + years
    if year < datetime.MINYEAR:
        return datetime.date.min
    if year > datetime.MAXYEAR:
        return datetime.date.max
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, month=3, day=1)


def _ended(reason: str, on: datetime.date, next_kind: str = "") -> TargetState:
    return TargetState(active=False, reason=reason, ended_on=on, next_kind=next_kind)


def target_state(target: Target, on: datetime.date) -> TargetState:
    """The state of ``target`` on day ``on`` by the life-cycle rule (an end already written
    on the target stands)."""
    if not target.aktif:
        return TargetState(False, target.alasan_selesai, target.tanggal_selesai)
    kind = target.kind
    if kind == TargetKind.CATIN:
        if target.tanggal_nikah and target.tanggal_nikah <= on:
            return _ended(EndReason.MARRIED, target.tanggal_nikah)
    elif kind == TargetKind.IBU_HAMIL:
        if target.tanggal_persalinan and target.tanggal_persalinan <= on:
            return _ended(
                EndReason.DELIVERED, target.tanggal_persalinan, TargetKind.PASCA_PERSALINAN
            )
    elif kind == TargetKind.PASCA_PERSALINAN:
        last = target.tanggal_persalinan + datetime.timedelta(days=POSTPARTUM_DAYS)
        if on > last:
            return _ended(EndReason.POSTPARTUM_OVER, last + datetime.timedelta(days=1))
    elif kind in (TargetKind.BADUTA, TargetKind.BALITA):
        born = target.child.tanggal_lahir
        if kind == TargetKind.BADUTA and on >= add_years(born, 2):
            return _ended(EndReason.TURNED_TWO, add_years(born, 2), TargetKind.BALITA)
        if on >= add_years(born, 5):
            return _ended(EndReason.TURNED_FIVE, add_years(born, 5))
    return ACTIVE


def estimated_hpht(target: Target) -> datetime.date | None:
    """The first day of the last period, given or counted back from the due date."""
    if target.hpht:
        return target.hpht
    if target.hpl:
        return target.hpl - datetime.timedelta(days=PREGNANCY_DAYS)
    return None


def estimated_due_date(target: Target) -> datetime.date | None:
    if target.hpl:
        return target.hpl
    if target.hpht:
        return target.hpht + datetime.timedelta(days=PREGNANCY_DAYS)
    return None


@dataclass(frozen=True)
class GestationalAge:
    weeks: int
    days: int
    trimester: int


def gestational_age(target: Target, on: datetime.date) -> GestationalAge | None:
    """Completed weeks and days of pregnancy on ``on`` and the trimester (1: up to 12 weeks,
    2: 13-27 weeks, 3: from 28 weeks, as the Buku KIA counts them); ``None`` before the HPHT
    or without it."""
    start = estimated_hpht(target)
    if start is None or on < start:
        return None
    total = (on - start).days
    weeks, days = divmod(total, 7)
    trimester = 1 if weeks < 13 else 2 if weeks < 28 else 3
    return GestationalAge(weeks, days, trimester)
