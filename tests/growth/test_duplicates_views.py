"""The pages on a child's record that merge it into the child's other record and delete a
record registered by mistake: for those who may edit the child (as its edit form)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.families.tpk.models import TargetKind
from kampungkb.families.tpk.services import target_register
from kampungkb.growth.models import Child
from tests import factories
from tests.conftest import BATU_PENYU

DAY = datetime.timedelta(days=1)


@pytest.fixture
def pair(posyandu, today):
    born = today - 300 * DAY
    kept = factories.child(
        posyandu=posyandu, nama="Rudi Hartono", tanggal_lahir=born, nama_ibu="Ibu Wati"
    )
    dup = factories.child(
        posyandu=posyandu, nama="Rudy Hartono", tanggal_lahir=born, nama_ibu="Ibu Wati"
    )
    other = factories.child(
        posyandu=posyandu, nama="Anak Lain Sekali", tanggal_lahir=born - 90 * DAY
    )
    factories.measurement(kept, today - 40 * DAY, berat=Decimal("8.0"))
    factories.measurement(dup, today - 10 * DAY, berat=Decimal("8.3"))
    return kept, dup, other


def _merge(client, dup, kept, **extra):
    data = {"into": kept.pk, "alasan": "Terdaftar dua kali", **extra}
    return client.post(reverse("growth:child_merge", args=[dup.pk]), data)


def test_the_childs_page_offers_merge_and_delete_to_its_editors(client, users, pair):
    _kept, dup, _other = pair
    client.force_login(users["desa"])
    html = client.get(reverse("growth:child_detail", args=[dup.pk])).content.decode()
    assert reverse("growth:child_merge", args=[dup.pk]) in html
    assert reverse("growth:child_delete", args=[dup.pk]) in html


def test_the_merge_page_offers_the_desas_children_likeliest_first_and_audits_it(
    client, users, pair
):
    kept, dup, other = pair
    client.force_login(users["desa"])
    response = client.get(reverse("growth:child_merge", args=[dup.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Rudi Hartono") < html.index("Anak Lain Sekali")
    assert f'value="{dup.pk}"' not in html  # not itself
    entries = AuditEntry.objects.filter(action="view", actor=users["desa"])
    listed = entries.get(object_type="growth.child", object_id="")
    assert listed.changes["ids"] == [kept.pk, other.pk]
    assert entries.filter(object_id=str(dup.pk)).exists()


def test_the_merge_page_searches_by_name_within_the_desa(client, users, pair):
    client.force_login(users["desa"])
    _kept, dup, _other = pair
    html = client.get(reverse("growth:child_merge", args=[dup.pk]), {"q": "lain"}).content
    assert b"Anak Lain Sekali" in html and b"Rudi Hartono" not in html


def test_choosing_the_other_record_shows_both_before_anything_changes(client, users, pair):
    kept, dup, _other = pair
    client.force_login(users["desa"])
    response = _merge(client, dup, kept)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="merge-compare"' in html and "Rudi Hartono" in html
    assert 'name="confirm" value="1"' in html
    assert Child.objects.filter(pk=dup.pk).exists()
    # Both records were shown.
    shown = AuditEntry.objects.filter(action="view", changes__page="merge_confirm")
    assert sorted(shown.values_list("object_id", flat=True)) == sorted([str(dup.pk), str(kept.pk)])


def test_confirmed_the_records_are_merged_and_the_kept_childs_page_follows(client, users, pair):
    kept, dup, _other = pair
    client.force_login(users["desa"])
    response = _merge(client, dup, kept, confirm="1")
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:child_detail", args=[kept.pk])
    assert not Child.objects.filter(pk=dup.pk).exists()
    assert kept.measurements.count() == 2


def test_a_merge_that_would_lose_a_measurement_is_refused_on_the_page(client, users, pair, today):
    kept, dup, _other = pair
    factories.measurement(dup, today - 40 * DAY, berat=Decimal("8.1"))
    client.force_login(users["desa"])
    response = _merge(client, dup, kept, confirm="1")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="merge-problems"' in html
    assert 'name="confirm" value="1"' in html  # the form, without its merge button
    assert "btn-danger" not in html
    assert Child.objects.filter(pk=dup.pk).exists()


def test_a_child_of_another_desa_cannot_be_chosen(client, users, pair):
    _kept, dup, _other = pair
    elsewhere = factories.child("19.06.01.2001", nama="Anak Desa Sebelah")
    client.force_login(users["kecamatan"])  # covers both desa
    html = client.get(reverse("growth:child_merge", args=[dup.pk])).content.decode()
    assert "Anak Desa Sebelah" not in html
    assert _merge(client, dup, elsewhere, confirm="1").status_code == 400
    assert Child.objects.filter(pk=dup.pk).exists()


@pytest.mark.parametrize("name", ["growth:child_merge", "growth:child_delete"])
def test_an_operator_of_another_desa_gets_404(client, users, pair, make_user, name):
    kept, dup, _other = pair
    client.force_login(make_user("operator_desa", BATU_PENYU))
    url = reverse(name, args=[dup.pk])
    assert client.get(url).status_code == 404
    data = {"into": kept.pk, "alasan": "x", "confirm": "1"}
    assert client.post(url, data).status_code == 404
    assert Child.objects.filter(pk=dup.pk).exists()


@pytest.mark.parametrize("who", ["mitra", "viewer"])
@pytest.mark.parametrize("name", ["growth:child_merge", "growth:child_delete"])
def test_read_only_roles_are_refused_as_on_the_edit_form(client, users, pair, who, name):
    # They see no child at all: 404, as the child's page and its edit form answer them.
    kept, dup, _other = pair
    client.force_login(users[who])
    url = reverse(name, args=[dup.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"into": kept.pk, "alasan": "x", "confirm": "1"}).status_code == 404
    assert Child.objects.filter(pk=dup.pk).exists()


def test_a_child_registered_by_mistake_is_deleted_from_its_page(client, users, posyandu):
    child = factories.child(posyandu=posyandu, nama="Anak Salah Daftar")
    client.force_login(users["desa"])
    url = reverse("growth:child_delete", args=[child.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"alasan": ""}).status_code == 400
    response = client.post(url, {"alasan": "Anak tidak ada"})
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:child_list")
    assert not Child.objects.filter(pk=child.pk).exists()
    assert AuditEntry.objects.get(action="delete").changes["alasan"] == "Anak tidak ada"


def test_a_child_with_measurements_is_not_deleted_and_the_page_points_to_merging(
    client, users, pair
):
    _kept, dup, _other = pair
    client.force_login(users["desa"])
    url = reverse("growth:child_delete", args=[dup.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="delete-problems"' in html
    assert reverse("growth:child_merge", args=[dup.pk]) in html
    assert client.post(url, {"alasan": "Salah daftar"}).status_code == 400
    assert Child.objects.filter(pk=dup.pk).exists()


def test_a_tpk_target_answers_400_not_500(client, users, posyandu, today):
    child = factories.child(posyandu=posyandu)
    target_register(user=None, kind=TargetKind.BADUTA, child=child, tanggal_daftar=today)
    client.force_login(users["desa"])
    response = client.post(
        reverse("growth:child_delete", args=[child.pk]), {"alasan": "Salah daftar"}
    )
    assert response.status_code == 400
    assert "TPK" in response.content.decode()
    assert Child.objects.filter(pk=child.pk).exists()
