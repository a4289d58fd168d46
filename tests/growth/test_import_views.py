"""The import pages: upload → preview (dry run) → Simpan → result, and the rejected-rows xlsx."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kampungkb.growth.models import Child, ImportBatch, Measurement

ROLES = ["admin", "kecamatan", "desa", "mitra", "viewer"]


def _upload(client, path, name=None):
    with open(path, "rb") as fh:
        upload = SimpleUploadedFile(name or path.name, fh.read())
    return client.post(reverse("growth:import_upload"), {"file": upload})


@pytest.fixture
def operator(client, users, media_root):
    client.force_login(users["kecamatan"])
    return client


def test_upload_saves_the_file_by_its_hash_and_shows_a_preview_that_writes_nothing(
    operator, eppgbm, media_root
):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(NIK="12", Nama="Salah NIK")])
    response = _upload(operator, path)
    assert response.status_code == 302
    sha = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert (media_root / "imports" / f"{sha}.xlsx").read_bytes() == path.read_bytes()
    page = operator.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-count="created">1<' in html and 'data-count="rejected">1<' in html
    assert 'data-count="children">1<' in html
    assert "NIK terdiri dari tepat 16 angka." in html and "<td>3</td>" in html
    assert "Simpan" in html and not Measurement.objects.exists()


def test_simpan_stores_the_file_and_shows_the_result(operator, eppgbm):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(Berat="500")])
    preview = _upload(operator, path)["Location"]
    sha = preview.rstrip("/").rsplit("/", 1)[-1]
    response = operator.post(reverse("growth:import_commit", args=[sha]))
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("growth:import_result", args=[batch.pk])
    assert Measurement.objects.count() == 1
    html = operator.get(response["Location"]).content.decode()
    assert "Hasil impor" in html and "Harus di antara 0.5 dan 60." in html


def test_simpan_checks_the_file_again_instead_of_trusting_the_preview(operator, eppgbm, users):
    path = eppgbm.xlsx([eppgbm.row()])
    sha = _upload(operator, path)["Location"].rstrip("/").rsplit("/", 1)[-1]
    operator.post(reverse("growth:import_commit", args=[sha]))
    again = operator.post(reverse("growth:import_commit", args=[sha]))
    assert again.status_code == 200
    assert "tidak mengubah apa pun" in again.content.decode()
    assert Measurement.objects.count() == 1 and ImportBatch.objects.count() == 1


def test_simpan_is_a_post(operator, eppgbm):
    sha = _upload(operator, eppgbm.xlsx([eppgbm.row()]))["Location"].rstrip("/").rsplit("/")[-1]
    assert operator.get(reverse("growth:import_commit", args=[sha])).status_code == 405


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.jpg", b"\xff\xd8\xff", "Hanya berkas xlsx dan csv yang dapat diimpor."),
        ("rusak.xlsx", b"bukan zip", "bukan buku kerja xlsx"),
        ("lain.csv", b"a;b;c\n1;2;3\n", "Baris judul kolom e-PPGBM tidak ditemukan"),
    ],
)
def test_a_file_that_cannot_be_read_shows_an_error_and_no_server_error(
    operator, name, content, message
):
    response = operator.post(
        reverse("growth:import_upload"), {"file": SimpleUploadedFile(name, content)}
    )
    if response.status_code == 302:
        response = operator.get(response["Location"])
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_hash_is_not_found(operator):
    assert operator.get(reverse("growth:import_preview", args=["0" * 64])).status_code == 404
    assert operator.get(reverse("growth:import_preview", args=["..%2Fetc"])).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("kecamatan", 200), ("desa", 200), ("mitra", 403), ("viewer", 403)],
)
def test_only_roles_that_may_edit_reach_the_import_pages(client, users, media_root, role, status):
    client.force_login(users[role])
    assert client.get(reverse("growth:import_upload")).status_code == status
    if status == 403:
        url = reverse("growth:import_commit", args=["a" * 64])
        assert client.post(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, beltim):
    response = client.get(reverse("growth:import_upload"))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_an_import_result_of_another_area_is_not_found(client, users, eppgbm, media_root):
    client.force_login(users["kecamatan"])
    sha = _upload(client, eppgbm.xlsx([eppgbm.row()]))["Location"].rstrip("/").rsplit("/")[-1]
    result_url = client.post(reverse("growth:import_commit", args=[sha]))["Location"]
    client.force_login(users["desa"])
    assert client.get(result_url).status_code == 404
    client.force_login(users["admin"])
    assert client.get(result_url).status_code == 200


def test_the_rejected_rows_xlsx_has_the_same_headers_plus_a_reason_and_can_be_reuploaded(
    operator, eppgbm
):
    good = eppgbm.row()
    bad_weight = eppgbm.row(NIK="1906010101240005", Nama="Anak Lima", Berat="150")
    bad_date = eppgbm.row(NIK="1906010101240006", Nama="Anak Enam", **{"Tgl Lahir": "32/13/2024"})
    path = eppgbm.xlsx([good, bad_weight, bad_date])
    sha = _upload(operator, path)["Location"].rstrip("/").rsplit("/")[-1]
    operator.post(reverse("growth:import_commit", args=[sha]))
    response = operator.get(reverse("growth:import_errors_xlsx", args=[sha]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-ditolak.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:-1] == [c.value for c in openpyxl.load_workbook(path).active[1]]
    assert header[-1] == "Alasan Penolakan"
    assert [r[1] for r in rows[1:]] == ["Anak Lima", "Anak Enam"]
    assert rows[1][header.index("Berat")] == "150" and rows[1][0] == "1906010101240005"
    assert rows[1][-1] == "Berat: Harus di antara 0.5 dan 60."
    assert rows[2][-1].startswith("Tgl Lahir: '32/13/2024' bukan tanggal")

    fixed = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = fixed.active
    sheet.cell(row=2, column=header.index("Berat") + 1, value="15")
    sheet.cell(row=3, column=header.index("Tgl Lahir") + 1, value="12/01/2024")
    fixed_path = path.parent / "diperbaiki.xlsx"
    fixed.save(fixed_path)
    sha2 = _upload(operator, fixed_path)["Location"].rstrip("/").rsplit("/")[-1]
    operator.post(reverse("growth:import_commit", args=[sha2]))
    assert Measurement.objects.count() == 3
    assert set(Child.objects.values_list("nama", flat=True)) == {
        "Anak Contoh Satu",
        "Anak Lima",
        "Anak Enam",
    }


def test_a_file_whose_every_row_is_rejected_is_not_said_to_be_already_stored(operator, eppgbm):
    path = eppgbm.xlsx([eppgbm.row(JK="X"), eppgbm.row(NIK="12", Nama="Salah NIK")])
    sha = _upload(operator, path)["Location"].rstrip("/").rsplit("/", 1)[-1]
    for page in (
        operator.get(reverse("growth:import_preview", args=[sha])),
        operator.post(reverse("growth:import_commit", args=[sha])),
    ):
        html = page.content.decode()
        assert "Semua baris berkas ini ditolak" in html and "sudah tersimpan" not in html
    assert not Measurement.objects.exists()


def test_a_file_with_a_header_and_no_rows_says_so(operator, eppgbm):
    sha = _upload(operator, eppgbm.csv([]))["Location"].rstrip("/").rsplit("/", 1)[-1]
    for page in (
        operator.get(reverse("growth:import_preview", args=[sha])),
        operator.post(reverse("growth:import_commit", args=[sha])),
    ):
        html = page.content.decode()
        assert "tidak memuat baris data" in html and "sudah tersimpan" not in html
