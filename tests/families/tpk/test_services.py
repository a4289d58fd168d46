"""The TPK services: registering targets (from a family member or directly), teams and their
members, the life-cycle transitions, visits; the messages in Indonesian, the area."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kampungkb.convergence.cadres.models import TPK_ROLES
from kampungkb.convergence.cadres.services import cadre_save, tpk_member_assign
from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk import services, services_visits
from kampungkb.families.tpk.models import TEAM_ROLES, EndReason, Target, TargetKind
from tests import factories
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)


def _messages(exc: ValidationError) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}


def test_the_team_roles_are_convergences_tpk_roles():
    assert tuple(TEAM_ROLES) == tuple(r.value for r in TPK_ROLES)


def test_a_team_without_all_three_roles_is_flagged(beltim):
    full = tpk.team()
    short = tpk.team(factories.BATU_PENYU, roles=("tpk_bidan",))
    assert full.missing_roles() == []
    assert short.missing_roles() == ["tpk_pkk", "tpk_kb"]


def test_a_cadre_of_another_desa_or_role_cannot_join_a_team(beltim):
    tim = tpk.team(roles=())
    elsewhere = cadre_save(
        user=None, desa=factories.wilayah(factories.BATU_PENYU), nama="Bidan", peran="tpk_bidan"
    )
    kpm = cadre_save(user=None, desa=tim.desa, nama="KPM", peran="kpm")
    with pytest.raises(ValidationError, match="desa lain"):
        tpk_member_assign(user=None, team=tim, cadre=elsewhere)
    with pytest.raises(ValidationError, match="TPK"):
        tpk_member_assign(user=None, team=tim, cadre=kpm)


def test_a_new_target_goes_to_the_team_of_its_desa_and_is_audited(users, today):
    tim = tpk.team()
    hamil = services.target_register(
        user=users["desa"],
        kind=TargetKind.IBU_HAMIL,
        desa=tim.desa,
        nama="Ibu Sintetis",
        nik="1906010101900001",
        hpht=today - 60 * DAY,
    )
    assert hamil.team == tim
    entry = AuditEntry.objects.get(object_type="families.target", action=AuditAction.CREATE)
    # The trail keeps a masked NIK, never the whole one.
    assert "1906010101900001" not in str(entry.changes)


def test_a_target_registered_from_a_family_member_takes_the_members_identity(users, today):
    survey = factories.family_row(
        members=[
            {
                "nama": "Siti Sintetis",
                "nik": "1906015505950001",
                "hubungan": 2,
                "tanggal_lahir": "1995-05-15",
                "hamil": True,
            },
        ]
    )
    member = survey.members.get()
    hamil = services.target_register(
        user=users["desa"], kind=TargetKind.IBU_HAMIL, member=member, hpl=today + 100 * DAY
    )
    assert (hamil.nama, hamil.nik, hamil.desa_id, hamil.keluarga) == (
        "Siti Sintetis",
        "1906015505950001",
        factories.KURNIA_JAYA,
        survey.keluarga,
    )
    with pytest.raises(ValidationError, match="sudah menjadi sasaran aktif"):
        services.target_register(
            user=users["desa"], kind=TargetKind.IBU_HAMIL, member=member, hpl=today + 99 * DAY
        )


def test_registration_errors_name_the_field_in_indonesian(users, today):
    desa = factories.wilayah(factories.KURNIA_JAYA)
    with pytest.raises(ValidationError) as exc:
        services.target_register(
            user=users["desa"],
            kind=TargetKind.CATIN,
            desa=desa,
            nama="Catin",
            tanggal_rencana_nikah=None,
            nama_pasangan="",
        )
    assert _messages(exc.value) == {
        "tanggal_rencana_nikah": ["Isi tanggal rencana menikah."],
        "nama_pasangan": ["Isi nama pasangan (calon suami)."],
    }
    with pytest.raises(ValidationError) as exc:
        services.target_register(
            user=users["desa"],
            kind=TargetKind.IBU_HAMIL,
            desa=desa,
            nama="Ibu",
            hpht=today + DAY,
        )
    assert _messages(exc.value) == {
        "hpht": ["Hari pertama haid terakhir tidak boleh di masa depan."]
    }
    with pytest.raises(ValidationError) as exc:
        services.target_register(
            user=users["desa"],
            kind=TargetKind.IBU_HAMIL,
            desa=desa,
            nama="Ibu",
            hpl=today - 40 * DAY,
        )
    assert _messages(exc.value) == {
        "hpl": [
            "Hari perkiraan lahir ini sudah lewat lebih dari 4 minggu: catat persalinannya "
            "atau periksa tanggalnya."
        ]
    }


def test_another_desa_and_read_only_roles_are_refused(users, today):
    elsewhere = factories.wilayah(factories.BATU_PENYU)
    hamil = tpk.pregnant(elsewhere, nama="Ibu Lain")
    with pytest.raises(PermissionDenied):
        services.target_register(
            user=users["desa"], kind=TargetKind.IBU_HAMIL, desa=elsewhere, nama="Ibu", hpht=today
        )
    with pytest.raises(PermissionDenied):
        services_visits.visit_record(
            user=users["kecamatan"], target=hamil, tanggal=today, jenis="kie"
        )
    for role in ("mitra", "viewer"):
        with pytest.raises(PermissionDenied):
            services.target_register(
                user=users[role],
                kind=TargetKind.IBU_HAMIL,
                desa=factories.wilayah(factories.KURNIA_JAYA),
                nama="Ibu",
                hpht=today,
            )


def test_a_delivery_ends_the_pregnancy_and_opens_pasca_persalinan_with_bblr_flagged(users, today):
    tim = tpk.team()
    hamil = tpk.pregnant(weeks=38)
    nifas = services.delivery_record(
        user=users["desa"],
        target=hamil,
        tanggal_persalinan=today - 2 * DAY,
        berat_lahir=2400,
        panjang_lahir="47.5",
    )
    hamil.refresh_from_db()
    assert (hamil.aktif, hamil.alasan_selesai, hamil.tanggal_selesai) == (
        False,
        EndReason.DELIVERED,
        today - 2 * DAY,
    )
    assert (nifas.kind, nifas.team, nifas.previous, nifas.aktif) == (
        TargetKind.PASCA_PERSALINAN,
        tim,
        hamil,
        True,
    )
    assert nifas.is_bblr and nifas.is_short_at_birth


def test_the_birth_weight_and_length_come_from_the_babys_growth_record(users, today):
    hamil = tpk.pregnant(weeks=39)
    baby = factories.child(tanggal_lahir=today - DAY, berat_lahir="3.1", panjang_lahir="49.0")
    nifas = services.delivery_record(
        user=users["desa"], target=hamil, tanggal_persalinan=today - DAY, child=baby
    )
    assert (nifas.berat_lahir, float(nifas.panjang_lahir)) == (3100, 49.0)
    assert not nifas.is_bblr and not nifas.is_short_at_birth


def test_the_transition_closes_ended_stages_and_opens_the_next(users, today):
    tpk.team()
    child = factories.child(tanggal_lahir=today - 700 * DAY)
    baduta = services.target_register(
        user=None, kind=TargetKind.BADUTA, child=child, tanggal_daftar=today - 30 * DAY
    )
    catin = tpk.catin(days_to_marriage=10)
    assert services.targets_transition(user=users["desa"], on=today) == 0
    assert services.targets_transition(user=users["desa"], on=today + 40 * DAY) == 1
    baduta.refresh_from_db()
    assert (baduta.aktif, baduta.alasan_selesai) == (False, EndReason.TURNED_TWO)
    balita = baduta.next_stage
    assert (balita.kind, balita.child, balita.aktif) == (TargetKind.BALITA, child, True)
    # A catin whose planned day passed is not married until the marriage is recorded.
    assert Target.objects.get(pk=catin.pk).aktif
    services.marriage_record(user=users["desa"], target=catin, tanggal_nikah=today)
    catin.refresh_from_db()
    assert (catin.aktif, catin.alasan_selesai) == (False, EndReason.MARRIED)
    updates = AuditEntry.objects.filter(object_type="families.target", action=AuditAction.UPDATE)
    assert updates.filter(object_id=str(baduta.pk)).exists()


def test_a_visit_in_the_future_is_refused_beside_its_date(users, today):
    hamil = tpk.pregnant()
    with pytest.raises(ValidationError) as exc:
        services_visits.visit_record(
            user=users["desa"], target=hamil, tanggal=today + DAY, jenis="kie"
        )
    assert _messages(exc.value) == {"tanggal": ["Tanggal tidak boleh di masa depan."]}


def test_a_referral_needs_its_place_and_its_follow_up_comes_after_it(users, today):
    hamil = tpk.pregnant()
    with pytest.raises(ValidationError) as exc:
        services_visits.visit_record(
            user=users["desa"], target=hamil, tanggal=today, jenis="rujukan", rujukan=True
        )
    assert _messages(exc.value) == {"rujukan_ke": ["Sebutkan ke mana sasaran dirujuk."]}
    visit = services_visits.visit_record(
        user=users["desa"],
        target=hamil,
        tanggal=today - 5 * DAY,
        jenis="rujukan",
        rujukan=True,
        rujukan_ke="Puskesmas Manggar",
        temuan="Anemia",
    )
    assert visit.team == hamil.team
    with pytest.raises(ValidationError, match="sebelum kunjungan"):
        services_visits.visit_followup_record(
            user=users["desa"],
            visit=visit,
            tindak_lanjut_tanggal=today - 6 * DAY,
            tindak_lanjut_hasil="Diperiksa",
        )
    services_visits.visit_followup_record(
        user=users["desa"],
        visit=visit,
        tindak_lanjut_tanggal=today,
        tindak_lanjut_hasil="Diperiksa",
    )
    visit.refresh_from_db()
    assert visit.tindak_lanjut_tanggal == today


def test_a_target_changes_team_only_within_its_desa(users):
    tpk.team()
    other = tpk.team(factories.BATU_PENYU)
    second = tpk.team(nama="TPK Kedua")
    hamil = tpk.pregnant()
    with pytest.raises(ValidationError, match="desa sasaran"):
        services.target_team_assign(user=users["desa"], target=hamil, team=other)
    services.target_team_assign(user=users["desa"], target=hamil, team=second)
    assert Target.objects.get(pk=hamil.pk).team == second


def test_the_daily_command_applies_the_transitions(users, today):
    from django.core.management import call_command

    nifas = services.target_register(
        user=None,
        kind=TargetKind.PASCA_PERSALINAN,
        desa=factories.wilayah(factories.KURNIA_JAYA),
        nama="Ibu Nifas Sintetis",
        tanggal_persalinan=today - 43 * DAY,
        tanggal_daftar=today - 43 * DAY,
    )
    call_command("tpk_transition", date=today.isoformat())
    nifas.refresh_from_db()
    assert (nifas.aktif, nifas.alasan_selesai) == (False, EndReason.POSTPARTUM_OVER)


def test_the_daily_command_refuses_a_day_after_today(users, today):
    """A typo of the year (2027 for 2026) would end every stage due within it: a puerperium
    "over" on a date still to come, its next stage opened, with no undo."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    nifas = services.target_register(
        user=None,
        kind=TargetKind.PASCA_PERSALINAN,
        desa=factories.wilayah(factories.KURNIA_JAYA),
        nama="Ibu Nifas Sintetis",
        tanggal_persalinan=today - DAY,
        tanggal_daftar=today - DAY,
    )
    with pytest.raises(CommandError, match="tidak boleh setelah hari ini"):
        call_command("tpk_transition", date=(today + 365 * DAY).isoformat())
    nifas.refresh_from_db()
    assert nifas.aktif and nifas.tanggal_selesai is None


def test_a_member_replaced_in_their_role_leaves_an_entry_in_the_trail(users):
    """A cadre given the role another held removes that one's membership: the removal was
    recorded nowhere (only the new member's)."""
    tim = tpk.team()
    before = tim.memberships.get(peran="tpk_bidan")
    bidan = cadre_save(user=None, desa=tim.desa, nama="Bidan Baru Sintetis", peran="tpk_bidan")
    tpk_member_assign(user=users["desa"], team=tim, cadre=bidan)
    [entry] = AuditEntry.objects.filter(action=AuditAction.DELETE, actor=users["desa"])
    assert (entry.object_type, entry.object_id) == ("convergence.tpkmembership", str(before.pk))
    assert entry.wilayah_kode == tim.desa_id
    assert entry.changes["cadre"] == before.cadre_id
    assert tim.memberships.get(peran="tpk_bidan").cadre == bidan
