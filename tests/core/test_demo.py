from django.core.management import call_command

from kampungkb.accounts.models import User
from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.models import KampungKB, MaturityRecord, PokjaMember, Wilayah


def _counts():
    return (
        Wilayah.objects.count(),
        KampungKB.objects.count(),
        PokjaMember.objects.count(),
        MaturityRecord.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )


def test_seed_demo_loads_beltim_15_kampung_kb_and_one_account_per_role(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert Wilayah.objects.desa().count() == 39
    assert KampungKB.objects.count() == 15
    assert KampungKB.objects.filter(is_demo=True).count() == 6
    assert all("(demo)" in k.nama for k in KampungKB.objects.filter(is_demo=True))
    named = set(KampungKB.objects.filter(is_demo=False).values_list("desa__nama", flat=True))
    assert {
        "Senyubuk",
        "Burong Mandi",
        "Kurnia Jaya",
        "Cendil",
        "Batu Penyu",
        "Aik Madu",
        "Tanjung Batu Itam",
        "Nyuruk",
        "Limbongan",
    } == named
    assert KampungKB.objects.get(desa__nama="Batu Penyu").sk_nomor == "188.45-314"
    assert (
        KampungKB.objects.get(desa__nama="Limbongan").tanggal_pencanangan.isoformat()
        == "2018-05-02"
    )
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {
        "admin_provinsi",
        "admin_kabupaten",
        "operator_kecamatan",
        "operator_desa",
        "mitra_opd",
        "viewer",
    }
    # Each password is printed once and works.
    admin_line = next(line for line in out.splitlines() if line.strip().startswith("admin.beltim"))
    password = admin_line.split()[1]
    assert User.objects.get(username="admin.beltim").check_password(password)


def test_seed_demo_twice_changes_nothing(db, capsys):
    call_command("seed_demo")
    before = _counts()
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo")
    assert _counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "kata sandi tidak diubah" in capsys.readouterr().out


def test_reset_passwords_prints_new_working_ones(db, capsys):
    call_command("seed_demo")
    capsys.readouterr()
    call_command("seed_demo", "--reset-passwords")
    line = next(
        row
        for row in capsys.readouterr().out.splitlines()
        if row.strip().startswith("viewer.beltim")
    )
    assert User.objects.get(username="viewer.beltim").check_password(line.split()[1])
