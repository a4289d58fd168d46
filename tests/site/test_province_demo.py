"""``seed_demo --province`` at a small scale: every kabupaten of Kepulauan Bangka Belitung
gets synthetic growth data and a publication, the province its summaries, the Admin Provinsi
its demo account; a second run changes nothing. The default demo stays the district's
(``tests/core/test_demo.py``)."""

import pytest
from django.core.management import CommandError, call_command

from kampungkb.accounts.models import User
from kampungkb.analytics.models import PrevalenceSummary, Publication
from kampungkb.growth.models import Child, Measurement, Posyandu
from kampungkb.site.province_demo import province_shares
from kampungkb.wilayah.models import Level, Wilayah

KABUPATEN = ["19.01", "19.02", "19.03", "19.04", "19.05", "19.06", "19.71"]


def _counts():
    return (
        Wilayah.objects.count(),
        Child.objects.count(),
        Measurement.objects.count(),
        Publication.objects.count(),
        PrevalenceSummary.objects.count(),
        User.objects.count(),
    )


def test_seed_demo_province_seeds_every_kabupaten_once(db, capsys):
    call_command("seed_demo", "--province", "--children", "800")
    out = capsys.readouterr().out
    assert "Kepulauan Bangka Belitung" in out and "admin.babel" in out
    assert (
        sorted(Wilayah.objects.filter(level=Level.KABUPATEN).values_list("kode", flat=True))
        == KABUPATEN
    )
    assert Wilayah.objects.desa().count() == 393
    per_kabupaten = {
        k: Child.objects.filter(desa__kode__startswith=k + ".").count() for k in KABUPATEN
    }
    assert all(n > 0 for n in per_kabupaten.values()), per_kabupaten
    # Everything synthetic.
    assert not Child.objects.filter(is_synthetic=False).exists()
    assert not Measurement.objects.filter(is_synthetic=False).exists()
    assert not Posyandu.objects.filter(is_synthetic=False).exists()
    assert PrevalenceSummary.objects.filter(wilayah_kode="19", level="provinsi").exists()
    assert sorted(Publication.objects.values_list("kabupaten_id", flat=True)) == KABUPATEN
    admin = User.objects.get(username="admin.babel")
    assert (admin.role, admin.wilayah_id) == ("admin_provinsi", "19")
    before = _counts()
    call_command("seed_demo", "--province", "--children", "800")
    assert _counts() == before


def test_the_children_are_shared_out_by_desa(db):
    call_command("load_wilayah", "--provinsi")
    shares = province_shares(10_000, district_children=1_000)
    assert sum(shares.values()) == 9_000
    assert set(shares) == set(KABUPATEN) - {"19.06"}
    # Bangka has 81 desa, Belitung 49.
    assert shares["19.01"] > shares["19.02"]


def test_children_only_with_the_province(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--children", "100")
