"""The pages that run the TPK teams: a desa's team created and renamed by those who edit the
desa, a target given to another team (one at a time), a team's overdue list, and the
assignment of its three members from the desa's cadres (a convergence page)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kampungkb.convergence.cadres.models import TpkMembership
from kampungkb.convergence.cadres.services import cadre_save
from kampungkb.core.models import AuditEntry
from kampungkb.families.tpk import selectors, services
from kampungkb.families.tpk.models import Target, TpkTeam
from tests import factories
from tests.families.tpk import factories as tpk

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(users, today):
    team = tpk.team(nama="TPK Kurnia Satu")
    second = tpk.team(nama="TPK Kurnia Dua", roles=())
    other = tpk.team(factories.BATU_PENYU, nama="TPK Batu Penyu")
    late = tpk.pregnant(nama="Ibu Terlambat Sintetis", tanggal_daftar=today - 40 * DAY, team=team)
    return {
        "users": users,
        "team": team,
        "second": second,
        "other": other,
        "late": late,
        "elsewhere": tpk.pregnant(factories.BATU_PENYU, nama="Ibu Gantung Sintetis"),
    }


def _as(client, user):
    client.force_login(user)
    return client


def test_a_desa_operator_creates_a_team_and_a_taken_name_is_refused_beside_it(world, client):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_team_create")
    assert c.get(url).status_code == 200
    data = {"desa": factories.KURNIA_JAYA, "nama": "tpk kurnia satu", "aktif": "on"}
    bad = c.post(url, data, **HTMX)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Desa ini sudah memiliki tim dengan nama ini." in html and 'id="id_nama"' in html
    assert "is-invalid" in html
    good = c.post(url, data | {"nama": "TPK Kurnia Tiga"})
    tim = TpkTeam.objects.get(nama="TPK Kurnia Tiga")
    assert good.status_code == 302 and good["Location"] == reverse(
        "families:tpk_team", args=[tim.pk]
    )
    assert AuditEntry.objects.filter(object_type="families.tpkteam", object_id=str(tim.pk))
    # Another area's desa is not a choice of the desa operator.
    bad = c.post(url, data | {"desa": factories.BATU_PENYU, "nama": "Tim Luar"})
    assert bad.status_code == 400 and not TpkTeam.objects.filter(nama="Tim Luar").exists()


def test_a_team_is_renamed_and_another_areas_team_is_not_found(world, client):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_team_edit", args=[world["team"].pk])
    page = c.get(url)
    assert page.status_code == 200 and 'value="TPK Kurnia Satu"' in page.content.decode()
    bad = c.post(url, {"desa": factories.KURNIA_JAYA, "nama": " ", "aktif": "on"}, **HTMX)
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    good = c.post(url, {"desa": factories.KURNIA_JAYA, "nama": "TPK Kurnia Utama", "aktif": "on"})
    assert good.status_code == 302
    world["team"].refresh_from_db()
    assert world["team"].nama == "TPK Kurnia Utama"
    other = reverse("families:tpk_team_edit", args=[world["other"].pk])
    assert c.get(other).status_code == 404
    assert c.post(other, {"desa": factories.BATU_PENYU, "nama": "X"}).status_code == 404


def test_read_only_roles_may_not_run_teams(world, client):
    for role in ("mitra", "viewer"):
        c = _as(client, world["users"][role])
        for url in (
            reverse("families:tpk_team_create"),
            reverse("families:tpk_team_edit", args=[world["team"].pk]),
            reverse("families:tpk_team_overdue", args=[world["team"].pk]),
            reverse("families:tpk_target_team", args=[world["late"].pk]),
            reverse("convergence:tpk_members", args=[world["team"].pk]),
        ):
            assert c.get(url).status_code == 403, (role, url)
            assert c.post(url, {"nama": "X", "team": ""}).status_code == 403, (role, url)
    assert TpkTeam.objects.count() == 3


def test_a_target_changes_team_within_its_desa_only(world, client):
    c = _as(client, world["users"]["desa"])
    url = reverse("families:tpk_target_team", args=[world["late"].pk])
    assert world["late"].team == world["team"]
    page = c.get(url)
    assert page.status_code == 200 and "TPK Batu Penyu" not in page.content.decode()
    # The form names the target: a read of its record.
    seen = AuditEntry.objects.get(action="view", object_id=str(world["late"].pk))
    assert seen.actor == world["users"]["desa"]
    bad = c.post(url, {"team": world["other"].pk}, **HTMX)
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    good = c.post(url, {"team": world["second"].pk}, **HTMX)
    assert good.status_code == 200
    assert good["HX-Redirect"] == reverse("families:tpk_target", args=[world["late"].pk])
    assert Target.objects.get(pk=world["late"].pk).team == world["second"]
    far = reverse("families:tpk_target_team", args=[world["elsewhere"].pk])
    assert c.get(far).status_code == 404


def test_a_teams_overdue_list_holds_its_own_late_targets(world, client):
    c = _as(client, world["users"]["desa"])
    page = c.get(reverse("families:tpk_team_overdue", args=[world["team"].pk]))
    assert page.status_code == 200
    assert "Ibu Terlambat Sintetis" in page.content.decode()
    page = c.get(reverse("families:tpk_team_overdue", args=[world["second"].pk]))
    assert "Ibu Terlambat Sintetis" not in page.content.decode()
    far = reverse("families:tpk_team_overdue", args=[world["other"].pk])
    assert c.get(far).status_code == 404


def test_the_team_page_links_its_member_assignment(world, client):
    c = _as(client, world["users"]["desa"])
    page = c.get(reverse("families:tpk_team", args=[world["second"].pk])).content.decode()
    assert reverse("convergence:tpk_members", args=[world["second"].pk]) in page
    assert 'data-testid="team-incomplete"' in page
    viewer = _as(client, world["users"]["admin"])
    assert viewer.get(reverse("families:tpk_team", args=[world["team"].pk])).status_code == 200


def test_members_are_assigned_by_role_from_the_desas_cadres(world, client):
    desa = factories.wilayah(factories.KURNIA_JAYA)
    bidan = cadre_save(user=None, desa=desa, nama="Bidan Baru Sintetis", peran="tpk_bidan")
    far = cadre_save(
        user=None,
        desa=factories.wilayah(factories.BATU_PENYU),
        nama="Bidan Gantung Sintetis",
        peran="tpk_bidan",
    )
    c = _as(client, world["users"]["desa"])
    url = reverse("convergence:tpk_members", args=[world["second"].pk])
    page = c.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Bidan Baru Sintetis" in html
    read = AuditEntry.objects.filter(object_type="convergence.cadre", actor=world["users"]["desa"])
    assert bidan.pk in read.get().changes["ids"]
    assert "Bidan Gantung Sintetis" not in html
    bad = c.post(url, {"cadre": far.pk}, **HTMX)
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    assert c.post(url, {"cadre": ""}, **HTMX).status_code == 400
    good = c.post(url, {"cadre": bidan.pk}, **HTMX)
    assert good.status_code == 200 and good["HX-Redirect"] == url
    link = TpkMembership.objects.get(cadre=bidan)
    assert (link.team, link.peran) == (world["second"], "tpk_bidan")
    assert AuditEntry.objects.filter(
        object_type="convergence.tpkmembership", object_id=str(link.pk)
    ).exists()
    # The role changes hands: the new bidan replaces whoever held it in the first team.
    first = reverse("convergence:tpk_members", args=[world["team"].pk])
    assert c.post(first, {"cadre": bidan.pk}).status_code == 302
    assert world["team"].memberships.get(peran="tpk_bidan").cadre == bidan
    assert not world["second"].memberships.exists()
    assert c.get(reverse("convergence:tpk_members", args=[world["other"].pk])).status_code == 404


def test_a_team_with_active_targets_is_deactivated_only_giving_them_to_another(world, client):
    """An inactive team accompanies nobody: its active targets would stay on it, counted in
    its workload card and in no working team's. Deactivating it asks for the team that takes
    them over (naming how many), and moves them there, each move audited."""
    c = _as(client, world["users"]["desa"])
    team, second, late = world["team"], world["second"], world["late"]
    url = reverse("families:tpk_team_edit", args=[team.pk])
    page = c.get(url).content.decode()
    # The teams offered: the desa's other active teams, never itself nor another desa's.
    assert 'name="successor"' in page and "TPK Kurnia Dua" in page
    assert "TPK Batu Penyu" not in page
    data = {"desa": factories.KURNIA_JAYA, "nama": team.nama}
    bad = c.post(url, data, **HTMX)
    assert bad.status_code == 400
    assert "Tim ini masih mendampingi 1 sasaran aktif" in bad.content.decode()
    team.refresh_from_db()
    assert team.aktif
    good = c.post(url, data | {"successor": second.pk})
    assert good.status_code == 302
    team.refresh_from_db()
    assert not team.aktif
    assert Target.objects.get(pk=late.pk).team == second
    moved = AuditEntry.objects.get(
        object_type="families.target",
        object_id=str(late.pk),
        action="update",
        changes__has_key="team",
    )
    assert moved.changes["team"] == [team.pk, second.pk] and moved.actor == world["users"]["desa"]
    loads = {
        w.team.pk: w
        for w in selectors.workload(user=world["users"]["desa"], on=late.tanggal_daftar)
    }
    assert (loads[team.pk].active, loads[second.pk].active) == (0, 1)


def test_a_desas_last_active_team_keeps_its_targets_until_another_is_made(world):
    second = world["second"]
    tpk.pregnant(nama="Ibu Kedua Sintetis", team=second)
    services.team_save(
        user=None,
        team=world["team"],
        desa=second.desa,
        nama="TPK Kurnia Satu",
        aktif=False,
        successor=second,
    )
    with pytest.raises(ValidationError) as exc:
        services.team_save(user=None, team=second, desa=second.desa, nama=second.nama, aktif=False)
    assert tpk.error_messages(exc.value) == {
        "aktif": [
            "Tim ini masih mendampingi 2 sasaran aktif dan desa ini tidak memiliki tim aktif "
            "lain: buat tim baru dahulu, lalu serahkan sasaran kepadanya di sini."
        ]
    }
    # Nor may a team hand its targets to an inactive team or to itself.
    for successor in (world["team"], second):
        with pytest.raises(ValidationError, match="tim aktif lain dari desa yang sama"):
            services.team_save(
                user=None,
                team=second,
                desa=second.desa,
                nama=second.nama,
                aktif=False,
                successor=successor,
            )
    second.refresh_from_db()
    assert second.aktif and Target.objects.active().filter(team=second).count() == 2
