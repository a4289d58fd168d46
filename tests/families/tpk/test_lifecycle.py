"""The life-cycle rule of each kind of TPK target, on the days around each boundary."""

import datetime

import pytest

from kampungkb.families.tpk.lifecycle import add_years, gestational_age, target_state
from kampungkb.families.tpk.models import EndReason, Target, TargetKind
from kampungkb.growth.models import Child

D = datetime.date
DAY = datetime.timedelta(days=1)


def _target(kind, **values):
    return Target(kind=kind, nama="Sasaran Sintetis", tanggal_daftar=D(2025, 1, 1), **values)


def test_a_catin_stays_active_until_the_recorded_marriage_day():
    catin = _target(TargetKind.CATIN, tanggal_rencana_nikah=D(2025, 6, 1))
    # The planned date passing is not a marriage: it must be recorded.
    assert target_state(catin, D(2025, 7, 1)).active
    catin.tanggal_nikah = D(2025, 6, 8)
    assert target_state(catin, D(2025, 6, 7)).active
    ended = target_state(catin, D(2025, 6, 8))
    assert (ended.active, ended.reason, ended.ended_on) == (False, EndReason.MARRIED, D(2025, 6, 8))
    assert ended.next_kind == ""


def test_a_pregnancy_ends_at_the_delivery_and_becomes_pasca_persalinan():
    hamil = _target(TargetKind.IBU_HAMIL, hpht=D(2025, 1, 1), tanggal_persalinan=D(2025, 10, 5))
    assert target_state(hamil, D(2025, 10, 4)).active
    ended = target_state(hamil, D(2025, 10, 5))
    assert ended.reason == EndReason.DELIVERED
    assert ended.next_kind == TargetKind.PASCA_PERSALINAN


def test_pasca_persalinan_lasts_42_days_after_delivery():
    nifas = _target(TargetKind.PASCA_PERSALINAN, tanggal_persalinan=D(2025, 3, 1))
    assert target_state(nifas, D(2025, 3, 1) + 42 * DAY).active
    ended = target_state(nifas, D(2025, 3, 1) + 43 * DAY)
    assert (ended.reason, ended.ended_on) == (EndReason.POSTPARTUM_OVER, D(2025, 3, 1) + 43 * DAY)


@pytest.mark.parametrize(
    ("kind", "years", "reason", "next_kind"),
    [
        (TargetKind.BADUTA, 2, EndReason.TURNED_TWO, TargetKind.BALITA),
        (TargetKind.BALITA, 5, EndReason.TURNED_FIVE, ""),
    ],
)
def test_a_child_target_ends_on_the_birthday(kind, years, reason, next_kind):
    born = D(2023, 5, 10)
    target = _target(kind, child=Child(nama="Anak", tanggal_lahir=born))
    birthday = add_years(born, years)
    assert target_state(target, birthday - DAY).active
    ended = target_state(target, birthday)
    assert (ended.reason, ended.ended_on, ended.next_kind) == (reason, birthday, next_kind)


def test_a_leap_day_child_turns_two_on_the_first_of_march():
    target = _target(TargetKind.BADUTA, child=Child(nama="Anak", tanggal_lahir=D(2024, 2, 29)))
    assert target_state(target, D(2026, 2, 28)).active
    assert not target_state(target, D(2026, 3, 1)).active


def test_an_end_written_on_the_target_stands_on_any_day():
    target = _target(
        TargetKind.PASCA_PERSALINAN,
        tanggal_persalinan=D(2025, 3, 1),
        aktif=False,
        tanggal_selesai=D(2025, 4, 13),
        alasan_selesai=EndReason.POSTPARTUM_OVER,
    )
    assert not target_state(target, D(2025, 3, 2)).active


@pytest.mark.parametrize(
    ("days", "weeks", "trimester"),
    [(0, 0, 1), (90, 12, 1), (91, 13, 2), (195, 27, 2), (196, 28, 3), (280, 40, 3)],
)
def test_gestational_age_and_trimester_from_the_hpht(days, weeks, trimester):
    hamil = _target(TargetKind.IBU_HAMIL, hpht=D(2025, 1, 1))
    age = gestational_age(hamil, D(2025, 1, 1) + days * DAY)
    assert (age.weeks, age.trimester) == (weeks, trimester)


def test_gestational_age_from_the_due_date_alone():
    hamil = _target(TargetKind.IBU_HAMIL, hpl=D(2025, 10, 8))
    age = gestational_age(hamil, D(2025, 10, 8) - 14 * DAY)
    assert (age.weeks, age.days, age.trimester) == (38, 0, 3)
    assert gestational_age(hamil, D(2024, 12, 1)) is None
