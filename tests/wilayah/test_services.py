import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kampungkb.core.models import AuditEntry
from kampungkb.wilayah.models import ActivityGroupType, KampungKB, Wilayah
from kampungkb.wilayah.services import kampung_kb_save, maturity_record_add
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA


def _profile(kode, **extra):
    return {"desa": Wilayah.objects.get(kode=kode), "nama": "Kampung KB Uji", **extra}


def _save(user, kode, kampung=None, **extra):
    return kampung_kb_save(
        user=user,
        kampung=kampung,
        profile=_profile(kode, **extra),
        pokja=[{"nama": "Ani", "jabatan": "ketua", "seksi": "", "telepon": "0812 3456 789"}],
        groups=[{"jenis": "bkb", "aktif": True, "tanggal_mulai": datetime.date(2020, 1, 1)}],
        partners=[{"jenis": "pkk", "nama": "TP-PKK"}],
        funding=[{"sumber": "dana_desa", "keterangan": ""}],
    )


def test_kecamatan_operator_registers_a_kampung_kb_in_its_area_with_an_audit_row(users):
    kampung = _save(users["kecamatan"], LALANG_JAYA, sk_nomor="140/12/2024")
    assert kampung.desa_id == LALANG_JAYA
    assert kampung.pokja_members.get().nama == "Ani"
    # Every activity group type is stored, the unmentioned ones as not active.
    assert kampung.groups.count() == len(ActivityGroupType.values)
    assert kampung.groups.get(jenis="bkb").aktif
    assert not kampung.groups.get(jenis="dashat").aktif
    entry = AuditEntry.objects.get(object_type="wilayah.kampungkb", action="create")
    assert entry.actor == users["kecamatan"] and entry.wilayah_kode == LALANG_JAYA
    assert entry.changes["nama"] == [None, "Kampung KB Uji"]
    assert entry.changes["pokja"][1][0]["nama"] == "Ani"


def test_a_desa_has_at_most_one_kampung_kb(users):
    _save(users["admin"], LALANG_JAYA)
    with pytest.raises(ValidationError):
        _save(users["admin"], LALANG_JAYA)
    assert KampungKB.objects.count() == 1


@pytest.mark.parametrize("who", ["mitra", "viewer", "desa"])
def test_roles_without_registration_rights_cannot_create(users, who):
    with pytest.raises(PermissionDenied):
        _save(users[who], KURNIA_JAYA)
    assert not KampungKB.objects.exists()


def test_operator_cannot_write_outside_its_area(users):
    with pytest.raises(PermissionDenied):
        _save(users["kecamatan"], BATU_PENYU)
    kampung = _save(users["admin"], BATU_PENYU)
    with pytest.raises(PermissionDenied):
        _save(users["kecamatan"], BATU_PENYU, kampung=kampung, nama="Diambil alih")
    # Nor move one of its own Kampung KB into another kecamatan.
    own = _save(users["kecamatan"], LALANG_JAYA)
    with pytest.raises(PermissionDenied):
        _save(users["kecamatan"], BATU_PENYU, kampung=own)


def test_desa_operator_edits_its_own_kampung_kb_and_the_change_is_audited(users):
    kampung = _save(users["admin"], KURNIA_JAYA)
    _save(users["desa"], KURNIA_JAYA, kampung=kampung, nama="Kampung KB Kurnia", sk_nomor="1/2020")
    kampung.refresh_from_db()
    assert kampung.nama == "Kampung KB Kurnia"
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.actor == users["desa"]
    assert entry.changes == {
        "nama": ["Kampung KB Uji", "Kampung KB Kurnia"],
        "sk_nomor": ["", "1/2020"],
    }


def test_saving_without_changes_writes_no_audit_row(users):
    kampung = _save(users["admin"], KURNIA_JAYA)
    _save(users["admin"], KURNIA_JAYA, kampung=kampung)
    assert not AuditEntry.objects.filter(action="update").exists()


def test_invalid_child_row_rolls_back_everything(users):
    with pytest.raises(ValidationError):
        kampung_kb_save(
            user=users["admin"],
            kampung=None,
            profile=_profile(KURNIA_JAYA),
            pokja=[{"nama": "Ani", "jabatan": "ketua", "seksi": "", "telepon": "bukan nomor"}],
            groups=[],
            partners=[],
            funding=[],
        )
    assert not KampungKB.objects.exists()
    assert not AuditEntry.objects.filter(object_type="wilayah.kampungkb").exists()


def test_maturity_history_is_kept_and_the_newest_is_current(users):
    kampung = _save(users["admin"], KURNIA_JAYA)
    maturity_record_add(
        user=users["desa"],
        kampung=kampung,
        tingkat="dasar",
        tanggal=datetime.date(2022, 12, 1),
        sumber="Penilaian DKPPKB",
    )
    maturity_record_add(
        user=users["admin"],
        kampung=kampung,
        tingkat="berkembang",
        tanggal=datetime.date(2024, 6, 1),
        sumber="Web Kampung KB BKKBN",
    )
    assert kampung.current_maturity.tingkat == "berkembang"
    assert kampung.maturity_records.count() == 2
    assert AuditEntry.objects.filter(object_type="wilayah.maturityrecord").count() == 2


def test_maturity_in_the_future_or_by_a_mitra_is_refused(users):
    kampung = _save(users["admin"], KURNIA_JAYA)
    with pytest.raises(ValidationError):
        maturity_record_add(
            user=users["admin"],
            kampung=kampung,
            tingkat="dasar",
            tanggal=datetime.date.today() + datetime.timedelta(days=1),
            sumber="x",
        )
    with pytest.raises(PermissionDenied):
        maturity_record_add(
            user=users["mitra"],
            kampung=kampung,
            tingkat="dasar",
            tanggal=datetime.date(2023, 1, 1),
            sumber="x",
        )
    assert not kampung.maturity_records.exists()


def test_a_new_kampung_kb_or_a_new_launch_date_refreshes_the_analytics_split(
    users, django_capture_on_commit_callbacks
):
    """The summaries split desa into Kampung KB and others by launch date, per period."""
    from kampungkb.analytics.models import SummaryState

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        kampung = _save(users["kecamatan"], KURNIA_JAYA)
    assert len(callbacks) == 1 and SummaryState.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _save(users["kecamatan"], KURNIA_JAYA, kampung=kampung, catatan="Catatan baru")
    assert callbacks == []  # a note changes nothing in the analytics
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _save(
            users["kecamatan"],
            KURNIA_JAYA,
            kampung=kampung,
            tanggal_pencanangan=datetime.date(2024, 5, 1),
        )
    assert len(callbacks) == 1
