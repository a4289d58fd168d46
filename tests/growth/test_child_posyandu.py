"""A child registered at the wrong posyandu (or who moved to another of the desa) is corrected
on the child's edit page: SKDN then counts them in S (and K) of the posyandu they go to."""

import datetime

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.growth.skdn import skdn_table
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA


@pytest.fixture
def child(posyandu, today):
    return factories.child(
        posyandu=posyandu,
        nama="Budi Santoso",
        jenis_kelamin="L",
        tanggal_lahir=today - datetime.timedelta(days=500),
        nama_ibu="Siti Aminah",
        punya_buku_kia=True,
    )


def _form(child, **changes) -> dict:
    data = {
        "nama": child.nama,
        "jenis_kelamin": child.jenis_kelamin,
        "tanggal_lahir": child.tanggal_lahir.isoformat(),
        "nama_ibu": child.nama_ibu,
        "punya_buku_kia": "true",
        "posyandu": child.posyandu_id,
    }
    return data | changes


def _s_and_k(user, posyandu, today) -> tuple[int, int]:
    table = skdn_table(user=user, tahun=today.year, month=today.month)
    row = next((r for r in table.rows if r.posyandu_id == posyandu.pk), None)
    return (row.s, row.k) if row else (0, 0)


def test_a_childs_posyandu_is_corrected_on_the_edit_page_and_skdn_follows(
    client, users, posyandu, child, today
):
    mawar = factories.posyandu(KURNIA_JAYA, "Posyandu Mawar")
    assert _s_and_k(users["desa"], posyandu, today) == (1, 1)
    client.force_login(users["desa"])
    url = reverse("growth:child_edit", args=[child.pk])
    assert 'name="posyandu"' in client.get(url).content.decode()
    assert client.post(url, _form(child, posyandu=mawar.pk)).status_code == 302
    child.refresh_from_db()
    assert child.posyandu == mawar
    assert _s_and_k(users["desa"], posyandu, today) == (0, 0)
    assert _s_and_k(users["desa"], mawar, today) == (1, 1)
    entry = AuditEntry.objects.filter(object_type="growth.child", action="update").latest("id")
    assert entry.changes == {"posyandu": [posyandu.pk, mawar.pk]}


def test_a_posyandu_of_another_desa_is_not_offered(client, users, posyandu, child):
    elsewhere = factories.posyandu(BATU_PENYU, "Posyandu Anggrek")
    client.force_login(users["admin"])
    url = reverse("growth:child_edit", args=[child.pk])
    assert "Posyandu Anggrek" not in client.get(url).content.decode()
    response = client.post(url, _form(child, posyandu=elsewhere.pk))
    assert response.status_code == 400
    child.refresh_from_db()
    assert child.posyandu == posyandu
