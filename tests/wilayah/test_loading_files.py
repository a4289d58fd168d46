"""The wilayah loader on files as a person edits and saves them: blank lines, rows of empty
cells, another encoding, a GeoJSON of another shape, centroids that are no place."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kampungkb.wilayah.loading import WilayahLoadError, wilayah_load
from kampungkb.wilayah.models import Wilayah
from tests.wilayah.test_loading import SQUARE

HEADER = "kode,nama,level,kode_induk,jenis,lat_centroid,lng_centroid,kode_tanpa_titik,kode_bps"
PROVINSI = "33,Jawa Tengah,provinsi,,,,,33,33"
KABUPATEN = "33.01,Kabupaten Contoh,kabupaten,33,,-7.0,110.0,3301,"


def _folder(tmp_path, lines: list[str], *, encoding="utf-8", geojson=None):
    folder = tmp_path / "contoh"
    folder.mkdir()
    text = "\r\n".join(lines) + "\r\n"
    (folder / "contoh_wilayah.csv").write_bytes(text.encode(encoding))
    features = {"type": "FeatureCollection", "features": []}
    (folder / "contoh_desa.geojson").write_text(json.dumps(geojson or features))
    return folder


def test_a_bad_row_after_blank_lines_is_named_by_its_line_in_the_file(no_wilayah, tmp_path):
    folder = _folder(tmp_path, [HEADER, PROVINSI, "", "", "33.02,Kabupaten Kedua,kota,33,,,,3302,"])
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert err.value.errors == [
        "contoh_wilayah.csv baris 5, kolom level: tingkat 'kota' tidak dikenal."
    ]


def test_a_quoted_line_break_in_a_name_keeps_the_rows_after_it_numbered(no_wilayah, tmp_path):
    folder = _folder(
        tmp_path,
        [HEADER, '33,"Jawa\nTengah",provinsi,,,,,33,33', "33.02,Kabupaten Kedua,kota,33,,,,3302,"],
    )
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert err.value.errors == [
        "contoh_wilayah.csv baris 3, kolom level: tingkat 'kota' tidak dikenal."
    ]


def test_rows_of_empty_cells_a_spreadsheet_leaves_are_skipped(no_wilayah, tmp_path):
    folder = _folder(tmp_path, [HEADER, PROVINSI, ",,,,,,,,", KABUPATEN, " , ,,,,,,,"])
    result = wilayah_load(folder=folder)
    assert result.created == 2
    again = wilayah_load(folder=folder)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_csv_not_in_utf8_is_refused_with_a_reason(no_wilayah, tmp_path):
    folder = _folder(
        tmp_path, [HEADER, PROVINSI, "33.01,Kabupaten Cónto,kabupaten,33,,,,3301,"],
        encoding="cp1252",
    )  # fmt: skip
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert err.value.errors == [
        "contoh_wilayah.csv bukan teks UTF-8: simpan sebagai “CSV UTF-8”, lalu muat lagi."
    ]
    assert not Wilayah.objects.exists()
    with pytest.raises(CommandError):
        call_command("load_wilayah", str(folder))


@pytest.mark.parametrize(
    "geojson",
    [
        [SQUARE],
        {"type": "FeatureCollection", "features": {"kode": "33"}},
        {"type": "FeatureCollection", "features": ["33"]},
        {"type": "FeatureCollection", "features": [{"properties": ["33"], "geometry": SQUARE}]},
        {"type": "FeatureCollection", "features": [{"properties": {"kode": "33"}, "geometry": 1}]},
    ],
    ids=["a-list", "features-object", "feature-text", "properties-list", "geometry-number"],
)
def test_a_geojson_of_another_shape_is_refused_with_a_reason(no_wilayah, tmp_path, geojson):
    folder = _folder(tmp_path, [HEADER, PROVINSI], geojson=geojson)
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert len(err.value.errors) == 1 and "contoh_desa.geojson" in err.value.errors[0]
    assert not Wilayah.objects.exists()


@pytest.mark.parametrize(("lat", "lng"), [("nan", "110"), ("-7", "inf"), ("-95", "110")])
def test_a_centroid_that_is_no_place_on_earth_is_refused(no_wilayah, tmp_path, lat, lng):
    # NaN, stored, never equals itself: every load of the same file would "update" it.
    folder = _folder(tmp_path, [HEADER, PROVINSI, f"33.01,Kabupaten,kabupaten,33,,{lat},{lng},,"])
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert err.value.errors == [
        "contoh_wilayah.csv baris 3: titik tengah (centroid) bukan titik di bumi (lintang -90 "
        "sampai 90, bujur -180 sampai 180)."
    ]
    assert not Wilayah.objects.exists()
