"""A province installation's wilayah (issue 15): the whole of Kepulauan Bangka Belitung from
the package's data, and one kabupaten added to a running (Belitung Timur) installation."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from kampungkb.wilayah.loading import WilayahLoadError, wilayah_load
from kampungkb.wilayah.models import Level, Wilayah

BABEL = settings.KAMPUNGKB_PROVINCE_WILAYAH


def _levels():
    return {
        level: Wilayah.objects.filter(level=level).count()
        for level in (Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN, Level.DESA)
    }


def test_the_whole_province_loads_and_loads_again_unchanged(no_wilayah, capsys):
    call_command("load_wilayah", "--provinsi")
    assert _levels() == {"provinsi": 1, "kabupaten": 7, "kecamatan": 47, "desa_kelurahan": 393}
    # Two kelurahan of Mentok have no boundary in the source: none is made up.
    assert sorted(
        Wilayah.objects.desa().filter(boundary__isnull=True).values_list("kode", flat=True)
    ) == ["19.05.01.1008", "19.05.01.1009"]
    assert Wilayah.objects.get(kode="19.71").nama == "Kota Pangkal Pinang"
    capsys.readouterr()
    call_command("load_wilayah", "--provinsi")
    assert "0 baru, 0 diperbarui, 448 tetap" in capsys.readouterr().out


def test_a_kabupaten_is_added_to_a_running_installation(beltim):
    before = set(Wilayah.objects.values_list("kode", flat=True))
    result = wilayah_load(folder=BABEL, kabupaten="19.01")
    # Bangka: the kabupaten, 8 kecamatan, 81 desa/kelurahan; the provinsi row already there.
    assert result.created == 90
    added = set(Wilayah.objects.values_list("kode", flat=True)) - before
    assert len(added) == 90 and all(k.startswith("19.01") for k in added)
    assert Wilayah.objects.get(kode="19.01").boundary is not None
    # Belitung Timur is untouched; Bangka Selatan not loaded.
    assert not Wilayah.objects.filter(kode__startswith="19.03").exists()
    again = wilayah_load(folder=BABEL, kabupaten="19.01")
    assert (again.created, again.updated) == (0, 0)


def test_an_unknown_kabupaten_is_refused_and_nothing_written(beltim):
    count = Wilayah.objects.count()
    with pytest.raises(WilayahLoadError, match=r"19\.99"):
        wilayah_load(folder=BABEL, kabupaten="19.99")
    with pytest.raises(CommandError):
        call_command("load_wilayah", "--provinsi", "--kabupaten", "19.99")
    assert Wilayah.objects.count() == count


def test_folder_and_provinsi_together_are_refused(db):
    with pytest.raises(CommandError):
        call_command("load_wilayah", str(BABEL), "--provinsi")
