"""The mapping step of the import pages: unknown posyandu names are decided on the preview
before Simpan saves anything; the aliases of an area are listed and removed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kampungkb.growth.models import ImportBatch, Measurement, Posyandu, PosyanduAlias
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

TYPO = "POSYANDU KURNYA 1"


@pytest.fixture
def kurnia(beltim):
    factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    return factories.posyandu(KURNIA_JAYA, "Posyandu Kurnia I")


@pytest.fixture
def operator(client, users, media_root):
    client.force_login(users["desa"])
    return client


def _upload(client, eppgbm, posyandu=TYPO, **values) -> str:
    path = eppgbm.xlsx([eppgbm.row(Posyandu=posyandu, **values)])
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("growth:import_upload"), {"file": upload})
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def _decide(client, sha, choice, nama=TYPO, desa=KURNIA_JAYA):
    url = reverse("growth:import_posyandu_map", args=[sha])
    return client.post(url, {"desa": desa, "nama": nama, "pilihan": choice})


def test_the_preview_asks_about_an_unknown_name_and_offers_no_simpan(operator, eppgbm, kurnia):
    sha = _upload(operator, eppgbm)
    html = operator.get(reverse("growth:import_preview", args=[sha])).content.decode()
    assert "Nama posyandu yang tidak ditemukan di desanya" in html
    assert f'<option value="{kurnia.pk}">Posyandu Kurnia I (mirip' in html
    assert "Buat posyandu baru “POSYANDU KURNYA 1”" in html
    assert 'data-testid="import-commit"' not in html


def test_simpan_without_a_decision_saves_nothing_and_returns_to_the_preview(
    operator, eppgbm, kurnia
):
    sha = _upload(operator, eppgbm)
    response = operator.post(reverse("growth:import_commit", args=[sha]))
    assert response["Location"] == reverse("growth:import_preview", args=[sha])
    assert not Measurement.objects.exists() and not ImportBatch.objects.exists()
    assert Posyandu.objects.count() == 2


def test_choosing_a_posyandu_stores_an_alias_and_then_simpan_saves(operator, eppgbm, kurnia):
    sha = _upload(operator, eppgbm)
    response = _decide(operator, sha, str(kurnia.pk))
    assert response["Location"] == reverse("growth:import_preview", args=[sha])
    assert PosyanduAlias.objects.get().posyandu == kurnia
    html = operator.get(response["Location"]).content.decode()
    assert 'data-testid="posyandu-mapping"' not in html and 'data-testid="import-commit"' in html
    operator.post(reverse("growth:import_commit", args=[sha]))
    assert Measurement.objects.get().posyandu == kurnia
    # The next file with that name asks nothing.
    again = _upload(operator, eppgbm, Nama="Anak Lain", NIK="1906010101240009")
    html = operator.get(reverse("growth:import_preview", args=[again])).content.decode()
    assert 'data-testid="posyandu-mapping"' not in html


def test_a_new_posyandu_is_kept_as_a_choice_and_made_only_by_simpan(operator, eppgbm, kurnia):
    sha = _upload(operator, eppgbm)
    _decide(operator, sha, "baru")
    assert Posyandu.objects.count() == 2 and not PosyanduAlias.objects.exists()
    html = operator.get(reverse("growth:import_preview", args=[sha])).content.decode()
    assert "Posyandu baru yang dibuat impor ini" in html and 'data-testid="import-commit"' in html
    operator.post(reverse("growth:import_commit", args=[sha]))
    assert Measurement.objects.get().posyandu.nama == TYPO
    assert Posyandu.objects.count() == 3


def test_undoing_the_new_posyandu_choices_asks_again(operator, eppgbm, kurnia):
    sha = _upload(operator, eppgbm)
    _decide(operator, sha, "baru")
    url = reverse("growth:import_posyandu_map", args=[sha])
    operator.post(url, {"batal": "1"})
    html = operator.get(reverse("growth:import_preview", args=[sha])).content.decode()
    assert 'data-testid="posyandu-mapping"' in html


def test_a_hostile_choice_is_refused_with_a_message_and_stores_nothing(operator, eppgbm, kurnia):
    elsewhere = factories.posyandu(BATU_PENYU, "Posyandu Batu")
    sha = _upload(operator, eppgbm)
    response = _decide(operator, sha, str(elsewhere.pk))
    page = operator.get(response["Location"]).content.decode()
    assert "Pilih salah satu posyandu di desa untuk “POSYANDU KURNYA 1”." in page
    assert _decide(operator, sha, str(elsewhere.pk), desa=BATU_PENYU).status_code == 403
    assert _decide(operator, sha, "<script>", nama="<b>x</b>").status_code == 302
    assert not PosyanduAlias.objects.exists()


def test_the_alias_list_shows_the_area_aliases_and_removes_one(client, users, eppgbm, kurnia):
    other = factories.posyandu(BATU_PENYU, "Posyandu Batu")
    PosyanduAlias.objects.create(desa_id=KURNIA_JAYA, nama=TYPO, name_key="x", posyandu=kurnia)
    PosyanduAlias.objects.create(desa_id=BATU_PENYU, nama="BATU SATU", name_key="y", posyandu=other)
    client.force_login(users["desa"])
    html = client.get(reverse("growth:posyandu_aliases")).content.decode()
    assert TYPO in html and "BATU SATU" not in html
    mine, theirs = PosyanduAlias.objects.order_by("desa_id")
    assert theirs.desa_id == BATU_PENYU
    url = reverse("growth:posyandu_alias_delete", args=[theirs.pk])
    assert client.post(url).status_code == 404
    response = client.post(reverse("growth:posyandu_alias_delete", args=[mine.pk]))
    assert response["Location"] == reverse("growth:posyandu_aliases")
    assert list(PosyanduAlias.objects.all()) == [theirs]
    page = client.get(response["Location"]).content.decode()
    assert "dilupakan" in page
