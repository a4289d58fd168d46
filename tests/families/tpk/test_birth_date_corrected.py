"""A child's date of birth corrected in growth moves the TPK stages its age ends (baduta at 2,
balita at 5) as the nightly transition would have placed them with the right date: the lists
of whom to visit, the workload and the scorecard then count the child in the right stage."""

import datetime

from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk import selectors, services, services_visits
from kampungkb.families.tpk.lifecycle import add_years
from kampungkb.families.tpk.models import EndReason, Target, TargetKind
from kampungkb.growth import services as growth
from tests import factories
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)


def _baduta(child, registered):
    return services.target_register(
        user=None, kind=TargetKind.BADUTA, child=child, tanggal_daftar=registered
    )


def _updates(target) -> list[dict]:
    return list(
        AuditEntry.objects.filter(
            object_type="families.target", object_id=str(target.pk), action=AuditAction.UPDATE
        )
        .order_by("pk")
        .values_list("changes", flat=True)
    )


def test_a_child_found_older_ends_the_baduta_on_the_real_second_birthday(users, today):
    tpk.team()
    child = factories.child(tanggal_lahir=today - 600 * DAY)
    baduta = _baduta(child, today - 60 * DAY)
    born = add_years(today - 20 * DAY, -2)  # turned two 20 days ago
    growth.child_update(user=users["desa"], child=child, tanggal_lahir=born)
    baduta.refresh_from_db()
    assert (baduta.aktif, baduta.alasan_selesai) == (False, EndReason.TURNED_TWO)
    assert (baduta.tanggal_selesai, baduta.tanggal_lahir) == (today - 20 * DAY, born)
    balita = baduta.next_stage
    assert (balita.kind, balita.aktif, balita.tanggal_daftar) == (
        TargetKind.BALITA,
        True,
        today - 20 * DAY,
    )
    # Audited as the nightly transition writes it, under the user who corrected the date.
    entry = AuditEntry.objects.get(
        object_type="families.target",
        object_id=str(baduta.pk),
        action=AuditAction.UPDATE,
        changes__has_key="aktif",
    )
    assert entry.actor == users["desa"]
    assert entry.changes["alasan_selesai"] == ["", EndReason.TURNED_TWO]


def test_a_baduta_ended_by_a_wrong_birth_date_moves_its_end_to_the_real_birthday(users, today):
    tpk.team()
    wrong = add_years(today - 30 * DAY, -2)
    child = factories.child(tanggal_lahir=wrong)
    baduta = _baduta(child, today - 90 * DAY)
    services.targets_transition(user=None, on=today)
    balita = Target.objects.get(previous=baduta)
    assert balita.tanggal_daftar == today - 30 * DAY
    right = add_years(today - 10 * DAY, -2)  # born 20 days later: turned two 10 days ago
    growth.child_update(user=users["desa"], child=child, tanggal_lahir=right)
    baduta.refresh_from_db()
    balita.refresh_from_db()
    assert (baduta.aktif, baduta.tanggal_selesai) == (False, today - 10 * DAY)
    assert (balita.aktif, balita.tanggal_daftar) == (True, today - 10 * DAY)
    assert balita.previous == baduta
    assert {"tanggal_selesai": [str(today - 30 * DAY), str(today - 10 * DAY)]}.items() <= (
        _updates(baduta)[-1].items()
    )


def test_a_baduta_ended_by_a_wrong_birth_date_is_active_again_with_its_visits(users, today):
    """The child is 20 months old: still a baduta, visited monthly. The balita the wrong date
    opened is undone (closed as registered by mistake on its first day: out of the lists and
    the scorecard) and its visit counts for the baduta."""
    tim = tpk.team()
    child = factories.child(tanggal_lahir=add_years(today - 30 * DAY, -2))
    baduta = _baduta(child, today - 90 * DAY)
    services.targets_transition(user=None, on=today)
    balita = Target.objects.get(previous=baduta)
    visit = services_visits.visit_record(
        user=users["desa"], target=balita, tanggal=today - 5 * DAY, jenis="kie"
    )
    growth.child_update(user=users["desa"], child=child, tanggal_lahir=today - 600 * DAY)
    baduta.refresh_from_db()
    balita.refresh_from_db()
    visit.refresh_from_db()
    assert (baduta.aktif, baduta.tanggal_selesai, baduta.alasan_selesai) == (True, None, "")
    assert (balita.aktif, balita.alasan_selesai) == (False, EndReason.MISTAKE)
    assert (balita.tanggal_selesai, balita.previous) == (today - 30 * DAY, None)
    assert "tanggal lahir" in balita.catatan_selesai
    assert visit.target == baduta
    assert AuditEntry.objects.filter(
        object_type="families.visit", object_id=str(visit.pk), changes__has_key="target"
    ).exists()
    # The team's lists: the baduta, visited 5 days ago, is not overdue; no balita is left.
    assert selectors.overdue(user=users["desa"], on=today, team=tim) == []
    (load,) = selectors.workload(user=users["desa"], on=today)
    assert load.active_by_kind == {TargetKind.BADUTA: 1}
    # On the real second birthday the nightly transition opens a new balita.
    second = add_years(today - 600 * DAY, 2)
    assert services.targets_transition(user=None, on=second) == 1
    assert Target.objects.get(previous=baduta).tanggal_daftar == second


def test_a_balita_ended_at_five_by_a_wrong_date_is_active_again(users, today):
    tpk.team()
    child = factories.child(tanggal_lahir=add_years(today - 400 * DAY, -2))
    balita = services.target_register(
        user=None, kind=TargetKind.BALITA, child=child, tanggal_daftar=today - 30 * DAY
    )
    # A wrong date of birth (five years and a week ago) and the nightly run on it.
    child.tanggal_lahir = add_years(today - 7 * DAY, -5)
    child.save(update_fields=["tanggal_lahir"])
    services.targets_transition(user=None, on=today)
    balita.refresh_from_db()
    assert balita.alasan_selesai == EndReason.TURNED_FIVE
    growth.child_update(user=users["desa"], child=child, tanggal_lahir=today - 1500 * DAY)
    balita.refresh_from_db()
    assert (balita.aktif, balita.tanggal_selesai) == (True, None)


def test_a_target_closed_by_hand_keeps_its_close(users, today):
    tpk.team()
    child = factories.child(tanggal_lahir=today - 600 * DAY)
    baduta = _baduta(child, today - 60 * DAY)
    services.target_close(
        user=None, target=baduta, tanggal=today - 10 * DAY, alasan=EndReason.MOVED_OUT
    )
    growth.child_update(user=users["desa"], child=child, tanggal_lahir=today - 300 * DAY)
    baduta.refresh_from_db()
    assert (baduta.aktif, baduta.alasan_selesai) == (False, EndReason.MOVED_OUT)
    assert baduta.tanggal_selesai == today - 10 * DAY


def test_the_growth_edit_page_corrects_the_stage_too(client, users, today):
    tpk.team()
    child = factories.child(tanggal_lahir=today - 600 * DAY, nama="Anak Koreksi")
    baduta = _baduta(child, today - 60 * DAY)
    client.force_login(users["desa"])
    born = add_years(today - DAY, -2)
    data = {
        "nama": child.nama,
        "jenis_kelamin": child.jenis_kelamin,
        "tanggal_lahir": born.isoformat(),
        "nama_ibu": child.nama_ibu,
    }
    response = client.post(reverse("growth:child_edit", args=[child.pk]), data)
    assert response.status_code == 302
    baduta.refresh_from_db()
    assert (baduta.aktif, baduta.tanggal_selesai) == (False, today - DAY)
    assert baduta.next_stage.aktif
