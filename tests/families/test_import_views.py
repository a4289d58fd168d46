"""The family import pages: upload → preview (dry run) → Simpan → result, the rejected rows
as xlsx in the file's layout, and the template."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.importing.headers import TEMPLATE_HEADERS
from kampungkb.families.models import FamilyImportBatch, FamilySurvey, Keluarga
from kampungkb.growth.models import Upload
from tests.conftest import LALANG_JAYA
from tests.families.import_files import family_rows, write_csv, write_xlsx

KK1 = "1906010000000031"
KK2 = "1906010000000032"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def desa_client(client, users, media_root):
    client.force_login(users["desa"])
    return client


def _upload(client, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("families:import_upload"), {"file": upload})


def _sha(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def _rows():
    bad = family_rows(KK2)
    bad[1]["NIK"] = "123"
    bad[1]["No KK"] = 1906010000000032.0  # a No KK typed as a number
    return family_rows(KK1) + bad


def test_upload_preview_then_simpan_stores_the_families(desa_client, tmp_path, users):
    response = _upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows()))
    assert response.status_code == 302
    assert Upload.objects.get().uploaded_by == users["desa"]
    page = desa_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-count="created">2<' in html and 'data-count="rejected">1<' in html
    assert 'data-count="krs">2<' in html and 'data-testid="import-krs"' in html
    assert "1906********0031" in html and KK1 not in html
    assert "NIK terdiri dari tepat 16 angka." in html
    assert not Keluarga.objects.exists()
    saved = desa_client.post(reverse("families:import_commit", args=[_sha(response)]))
    batch = FamilyImportBatch.objects.get()
    assert saved["Location"] == reverse("families:import_result", args=[batch.pk])
    assert FamilySurvey.objects.count() == 2
    result = desa_client.get(saved["Location"]).content.decode()
    assert 'data-testid="import-saved"' in result and 'data-count="members">5<' in result
    again = desa_client.post(reverse("families:import_commit", args=[_sha(response)]))
    assert again.status_code == 200 and 'data-count="unchanged">2<' in again.content.decode()
    assert FamilyImportBatch.objects.count() == 1


def test_the_rejected_rows_come_back_in_the_file_layout_with_a_reason(desa_client, tmp_path):
    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows())))
    response = desa_client.get(reverse("families:import_errors_xlsx", args=[sha]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*TEMPLATE_HEADERS, "Alasan Penolakan")
    assert len(rows) == 4  # the rejected row with the other rows of its family
    assert rows[2][0] == KK2 and rows[2][6] == "123"  # every digit, as text
    assert rows[2][-1] == "NIK: NIK terdiri dari tepat 16 angka."
    assert [r[0] for r in rows[1:]] == [KK2] * 3
    assert rows[1][-1].startswith("Tidak ditolak") and rows[3][-1] == rows[1][-1]


def test_a_formula_in_a_rejected_row_stays_text(desa_client, tmp_path):
    rows = family_rows(KK1)
    rows[0]["Nama"] = '=HYPERLINK("http://x")'
    rows[0]["JK"] = "X"
    sha = _sha(_upload(desa_client, write_csv(tmp_path / "pk.csv", rows)))
    response = desa_client.get(reverse("families:import_errors_xlsx", args=[sha]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=8)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_the_template_has_the_headers_and_one_synthetic_row_that_imports(
    desa_client, tmp_path, users
):
    response = desa_client.get(reverse("families:import_template"))
    assert response.status_code == 200
    path = tmp_path / "templat.xlsx"
    path.write_bytes(response.content)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == TEMPLATE_HEADERS and len(rows) == 2
    assert all(isinstance(v, str) for v in rows[1])
    assert "Sintetis" in rows[1][7]
    preview = desa_client.get(
        reverse("families:import_preview", args=[_sha(_upload(desa_client, path))])
    )
    assert 'data-count="rejected">0<' in preview.content.decode()


def test_an_unreadable_file_is_a_clear_error_not_a_500(desa_client, tmp_path):
    path = tmp_path / "pk.csv"
    path.write_text("apa;ini\n1;2\n", encoding="utf-8")
    page = desa_client.get(
        reverse("families:import_preview", args=[_sha(_upload(desa_client, path))])
    )
    assert page.status_code == 400 and 'data-testid="import-error"' in page.content.decode()


def test_another_users_upload_is_a_404(desa_client, client, tmp_path, users):
    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows())))
    client.force_login(users["kecamatan"])
    assert client.get(reverse("families:import_preview", args=[sha])).status_code == 404


@pytest.mark.parametrize("page", ["import_preview", "import_errors_xlsx", "import_commit"])
@pytest.mark.parametrize("moved_to", [LALANG_JAYA, "19.06.02.2001"])
def test_an_uploader_moved_to_another_desa_no_longer_opens_their_upload(
    desa_client, tmp_path, users, page, moved_to
):
    """The file holds the names and NIKs of Kurnia Jaya's families: once its operator covers
    another desa, its preview, rejected rows and save are a 404 as anyone else's upload."""
    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows())))
    assert desa_client.get(reverse("families:import_preview", args=[sha])).status_code == 200
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="growth.upload")
    assert views.count() == 1  # the allowed read is in the trail
    operator = users["desa"]
    operator.wilayah_id = moved_to
    operator.save()
    desa_client.force_login(operator)
    url = reverse(f"families:{page}", args=[sha])
    response = desa_client.post(url) if page == "import_commit" else desa_client.get(url)
    assert response.status_code == 404
    assert b"Sintetis" not in response.content and KK2.encode() not in response.content
    assert not FamilyImportBatch.objects.exists() and not Keluarga.objects.exists()
    assert views.count() == 1


