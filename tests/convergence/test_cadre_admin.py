"""A cadre deactivated, moved to another desa or given another role in Django admin leaves
their TPK team: the team then shows the role as missing, as it is."""

import pytest

from kampungkb.convergence.models import TpkMembership
from kampungkb.core.models import AuditEntry
from tests import factories
from tests.conftest import LALANG_JAYA
from tests.families.tpk import factories as tpk


@pytest.fixture
def root(client, beltim):
    client.force_login(factories.superuser())


def _admin_form(cadre, **changes) -> dict:
    data = {
        "desa": cadre.desa_id,
        "nama": cadre.nama,
        "peran": cadre.peran,
        "telepon": cadre.telepon,
        "aktif": "on" if cadre.aktif else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize(
    "changes",
    [{"aktif": ""}, {"desa": LALANG_JAYA}, {"peran": "kpm"}],
    ids=["deactivated", "moved", "another-role"],
)
def test_a_cadre_changed_in_the_admin_so_they_cannot_serve_leaves_the_team(client, root, changes):
    team = tpk.team()
    assert team.missing_roles() == []
    link = team.memberships.get(peran="tpk_bidan")
    cadre = link.cadre
    url = f"/admin/convergence/cadre/{cadre.pk}/change/"
    assert client.post(url, _admin_form(cadre, **changes)).status_code == 302
    assert not TpkMembership.objects.filter(pk=link.pk).exists()
    assert team.missing_roles() == ["tpk_bidan"]
    entry = AuditEntry.objects.filter(object_type="convergence.tpkmembership").latest("id")
    assert (entry.action, entry.object_id, entry.wilayah_kode) == (
        "delete",
        str(link.pk),
        team.desa_id,
    )
    assert entry.changes == {"cadre": cadre.pk, "peran": "tpk_bidan", "team": team.pk}


def test_a_cadre_whose_phone_is_corrected_in_the_admin_stays_in_the_team(client, root):
    team = tpk.team()
    cadre = team.memberships.get(peran="tpk_kb").cadre
    url = f"/admin/convergence/cadre/{cadre.pk}/change/"
    assert client.post(url, _admin_form(cadre, telepon="0812 1111 222")).status_code == 302
    assert team.missing_roles() == []


def test_a_cadre_deactivated_through_the_service_leaves_the_team_too(beltim):
    from kampungkb.convergence.cadres.services import cadre_save

    team = tpk.team()
    cadre = team.memberships.get(peran="tpk_pkk").cadre
    cadre_save(
        user=None, cadre=cadre, desa=cadre.desa, nama=cadre.nama, peran=cadre.peran, aktif=False
    )
    assert team.missing_roles() == ["tpk_pkk"]


def test_a_cadre_corrected_through_the_service_is_in_the_trail_with_old_and_new_values(beltim):
    from kampungkb.convergence.cadres.services import cadre_save

    desa = factories.wilayah(factories.KURNIA_JAYA)
    cadre = cadre_save(user=None, desa=desa, nama="Siti", peran="kpm", telepon="0812")
    cadre_save(user=None, cadre=cadre, desa=desa, nama="Siti Aminah", peran="kpm", telepon="0813")
    entries = AuditEntry.objects.filter(object_type="convergence.cadre", object_id=str(cadre.pk))
    assert [(e.action, e.changes) for e in entries.order_by("id")] == [
        (
            "create",
            {
                "aktif": [None, True],
                "desa": [None, factories.KURNIA_JAYA],
                "nama": [None, "Siti"],
                "peran": [None, "kpm"],
                "telepon": [None, "0812"],
            },
        ),
        ("update", {"nama": ["Siti", "Siti Aminah"], "telepon": ["0812", "0813"]}),
    ]
