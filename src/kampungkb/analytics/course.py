"""Targets, provisional periods and the "on course" verdict: one definition of each, read by
the analysis dashboard and by the district target page (``convergence.review.target``).

* **The target of a year** is read off the stored targets (national: RPJMN/RPJPN, seeded by
  ``analytics.reference`` with their sources; the district's own, entered on the references
  page): between two target years on the straight line joining them, exactly (a fraction, so
  2026 between 18 % in 2025 and 14.2 % in 2029 is 17.05, shown 17,1 by ``core.rounding``).
* **The posyandu figure of a year** is the area's stored summary of that year (each child's
  latest valid measurement in the year), the same row the dashboard's trend shows.
* **A period is provisional** ("sementara") while it is still open (it ends after today) or
  when its coverage is low: fewer children measured than half the most measured in the
  :data:`REFERENCE_PERIODS` periods of its type before it. It is shown, marked, and never
  judged: the verdict is the latest complete period's.
* **A small n** (fewer than :data:`SMALL_N` children measured) is flagged: its 95 % interval
  is wide and one child moves the figure by several points.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kampungkb.analytics.cube import period_end
from kampungkb.analytics.models import (
    Group,
    Indicator,
    PeriodType,
    PrevalenceSummary,
    Target,
    TargetScope,
)
from kampungkb.core.rounding import exact, proportion

SMALL_N = 30
LOW_COVERAGE = Fraction(1, 2)
REFERENCE_PERIODS = 3

ON_COURSE_RULE = gettext_lazy(
    "An area is on course for a year when its posyandu prevalence of that year (each child's "
    "latest valid measurement in the year) is at or below the target for that year. Between "
    "two target years the target is read off the straight line joining them; after the last "
    "target year the last target holds; before the first there is none. Posyandu (e-PPGBM) "
    "and survey (SSGI/SKI) figures are judged separately."
)
PROVISIONAL_RULE = gettext_lazy(
    "A period is provisional while it has not ended, or when fewer children were measured "
    "than half the most measured in the three periods of its kind before it: it is shown "
    "but never judged, and the verdict is that of the latest complete period. Fewer than 30 "
    "children measured is marked small n: the interval is wide."
)


# --- targets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetPoint:
    tahun: int
    nilai: Fraction  # percent, exact
    sumber: str


def target_for_year(points, year: int) -> Fraction | None:
    """The target in ``year`` from ``(year, target %)`` points (or :class:`TargetPoint`),
    exactly, by the rule in :data:`ON_COURSE_RULE`.

    >>> target_for_year([(2025, 18), (2029, 14.2)], 2026)
    Fraction(341, 20)
    >>> target_for_year([(2025, 18)], 2024) is None, target_for_year([(2025, 18)], 2030)
    (True, Fraction(18, 1))
    """
    pairs = sorted(
        (p.tahun, p.nilai) if isinstance(p, TargetPoint) else (p[0], exact(p[1])) for p in points
    )
    if not pairs or year < pairs[0][0]:
        return None
    for (y0, v0), (y1, v1) in itertools.pairwise(pairs):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * Fraction(year - y0, y1 - y0)
    return pairs[-1][1]


def target_points(*, area, indicator: str = Indicator.STUNTING) -> dict[str, list[TargetPoint]]:
    """The national targets and the area's district's own, with their sources."""
    out = {TargetScope.NATIONAL: [], TargetScope.DISTRICT: []}
    for t in Target.objects.filter(indicator=indicator).filter(
        Q(scope=TargetScope.NATIONAL) | Q(scope=TargetScope.DISTRICT, wilayah_id=area.kode[:5])
    ):
        out[t.scope].append(TargetPoint(t.tahun, exact(t.nilai), t.sumber))
    for points in out.values():
        points.sort(key=lambda p: p.tahun)
    return out


# --- provisional periods -------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodStatus:
    open: bool = False  # the period has not ended yet
    low_coverage: bool = False  # far fewer children measured than in the periods before
    small_n: bool = False  # fewer than SMALL_N measured: a wide interval

    @property
    def provisional(self) -> bool:
        return self.open or self.low_coverage


def period_open(period_type: str, period_start: datetime.date | None, *, today=None) -> bool:
    """Whether the period has not ended yet (today is in it): its figures will change."""
    if period_start is None:
        return False
    return period_end(period_type, period_start) >= (today or timezone.localdate())


def period_status(
    *, period_type: str, period_start: datetime.date, n: int, reference_n: int | None, today
) -> PeriodStatus:
    """The status of one period's figure: ``reference_n`` is the most children measured in
    the periods of its type just before it (None when there is none).

    >>> import datetime as dt
    >>> period_status(period_type="month", period_start=dt.date(2026, 11, 1), n=2,
    ...               reference_n=None, today=dt.date(2026, 11, 29))
    PeriodStatus(open=True, low_coverage=False, small_n=True)
    >>> period_status(period_type="month", period_start=dt.date(2026, 10, 1), n=40,
    ...               reference_n=100, today=dt.date(2026, 11, 29)).provisional
    True
    """
    return PeriodStatus(
        open=period_open(period_type, period_start, today=today),
        low_coverage=bool(reference_n) and Fraction(n, reference_n) < LOW_COVERAGE,
        small_n=n < SMALL_N,
    )


def statuses(rows, *, today=None) -> dict[tuple[str, datetime.date], PeriodStatus]:
    """The status of each summary of one area and indicator, by ``(period type, start)``."""
    today = today or timezone.localdate()
    out = {}
    for period_type, group in itertools.groupby(
        sorted(rows, key=lambda r: (r.period_type, r.period_start)), key=lambda r: r.period_type
    ):
        earlier: list[int] = []
        for r in group:
            reference = max(earlier[-REFERENCE_PERIODS:], default=None)
            out[(period_type, r.period_start)] = period_status(
                period_type=period_type,
                period_start=r.period_start,
                n=r.n,
                reference_n=reference,
                today=today,
            )
            earlier.append(r.n)
    return out


@dataclass
class TrendPoint:
    """A trend row (a stored summary) with its status."""

    row: PrevalenceSummary
    status: PeriodStatus

    def __getattr__(self, name):  # the summary's fields, as the templates and sheets read them
        return getattr(self.row, name)


def trend_with_status(rows, *, today=None) -> list[TrendPoint]:
    """``rows`` (summaries of one area and indicator) each with its :class:`PeriodStatus`."""
    status = statuses(rows, today=today)
    return [TrendPoint(r, status[(r.period_type, r.period_start)]) for r in rows]


# --- the verdict ---------------------------------------------------------------------------


@dataclass
class CourseCheck:
    label: str
    year: int
    value: Fraction  # percent, exact (shown rounded by ``core.rounding``)
    target_scope: str
    target: Fraction | None
    status: PeriodStatus = PeriodStatus()
    n: int | None = None

    @property
    def on_course(self) -> bool | None:
        """None when there is no target or the figure is provisional (never judged)."""
        if self.target is None or self.status.provisional:
            return None
        return self.value <= self.target


@dataclass
class YearCourse:
    """One year of the posyandu figure against both targets."""

    tahun: int
    n: int
    cases: int
    prevalence: Fraction | None  # percent, exact
    status: PeriodStatus
    national: CourseCheck | None
    district: CourseCheck | None

    @property
    def verdict(self) -> CourseCheck | None:
        """The check the year is judged by: the district's own target when set."""
        if self.district is not None and self.district.target is not None:
            return self.district
        return self.national


