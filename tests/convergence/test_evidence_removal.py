"""An evidence file removed (in Django admin, or with its action record) leaves no file behind
in the media folder: attendance lists and photos are kept only as long as their record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kampungkb.convergence.actions.services import action_record_save, evidence_add
from kampungkb.convergence.models import ActionDefinition, EvidenceFile
from kampungkb.wilayah.models import Wilayah
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def evidence(users, ref, settings, tmp_path, today):
    settings.MEDIA_ROOT = tmp_path
    record = action_record_save(
        user=users["admin"],
        kabupaten=Wilayah.objects.get(kode="19.06"),
        tahun=today.year,
        action=ActionDefinition.objects.filter(framework__kode="transformasi-2025").first(),
        values={"status": "berjalan"},
    )
    upload = SimpleUploadedFile("daftar-hadir.pdf", PDF)
    stored = evidence_add(user=users["admin"], record=record, judul="Daftar hadir", upload=upload)
    path = tmp_path / stored.berkas.name
    assert path.exists()
    return stored, path


@pytest.fixture
def root(client, beltim):
    client.force_login(factories.superuser())


def test_an_evidence_file_deleted_in_the_admin_is_removed_from_the_media_folder(
    client, root, evidence, django_capture_on_commit_callbacks
):
    stored, path = evidence
    url = f"/admin/convergence/evidencefile/{stored.pk}/delete/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert not EvidenceFile.objects.filter(pk=stored.pk).exists()
    assert not path.exists()


def test_the_files_of_an_action_record_deleted_in_the_admin_go_with_it(
    client, root, evidence, django_capture_on_commit_callbacks
):
    stored, path = evidence
    url = f"/admin/convergence/actionrecord/{stored.record_id}/delete/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert not path.exists()


def test_a_delete_rolled_back_keeps_the_file(evidence, django_capture_on_commit_callbacks):
    stored, path = evidence
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        EvidenceFile.objects.filter(pk=stored.pk).delete()
        raise RuntimeError("the delete fails later in its transaction")
    assert EvidenceFile.objects.filter(pk=stored.pk).exists()
    assert path.exists()
