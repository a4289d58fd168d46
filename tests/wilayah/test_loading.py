import csv
import json
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.loading import WilayahLoadError, wilayah_load
from kampungkb.wilayah.models import Level, Wilayah

BELTIM = settings.KAMPUNGKB_DEFAULT_WILAYAH


def test_belitung_timur_loads_with_its_7_kecamatan_and_39_desa(no_wilayah):
    result = wilayah_load(folder=BELTIM)
    assert result.created == 48
    assert Wilayah.objects.filter(level=Level.KECAMATAN).count() == 7
    assert Wilayah.objects.desa().count() == 39
    assert Wilayah.objects.desa().filter(boundary__isnull=False).count() == 39
    manggar = Wilayah.objects.get(kode="19.06.01")
    assert manggar.nama == "Manggar" and manggar.kode_bps == "1906030"
    assert manggar.children.count() == 9
    assert Wilayah.objects.get(kode="19.06.03.2005").kode_bps == ""  # Nyuruk has no BPS code
    assert manggar.boundary["type"] in {"Polygon", "MultiPolygon"}


def test_reloading_updates_and_never_duplicates(no_wilayah, tmp_path):
    wilayah_load(folder=BELTIM)
    again = wilayah_load(folder=BELTIM)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 48)
    assert Wilayah.objects.count() == 48
    assert AuditEntry.objects.filter(action="load").count() == 1

    folder = tmp_path / "beltim"
    shutil.copytree(BELTIM, folder)
    path = folder / "beltim_wilayah.csv"
    path.write_text(path.read_text().replace("Burong Mandi", "Burung Mandi"))
    changed = wilayah_load(folder=folder)
    assert (changed.created, changed.updated) == (0, 1)
    assert Wilayah.objects.get(kode="19.06.05.2003").nama == "Burung Mandi"


def _write_kabupaten(folder, rows, features=()):
    folder.mkdir()
    with (folder / "contoh_wilayah.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "kode",
                "nama",
                "level",
                "kode_induk",
                "jenis",
                "lat_centroid",
                "lng_centroid",
                "kode_tanpa_titik",
                "kode_bps",
            ]
        )
        writer.writerows(rows)
    (folder / "contoh_desa.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": list(features)})
    )


SQUARE = {"type": "Polygon", "coordinates": [[[110, -7], [110.1, -7], [110.1, -7.1], [110, -7]]]}


def test_another_kabupaten_in_the_same_format_loads_the_same_way(no_wilayah, tmp_path):
    folder = tmp_path / "contoh"
    _write_kabupaten(
        folder,
        [
            ["33", "Jawa Tengah", "provinsi", "", "", "", "", "33", "33"],
            ["33.01", "Kabupaten Contoh", "kabupaten", "33", "", "-7.0", "110.0", "3301", ""],
            ["33.01.01", "Kecamatan Satu", "kecamatan", "33.01", "", "", "", "330101", ""],
            [
                "33.01.01.1001",
                "Kelurahan Satu",
                "desa_kelurahan",
                "33.01.01",
                "kelurahan",
                "-7.05",
                "110.05",
                "3301011001",
                "",
            ],
        ],
        [{"type": "Feature", "properties": {"kode": "33.01.01.1001"}, "geometry": SQUARE}],
    )
    result = wilayah_load(folder=folder)
    assert result.created == 4 and result.boundaries == 1
    kel = Wilayah.objects.get(kode="33.01.01.1001")
    assert kel.jenis == "kelurahan" and kel.parent_id == "33.01.01" and kel.boundary == SQUARE


def test_unknown_parent_code_names_the_row_and_writes_nothing(no_wilayah, tmp_path):
    folder = tmp_path / "salah"
    _write_kabupaten(
        folder,
        [
            ["33", "Jawa Tengah", "provinsi", "", "", "", "", "33", "33"],
            ["33.01", "Kabupaten Contoh", "kabupaten", "33", "", "", "", "3301", ""],
            ["33.01.09.1001", "Desa Yatim", "desa_kelurahan", "33.01.09", "desa", "", "", "", ""],
        ],
    )
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert err.value.errors == [
        "contoh_wilayah.csv baris 4, kolom kode_induk: kode wilayah '33.01.09' tidak dikenal."
    ]
    assert not Wilayah.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["33.01.01.10x1", "X", "desa_kelurahan", "33.01.01", "desa", "", "", "", ""],
            "contoh_wilayah.csv baris 3, kolom kode: '33.01.01.10x1' bukan kode Kemendagri.",
        ),
        (
            ["33.01", "X", "kota", "33", "", "", "", "", ""],
            "contoh_wilayah.csv baris 3, kolom level: tingkat 'kota' tidak dikenal.",
        ),
        (
            ["33.01", "X", "kecamatan", "33", "", "", "", "", ""],
            "contoh_wilayah.csv baris 3: kode 33.01 tidak sesuai dengan tingkat kecamatan.",
        ),
        (
            ["33.01", "X", "kabupaten", "33", "", "abc", "", "", ""],
            "contoh_wilayah.csv baris 3: titik tengah (centroid) bukan angka.",
        ),
    ],
)
def test_each_bad_row_is_reported_in_bahasa_indonesia(no_wilayah, tmp_path, row, message):
    folder = tmp_path / "salah"
    _write_kabupaten(folder, [["33", "Jawa Tengah", "provinsi", "", "", "", "", "33", "33"], row])
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert message in err.value.errors
    assert not Wilayah.objects.exists()


def test_boundary_for_an_unknown_code_stops_the_load(no_wilayah, tmp_path):
    folder = tmp_path / "salah"
    _write_kabupaten(
        folder,
        [["33", "Jawa Tengah", "provinsi", "", "", "", "", "33", "33"]],
        [{"type": "Feature", "properties": {"kode": "33.99"}, "geometry": SQUARE}],
    )
    with pytest.raises(WilayahLoadError) as err:
        wilayah_load(folder=folder)
    assert err.value.errors == [
        "contoh_desa.geojson fitur ke-1: kode wilayah '33.99' tidak dikenal."
    ]
    assert not Wilayah.objects.exists()


def test_load_wilayah_command_loads_beltim_by_default_and_fails_cleanly(
    no_wilayah, tmp_path, capsys
):
    call_command("load_wilayah")
    assert Wilayah.objects.count() == 48
    with pytest.raises(CommandError):
        call_command("load_wilayah", str(tmp_path / "tidak-ada"))