def year_courses(*, user, area, years=None, today=None, points=None) -> list[YearCourse]:
    """The area's posyandu stunting figure of each year with data (``years``: only those)
    against the national and district targets (``points``: those of ``target_points``, read
    when not given), oldest first."""
    from django.utils.translation import gettext as _

    rows = list(
        PrevalenceSummary.objects.for_user(user)
        .filter(
            wilayah_kode=area.kode,
            group=Group.ALL,
            indicator=Indicator.STUNTING,
            period_type=PeriodType.YEAR,
        )
        .order_by("period_start")
    )
    status = statuses(rows, today=today)
    by_year = {r.period_start.year: r for r in rows}
    points = points if points is not None else target_points(area=area)
    label = _("Posyandu (e-PPGBM)")
    out = []
    for tahun in sorted(years if years is not None else by_year):
        r = by_year.get(tahun)
        value = proportion(r.cases, r.n) * 100 if r is not None and r.n else None
        s = status[(PeriodType.YEAR, r.period_start)] if r is not None else PeriodStatus()
        checks = {
            scope: CourseCheck(
                label, tahun, value, scope, target_for_year(points[scope], tahun), s, r.n
            )
            if value is not None
            else None
            for scope in (TargetScope.NATIONAL, TargetScope.DISTRICT)
        }
        out.append(
            YearCourse(
                tahun,
                r.n if r else 0,
                r.cases if r else 0,
                value,
                s,
                checks[TargetScope.NATIONAL],
                checks[TargetScope.DISTRICT],
            )
        )
    return out


def latest_judged(courses: list[YearCourse]) -> YearCourse | None:
    """The latest year with a figure that is not provisional: the one the area is judged by."""
    return next(
        (c for c in reversed(courses) if c.prevalence is not None and not c.status.provisional),
        None,
    )


def on_course_checks(*, user, area, surveys, today=None) -> list[CourseCheck]:
    """The dashboard's verdict: the latest complete year's posyandu figure (and the current
    year's, marked provisional and not judged), then the latest survey figure of the area,
    each against the national and the district target."""
    points = target_points(area=area)
    courses = year_courses(user=user, area=area, today=today, points=points)
    judged = latest_judged(courses)
    shown = [c for c in courses if c.prevalence is not None]
    shown = [c for c in shown if c is judged or (c.status.provisional and shown[-1] is c)]
    checks = [check for c in shown for check in (c.national, c.district)]
    own = [s for s in surveys if s.wilayah_id == area.kode]
    if own:
        s = own[0]
        for scope in (TargetScope.NATIONAL, TargetScope.DISTRICT):
            checks.append(
                CourseCheck(
                    s.get_survey_display(),
                    s.tahun,
                    exact(s.prevalensi),
                    scope,
                    target_for_year(points[scope], s.tahun),
                )
            )
    return checks


def selection_status(*, user, area, sel, today=None) -> PeriodStatus | None:
    """The status of the selected period's figure on the dashboard (None without one)."""
    if sel.period_start is None:
        return None
    rows = list(
        PrevalenceSummary.objects.for_user(user).filter(
            wilayah_kode=area.kode,
            group=Group.ALL,
            indicator=sel.indicator,
            period_type=sel.period_type,
            period_start__lte=sel.period_start,
        )
    )
    return statuses(rows, today=today).get((sel.period_type, sel.period_start))
