"""Closing a TPK target by hand (moved out, died, registered by mistake, another reason) and
reopening one closed by mistake: the date rules, who may, the audit trail; the lists of whom
to visit and the scorecard before and after the close date; the pages (a refused form answers
400 with the message beside its field, another desa's target is not found)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk import selectors, services, services_visits
from kampungkb.families.tpk.pregnancy import selectors as pregnancy_selectors
from kampungkb.families.tpk.scorecard import selectors as scorecard
from kampungkb.families.tpk.scorecard.quarters import Quarter
from kampungkb.families.tpk.screening import selectors as screening_selectors
from tests import factories
from tests.families.tpk import factories as tpk
from tests.families.tpk.scorecard import helpers

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(users, today):
    tpk.team()
    return {
        "users": users,
        # Registered 40 days ago and never visited: overdue.
        "late": tpk.pregnant(nama="Ibu Terlambat Sintetis", tanggal_daftar=today - 40 * DAY),
        "catin": tpk.catin(nama="Catin Pindah Sintetis"),
        "other": tpk.pregnant(factories.BATU_PENYU, nama="Ibu Gantung Sintetis"),
    }


def _refresh(target):
    target.refresh_from_db()
    return target


def _updates(target):
    return list(
        AuditEntry.objects.filter(
            action=AuditAction.UPDATE, object_type="families.target", object_id=str(target.pk)
        ).order_by("pk")
    )


# --- services -------------------------------------------------------------------------------


def test_closing_a_target_ends_it_from_the_date_with_its_reason_and_is_audited(world, today):
    desa = world["users"]["desa"]
    target = services.target_close(
        user=desa,
        target=world["late"],
        tanggal=today - 5 * DAY,
        alasan="pindah",
        catatan="Pindah ke Pangkalpinang",
    )
    target = _refresh(target)
    assert (target.aktif, target.tanggal_selesai, target.alasan_selesai) == (
        False,
        today - 5 * DAY,
        "pindah",
    )
    assert target.closed_by_hand and target.catatan_selesai == "Pindah ke Pangkalpinang"
    entry = _updates(target)[-1]
    assert entry.actor == desa
    assert entry.changes["aktif"] == [True, False]
    assert entry.changes["tanggal_selesai"] == [None, (today - 5 * DAY).isoformat()]
    assert entry.changes["alasan_selesai"] == ["", "pindah"]
    assert entry.changes["catatan_selesai"] == ["", "Pindah ke Pangkalpinang"]


def test_a_close_date_in_the_future_is_rejected(world, today):
    with pytest.raises(ValidationError) as exc:
        services.target_close(
            user=None, target=world["late"], tanggal=today + DAY, alasan="meninggal"
        )
    assert "tanggal" in exc.value.message_dict
    assert _refresh(world["late"]).aktif


def test_a_close_date_before_the_registration_is_rejected(world, today):
    with pytest.raises(ValidationError) as exc:
        services.target_close(
            user=None, target=world["late"], tanggal=today - 41 * DAY, alasan="pindah"
        )
    assert "didaftarkan pada" in tpk.error_messages(exc.value)["tanggal"][0]
    assert _refresh(world["late"]).aktif


def test_another_reason_needs_a_note_and_an_unknown_reason_is_rejected(world, today):
    with pytest.raises(ValidationError) as exc:
        services.target_close(user=None, target=world["late"], tanggal=today, alasan="lainnya")
    assert "catatan" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        # A life-cycle reason is the rule's to write, not the user's.
        services.target_close(user=None, target=world["late"], tanggal=today, alasan="melahirkan")
    assert "alasan" in exc.value.message_dict
    assert _refresh(world["late"]).aktif


def test_a_close_after_the_stage_ended_by_its_rule_is_rejected(users, today):
    # Delivered 50 days ago: her 42 days ended before today, though not yet written.
    mother = tpk.mother(days_since=50)
    with pytest.raises(ValidationError) as exc:
        services.target_close(user=None, target=mother, tanggal=today, alasan="pindah")
    assert "pilih tanggal yang lebih awal" in tpk.error_messages(exc.value)["tanggal"][0]


def test_a_closed_target_cannot_be_closed_again(world, today):
    services.target_close(user=None, target=world["late"], tanggal=today, alasan="pindah")
    with pytest.raises(ValidationError):
        services.target_close(user=None, target=world["late"], tanggal=today, alasan="meninggal")


def test_another_desas_operator_and_the_read_only_roles_may_not_close(world, today):
    users = world["users"]
    with pytest.raises(PermissionDenied):
        services.target_close(
            user=users["desa"], target=world["other"], tanggal=today, alasan="pindah"
        )
    for role in ("mitra", "viewer"):
        with pytest.raises(PermissionDenied):
            services.target_close(
                user=users[role], target=world["late"], tanggal=today, alasan="pindah"
            )
    assert _refresh(world["other"]).aktif and _refresh(world["late"]).aktif


def test_reopening_undoes_a_close_by_mistake_and_is_audited_with_its_reason(world, today):
    desa = world["users"]["desa"]
    services.target_close(user=desa, target=world["late"], tanggal=today, alasan="meninggal")
    target = services.target_reopen(user=desa, target=world["late"], alasan="Salah orang")
    target = _refresh(target)
    assert (target.aktif, target.tanggal_selesai, target.alasan_selesai) == (True, None, "")
    assert target.catatan_buka == "Salah orang"
    entry = _updates(target)[-1]
    assert entry.actor == desa
    assert entry.changes["aktif"] == [False, True]
    assert entry.changes["alasan_selesai"] == ["meninggal", ""]
    assert entry.changes["catatan_buka"] == ["", "Salah orang"]
    assert world["late"] in [r.target for r in selectors.overdue(user=desa, on=today)]


def test_only_a_close_by_hand_can_be_reopened_and_only_with_a_reason(world, today):
    with pytest.raises(ValidationError):
        services.target_reopen(user=None, target=world["late"], alasan="Masih hamil")
    services.marriage_record(user=None, target=world["catin"], tanggal_nikah=today)
    with pytest.raises(ValidationError):
        services.target_reopen(user=None, target=world["catin"], alasan="Belum menikah")
    services.target_close(user=None, target=world["late"], tanggal=today, alasan="pindah")
    with pytest.raises(ValidationError) as exc:
        services.target_reopen(user=None, target=world["late"], alasan="  ")
    assert "alasan" in exc.value.message_dict


def test_another_desas_operator_may_not_reopen(world, today):
    services.target_close(user=None, target=world["other"], tanggal=today, alasan="pindah")
    with pytest.raises(PermissionDenied):
        services.target_reopen(user=world["users"]["desa"], target=world["other"], alasan="x")
    assert not _refresh(world["other"]).aktif


def test_no_visit_after_the_close_date_but_one_before_it_is_kept(world, today):
    services.target_close(user=None, target=world["late"], tanggal=today - 3 * DAY, alasan="pindah")
    target = _refresh(world["late"])
    with pytest.raises(ValidationError) as exc:
        services_visits.visit_record(user=None, target=target, tanggal=today, jenis="kie")
    message = tpk.error_messages(exc.value)["tanggal"][0]
    assert "Sasaran ditutup pada" in message and "Pindah ke luar wilayah" in message
    services_visits.visit_record(user=None, target=target, tanggal=today - 4 * DAY, jenis="kie")


# --- lists and the scorecard ----------------------------------------------------------------


def test_a_closed_target_leaves_the_overdue_week_and_pregnancy_lists(world, today):
    admin = world["users"]["admin"]
    late = world["late"]
    team = late.team

    def listed():
        return {
            "overdue": late in [r.target for r in selectors.overdue(user=admin, on=today)],
            "week": late in [r.target for r in selectors.to_visit(user=admin, team=team, on=today)],
            "pregnant": late
            in [r.target for r in pregnancy_selectors.pregnancy_list(user=admin, on=today)],
            "workload": next(
                w.overdue for w in selectors.workload(user=admin, on=today) if w.team == team
            ),
        }

    assert listed() == {"overdue": True, "week": True, "pregnant": True, "workload": 1}
    services.target_close(user=None, target=late, tanggal=today - 2 * DAY, alasan="pindah")
    assert listed() == {"overdue": False, "week": False, "pregnant": False, "workload": 0}


def test_a_catin_closed_shows_its_reason_and_a_mistake_leaves_the_counts(world, today):
    admin = world["users"]["admin"]
    services.target_close(user=None, target=world["catin"], tanggal=today, alasan="salah_daftar")
    counts = screening_selectors.catin_counts_per_desa(user=admin)
    assert sum(c.registered for c in counts) == 0
    rows = screening_selectors.catin_rows(user=admin)
    assert [r.target.closed_by_hand for r in rows] == [True]


def _card(users, quarter, today):
    return scorecard.scorecard_for_desa(
        user=users["admin"], desa=factories.wilayah(factories.KURNIA_JAYA), quarter=quarter,
        today=today,
    )  # fmt: skip


def test_the_scorecard_drops_a_closed_target_from_later_quarters_only(users):
    q2, q3, q4 = Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4)
    today = {q2: datetime.date(2025, 7, 15), q3: helpers.AFTER, q4: datetime.date(2026, 1, 15)}
    child = helpers.baduta(datetime.date(2024, 9, 1), registered=datetime.date(2025, 1, 1))

    def denominators():
        return {q: (_card(users, q, today[q]).targets.anak, _card(users, q, today[q]).applicable)
                for q in (q2, q3, q4)}  # fmt: skip

    before = denominators()
    assert all(anak == 1 for anak, _ in before.values())
    services.target_close(
        user=None, target=child, tanggal=datetime.date(2025, 8, 1), alasan="meninggal"
    )
    after = denominators()
    # Before the close date nothing changes; in its quarter she counts until the day before.
    assert after[q2] == before[q2]
    assert after[q3][0] == 1
    assert after[q4] == (0, 0)


def test_a_target_closed_on_its_registration_day_is_in_no_quarter(users):
    q3 = Quarter(2025, 3)
    child = helpers.baduta(datetime.date(2024, 9, 1), registered=datetime.date(2025, 8, 1))
    services.target_close(
        user=None, target=child, tanggal=datetime.date(2025, 8, 1), alasan="salah_daftar"
    )
    assert _card(users, q3, helpers.AFTER).targets.anak == 0


# --- pages ----------------------------------------------------------------------------------


def _client(client, user):
    client.force_login(user)
    return client


def test_the_close_page_closes_and_the_target_page_says_so(world, client, today):
    c = _client(client, world["users"]["desa"])
    url = reverse("families:tpk_target_close", args=[world["late"].pk])
    assert c.get(url).status_code == 200
    response = c.post(
        url, {"tanggal": (today - DAY).isoformat(), "alasan": "pindah", "catatan": "Ke Jawa"}
    )
    assert response.status_code == 302
    page = c.get(reverse("families:tpk_target", args=[world["late"].pk]))
    html = page.content.decode()
    assert 'data-testid="closed"' in html and "Ke Jawa" in html
    assert reverse("families:tpk_target_reopen", args=[world["late"].pk]) in html
    # Closed: its close page sends back to the target.
    assert c.get(url).status_code == 302


def test_a_refused_close_is_shown_again_with_400_beside_the_date(world, client, today):
    c = _client(client, world["users"]["desa"])
    url = reverse("families:tpk_target_close", args=[world["late"].pk])
    future = {"tanggal": (today + DAY).isoformat(), "alasan": "pindah"}
    response = c.post(url, future, **HTMX)
    assert response.status_code == 400
    assert "Tanggal tidak boleh di masa depan." in response.content.decode()
    assert _refresh(world["late"]).aktif


def test_a_visit_posted_after_the_close_answers_400_with_the_message(world, client, today):
    services.target_close(user=None, target=world["late"], tanggal=today - DAY, alasan="pindah")
    c = _client(client, world["users"]["desa"])
    url = reverse("families:tpk_visit_create", args=[world["late"].pk])
    response = c.post(url, {"tanggal": today.isoformat(), "jenis": "kie"}, **HTMX)
    assert response.status_code == 400
    assert 'data-testid="visit-refused"' in response.content.decode()
    assert not world["late"].visits.exists()


def test_the_reopen_page_reopens_and_refuses_without_a_reason(world, client, today):
    services.target_close(user=None, target=world["late"], tanggal=today, alasan="meninggal")
    c = _client(client, world["users"]["desa"])
    url = reverse("families:tpk_target_reopen", args=[world["late"].pk])
    assert c.get(url).status_code == 200
    assert c.post(url, {"alasan": ""}, **HTMX).status_code == 400
    assert not _refresh(world["late"]).aktif
    assert c.post(url, {"alasan": "Salah orang"}).status_code == 302
    assert _refresh(world["late"]).aktif


@pytest.mark.parametrize("route", ["families:tpk_target_close", "families:tpk_target_reopen"])
def test_another_desas_target_is_not_found_and_read_only_roles_are_refused(
    world, client, route, today
):
    services.target_close(user=None, target=world["other"], tanggal=today, alasan="pindah")
    c = _client(client, world["users"]["desa"])
    url = reverse(route, args=[world["other"].pk])
    assert c.get(url).status_code == 404
    assert c.post(url, {"alasan": "x", "tanggal": today.isoformat()}).status_code == 404
    for role in ("mitra", "viewer"):
        c = _client(client, world["users"][role])
        assert c.get(reverse(route, args=[world["late"].pk])).status_code == 403
