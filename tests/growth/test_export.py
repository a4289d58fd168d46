"""The e-PPGBM xlsx export: scoped per role, in the import template, and re-importable."""

import io

import openpyxl
import pytest
from django.urls import reverse

from kampungkb.growth.importing.commit import measurements_import
from kampungkb.growth.importing.headers import TEMPLATE_HEADERS
from kampungkb.growth.models import Child, Measurement, Posyandu
from tests.spreadsheets import HOSTILE, assert_kept_as_text


@pytest.fixture(autouse=True)
def _exports_in_tmp(media_root):
    """Every export is kept as a file (MEDIA_ROOT/exports/) until it is purged."""


@pytest.fixture
def stored(eppgbm, users):
    """Three children in two desa of Manggar and one in Gantung, measured on several dates."""
    rows = [
        eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025", "Berat": "9,6", "LiLA": "13,5"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/09/2025", "PMT Diterima (kg)": "1,5"}),
        eppgbm.row(
            NIK="",
            Nama="Anak Tanpa NIK",
            JK="P",
            **{"Nama Ortu": "Ibu Dua", "Desa/Kel": "Lalang Jaya", "Posyandu": "Mawar"},
            **{"Jml Vit A": "0", "KIA": "Tidak", "Tinggi": "", "Cara Ukur": ""},
        ),
        eppgbm.row(
            NIK="1906020101240004",
            Nama="Anak Gantung",
            Kec="Gantung",
            Pukesmas="Puskesmas Gantung",
            **{"Desa/Kel": "Batu Penyu", "Tgl Lahir": "01/12/2022", "Cara Ukur": "Berdiri"},
            **{"Tinggi": "88,4"},
        ),
    ]
    result = measurements_import(user=users["admin"], path=eppgbm.xlsx(rows, name="awal.xlsx"))
    assert result.n_rejected == 0 and result.n_created == 4
    return result


def _download(client, **params):
    response = client.post(reverse("growth:export_xlsx"), params)
    assert response.status_code == 200, response.content[:500]
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active, content


def test_the_export_uses_the_e_ppgbm_headers_and_whole_niks_for_operators(client, users, stored):
    client.force_login(users["admin"])
    sheet, _ = _download(client)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(TEMPLATE_HEADERS)
    assert len(rows) == 5
    named = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    first = next(r for r in named if r["Nama"] == "Anak Contoh Satu")
    assert next(r for r in named if r["Nama"] == "Anak Tanpa NIK")["NIK"] is None
    assert first["NIK"] == "1906010101240001" and first["Cara Ukur"] == "Telentang"
    assert first["Kec"] == "Manggar" and first["Desa/Kel"] == "Kurnia Jaya"
    assert first["Usia Saat Ukur"] == "1 Tahun - 5 Bulan - 5 Hari"
    assert first["Naik Berat Badan"] == "B" and first["KIA"] == "Ya"
    assert first["Pukesmas"] == "Puskesmas Manggar" and first["LiLA"] == 13.5


def test_an_operator_desa_exports_only_their_desa(client, users, stored):
    client.force_login(users["desa"])
    sheet, _ = _download(client)
    desa = {r[11] for r in list(sheet.iter_rows(values_only=True))[1:]}
    assert desa == {"Kurnia Jaya"}


def test_an_operator_kecamatan_exports_their_kecamatan_and_may_filter(client, users, stored):
    client.force_login(users["kecamatan"])
    sheet, _ = _download(client)
    assert {r[9] for r in list(sheet.iter_rows(values_only=True))[1:]} == {"Manggar"}
    sheet, _ = _download(client, date_from="2025-09-01", desa="19.06.01.2002")
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [(r[1], r[17].date().isoformat()) for r in rows] == [("Anak Contoh Satu", "2025-09-15")]


def test_an_export_filtered_to_another_areas_desa_is_refused(client, users, stored):
    client.force_login(users["desa"])
    response = client.post(reverse("growth:export_xlsx"), {"desa": "19.06.02.2010"})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["mitra", "viewer"])
def test_roles_without_personal_data_access_cannot_export(client, users, stored, role):
    client.force_login(users[role])
    assert client.get(reverse("growth:export_xlsx")).status_code == 403
    assert client.post(reverse("growth:export_xlsx")).status_code == 403


def test_the_export_form_page_shows_for_operators(client, users, stored):
    client.force_login(users["desa"])
    html = client.get(reverse("growth:export_xlsx")).content.decode()
    assert "Unduh xlsx" in html and "Kurnia Jaya" in html and "Batu Penyu" not in html


def test_an_exported_file_reimports_as_unchanged(client, users, stored, tmp_path):
    client.force_login(users["admin"])
    _, content = _download(client)
    path = tmp_path / "ekspor.xlsx"
    path.write_bytes(content)
    before = list(Measurement.objects.values_list("pk", "updated_at"))
    result = measurements_import(user=users["admin"], path=path)
    assert (result.n_rows, result.n_unchanged, result.n_created, result.n_updated) == (4, 4, 0, 0)
    assert (result.n_rejected, result.n_children_created, result.warnings) == (0, 0, [])
    assert result.duplicates == [] and result.batch is None
    assert list(Measurement.objects.values_list("pk", "updated_at")) == before


def test_names_and_addresses_typed_like_formulas_are_exported_as_text(client, users, stored):
    child = Child.objects.get(nama="Anak Contoh Satu")
    child.nama, child.nama_ibu, child.alamat = HOSTILE[:3]
    child.save()
    Posyandu.objects.filter(nama="Mawar").update(nama=HOSTILE[3])
    client.force_login(users["admin"])
    _, content = _download(client)
    assert_kept_as_text(content, *HOSTILE)
