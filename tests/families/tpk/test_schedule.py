"""When each kind of target is due for a visit, and when that visit is overdue."""

import datetime

from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.schedule import catin_visited_early_enough, visit_due
from kampungkb.growth.models import Child

D = datetime.date
DAY = datetime.timedelta(days=1)
REGISTERED = D(2025, 1, 1)


def _target(kind, **values):
    return Target(kind=kind, nama="Sasaran Sintetis", tanggal_daftar=REGISTERED, **values)


def test_a_pregnant_woman_is_due_monthly_after_her_last_visit():
    hamil = _target(TargetKind.IBU_HAMIL, hpht=D(2024, 11, 1))
    first = visit_due(hamil, [], REGISTERED)
    assert (first.due, first.overdue) == (REGISTERED + 14 * DAY, False)
    assert visit_due(hamil, [], REGISTERED + 15 * DAY).overdue
    visited = D(2025, 1, 10)
    assert visit_due(hamil, [visited], visited + 30 * DAY).due == visited + 30 * DAY
    assert not visit_due(hamil, [visited], visited + 30 * DAY).overdue
    assert visit_due(hamil, [visited], visited + 31 * DAY).overdue


def test_a_visit_after_the_day_asked_about_does_not_count():
    hamil = _target(TargetKind.IBU_HAMIL, hpht=D(2024, 11, 1))
    assert visit_due(hamil, [D(2025, 3, 1)], D(2025, 2, 1)).overdue


def test_a_baduta_is_due_monthly_and_a_balita_quarterly():
    child = Child(nama="Anak", tanggal_lahir=D(2024, 6, 1))
    last = D(2025, 2, 1)
    assert visit_due(_target(TargetKind.BADUTA, child=child), [last], last).due == last + 30 * DAY
    older = Child(nama="Anak", tanggal_lahir=D(2022, 6, 1))
    assert visit_due(_target(TargetKind.BALITA, child=older), [last], last).due == last + 90 * DAY


def test_pasca_persalinan_windows_days_1_7_8_28_29_42():
    born = D(2025, 3, 1)
    nifas = _target(TargetKind.PASCA_PERSALINAN, tanggal_persalinan=born)
    assert visit_due(nifas, [], born).due == born + 7 * DAY
    # Window 1 missed, nobody came since: overdue from day 8.
    late = visit_due(nifas, [], born + 8 * DAY)
    assert (late.due, late.overdue) == (born + 7 * DAY, True)
    # A visit on day 10 catches window 1 up and fills window 2: next is window 3 (day 42).
    caught = visit_due(nifas, [born + 10 * DAY], born + 11 * DAY)
    assert (caught.due, caught.overdue) == (born + 42 * DAY, False)
    # Every window visited: nothing more.
    assert (
        visit_due(nifas, [born + 3 * DAY, born + 20 * DAY, born + 35 * DAY], born + 36 * DAY).due
        is None
    )
    # Past day 42 the stage has ended: nothing is due.
    assert visit_due(nifas, [], born + 43 * DAY).due is None


def test_a_catin_is_due_three_months_before_the_marriage_or_before_it_when_registered_late():
    early = _target(TargetKind.CATIN, tanggal_rencana_nikah=D(2025, 6, 1))
    # Three calendar months, as the screening counts them (was 90 days: 3 March).
    assert visit_due(early, [], REGISTERED).due == D(2025, 3, 1)
    assert visit_due(early, [], D(2025, 3, 2)).overdue
    assert visit_due(early, [D(2025, 2, 1)], D(2025, 5, 1)).due is None
    late = _target(TargetKind.CATIN, tanggal_rencana_nikah=D(2025, 2, 1))
    assert visit_due(late, [], REGISTERED).due == D(2025, 1, 31)
    assert catin_visited_early_enough(early, [D(2025, 3, 1)])
    assert not catin_visited_early_enough(early, [D(2025, 3, 2)])


def test_an_ended_target_is_never_due():
    catin = _target(
        TargetKind.CATIN, tanggal_rencana_nikah=D(2025, 6, 1), tanggal_nikah=D(2025, 6, 1)
    )
    assert visit_due(catin, [], D(2025, 6, 2)).due is None


def test_a_catin_visited_and_screened_on_the_day_due_counts_as_three_months_before():
    """The schedule and the screening count "three months before the marriage" the same way
    (calendar months, ``screening.rules.months_before``): 90 days before a marriage on 1 June
    2025 is 3 March, and a catin visited and screened on the day the schedule asked was
    counted as screened too late (the screening needs 1 March)."""
    from kampungkb.families.tpk.screening import rules as screening_rules

    for marriage in (D(2025, 6, 1), D(2025, 5, 31), D(2025, 8, 31), D(2025, 4, 15)):
        catin = _target(TargetKind.CATIN, tanggal_rencana_nikah=marriage)
        due = visit_due(catin, [], REGISTERED).due
        assert due == screening_rules.months_before(marriage, 3)
        assert screening_rules.early_enough(due, marriage)
        assert catin_visited_early_enough(catin, [due])
        assert not catin_visited_early_enough(catin, [due + DAY])
        assert not screening_rules.early_enough(due + DAY, marriage)