def test_an_importer_moved_to_another_desa_no_longer_opens_their_imports_result(
    desa_client, tmp_path, users
):
    """The result page lists the file's families at risk (KK, desa, risk factors) and the
    members it could not link (names, birth dates): once its importer covers another desa it
    is a 404, as another desa's import is; the kecamatan's operator still opens it."""
    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows())))
    saved = desa_client.post(reverse("families:import_commit", args=[sha]))
    result = saved["Location"]
    assert desa_client.get(result).status_code == 200
    operator = users["desa"]
    operator.wilayah_id = LALANG_JAYA
    operator.save()
    desa_client.force_login(operator)
    assert desa_client.get(result).status_code == 404
    desa_client.force_login(users["kecamatan"])
    assert desa_client.get(result).status_code == 200


def test_the_result_page_and_a_save_that_saved_nothing_are_audited_as_reads(
    desa_client, tmp_path, users
):
    """Both show the file's report (families at risk by KK, members not linked by name)."""
    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows())))
    saved = desa_client.post(reverse("families:import_commit", args=[sha]))
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=users["desa"])
    assert not views.exists()
    assert desa_client.get(saved["Location"]).status_code == 200
    batch = FamilyImportBatch.objects.get()
    [result] = views
    assert (result.object_type, result.object_id, result.wilayah_kode) == (
        "families.familyimportbatch",
        str(batch.pk),
        users["desa"].wilayah_id,
    )
    assert result.changes == {"page": "import_result", "sha256": sha, "rows": 6}
    again = desa_client.post(reverse("families:import_commit", args=[sha]))
    assert again.status_code == 200  # nothing new to save: the report is shown
    commit = views.exclude(pk=result.pk).get()
    assert (commit.object_type, commit.changes) == (
        "growth.upload",
        {"page": "commit", "sha256": sha, "rows": 6},
    )


def test_a_family_upload_is_purged_like_any_upload(desa_client, tmp_path, media_root):
    import datetime

    from kampungkb.growth.importing.uploads import uploads_purge

    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows())))
    assert (media_root / "imports" / f"{sha}.xlsx").is_file()
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=30)
    purged = uploads_purge(now=later)
    assert [u.sha256 for u in purged.uploads] == [sha]
    assert not (media_root / "imports" / f"{sha}.xlsx").exists()
    assert desa_client.get(reverse("families:import_preview", args=[sha])).status_code == 404


def test_the_preview_and_the_rejected_rows_are_audited_as_reads_of_personal_data(
    desa_client, client, tmp_path, users
):
    """The preview and the rejected-rows workbook show the file's names and NIKs: each is
    one VIEW entry, also when the Admin Kabupaten opens a desa operator's upload."""
    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", _rows())))
    client.force_login(users["admin"])
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="growth.upload")
    assert client.get(reverse("families:import_preview", args=[sha])).status_code == 200
    assert client.get(reverse("families:import_errors_xlsx", args=[sha])).status_code == 200
    preview, rejected = views.order_by("pk")
    assert (preview.actor, preview.changes["page"], preview.changes["rows"]) == (
        users["admin"], "preview", 6,
    )  # fmt: skip
    assert (rejected.changes["page"], rejected.changes["rows"]) == ("rejected_xlsx", 3)
    assert preview.object_repr == "pk.xlsx" and "1906" not in str(preview.changes)


def test_a_file_whose_every_row_is_rejected_is_not_said_to_be_already_stored(desa_client, tmp_path):
    rows = family_rows(KK1)
    for row in rows:
        row["Tanggal Pendataan"] = "31/02/2025"
    sha = _sha(_upload(desa_client, write_xlsx(tmp_path / "pk.xlsx", rows)))
    for page in (
        desa_client.get(reverse("families:import_preview", args=[sha])),
        desa_client.post(reverse("families:import_commit", args=[sha])),
    ):
        html = page.content.decode()
        assert "Semua baris berkas ini ditolak" in html and "sudah tersimpan" not in html
    assert not Keluarga.objects.exists()


def test_a_file_with_a_header_and_no_rows_says_so(desa_client, tmp_path):
    sha = _sha(_upload(desa_client, write_csv(tmp_path / "pk.csv", [])))
    for page in (
        desa_client.get(reverse("families:import_preview", args=[sha])),
        desa_client.post(reverse("families:import_commit", args=[sha])),
    ):
        html = page.content.decode()
        assert "tidak memuat baris data" in html and "sudah tersimpan" not in html
