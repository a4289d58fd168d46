"""Identity on import and on registration: a NIK is one child only when the sex and the date
of birth agree; a conflict is listed and never merged, and says nothing about a child outside
the user's area (issue 11, item 4). Real xlsx/csv files, the real database."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from kampungkb.core.models import AuditEntry
from kampungkb.growth.forms import ChildForm
from kampungkb.growth.importing.commit import measurements_import
from kampungkb.growth.importing.report import REASON_HEADER, rejected_rows_xlsx
from kampungkb.growth.models import Child, ImportBatch, Measurement
from kampungkb.growth.services import child_register
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import KURNIA_JAYA, LALANG_JAYA

NIK = "1906010101240001"  # the NIK of eppgbm.row(): a boy born 10/03/2024 in Kurnia Jaya
ROW_DOB = datetime.date(2024, 3, 10)
CONFLICT = (
    "NIK ini sudah terdaftar untuk anak lain (jenis kelamin atau tanggal lahir berbeda, atau "
    "anak berada di luar wilayah tugas Anda); baris ini tidak digabungkan. Periksa NIK, jenis "
    "kelamin, dan tanggal lahir."
)
TAKEN = (
    "NIK ini sudah terdaftar untuk anak lain. Bila anak ini sudah terdaftar, cari di daftar "
    "anak; bila belum, periksa kembali NIK-nya."
)
OTHER = {
    "NIK": "1906010101240002",
    "Nama": "Anak Contoh Dua",
    "JK": "P",
    "Tgl Lahir": "05/01/2023",
    "Tanggal Pengukuran": "16/09/2025",
    "Berat": "11,4",
    "Tinggi": "86,0",
    "Cara Ukur": "Berdiri",
}


def _stored(desa=KURNIA_JAYA, **values):
    """A registered child holding the row's NIK, weighed once."""
    child = factories.child(
        desa,
        nik=NIK,
        **{
            "nama": "Anak Contoh Satu",
            "jenis_kelamin": "L",
            "tanggal_lahir": ROW_DOB,
            "nama_ibu": "Ibu Contoh",
            **values,
        },
    )
    factories.measurement(child, datetime.date(2025, 8, 1), berat=Decimal("9.5"))
    return child


def _errors(result):
    return [(e.row, e.column, e.reason) for e in result.errors]


def _reasons_in_workbook(result, tmp_path):
    out = tmp_path / "ditolak.xlsx"
    rejected_rows_xlsx(result=result, out=out)
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    at = rows[0].index(REASON_HEADER)
    return [r[at] for r in rows[1:]]


def test_a_nik_match_born_seven_months_apart_is_a_conflict_not_merged(eppgbm, users):
    # The reported case: another child (other name, mother, birth date) holds the NIK.
    other = _stored(nama="Bayi Lain", nama_ibu="Ibu Lain", tanggal_lahir=datetime.date(2023, 8, 10))
    result = measurements_import(
        user=users["kecamatan"], path=eppgbm.xlsx([eppgbm.row(), eppgbm.row(**OTHER)])
    )
    assert _errors(result) == [(2, "NIK", CONFLICT)]
    assert (result.n_rejected, result.n_created, result.n_children_created) == (1, 1, 1)
    assert other.measurements.count() == 1  # nothing attached to the registered child
    other.refresh_from_db()
    assert (other.nama, other.tanggal_lahir) == ("Bayi Lain", datetime.date(2023, 8, 10))
    assert Child.objects.get(nik=OTHER["NIK"]).measurements.count() == 1  # other rows kept


def test_a_nik_match_of_another_sex_is_a_conflict_not_merged(eppgbm, users):
    other = _stored(jenis_kelamin="P")
    result = measurements_import(
        user=users["kecamatan"], path=eppgbm.csv([eppgbm.row(), eppgbm.row(**OTHER)])
    )
    assert _errors(result) == [(2, "NIK", CONFLICT)]
    assert other.measurements.count() == 1
    assert Measurement.objects.count() == 2 and result.n_created == 1


def test_a_nik_match_of_the_same_sex_and_birth_date_is_merged_despite_other_names(eppgbm, users):
    child = _stored(nama="Anak C. Satu", nama_ibu="Ibu Lain")
    result = measurements_import(user=users["kecamatan"], path=eppgbm.xlsx([eppgbm.row()]))
    assert (result.errors, result.n_created, result.n_children_created) == ([], 1, 0)
    assert child.measurements.count() == 2


def test_a_birth_date_one_day_off_is_a_conflict_too(eppgbm, users):
    # No tolerance: the file's birth date would be silently ignored for the z-scores.
    _stored(tanggal_lahir=ROW_DOB - datetime.timedelta(days=1))
    result = measurements_import(user=users["kecamatan"], path=eppgbm.xlsx([eppgbm.row()]))
    assert _errors(result) == [(2, "NIK", CONFLICT)]


@pytest.mark.parametrize(
    ("desa", "values"),
    [
        (KURNIA_JAYA, {"tanggal_lahir": datetime.date(2023, 8, 10)}),  # in area, conflict
        (LALANG_JAYA, {"tanggal_lahir": datetime.date(2023, 8, 10)}),  # outside, conflict
        (LALANG_JAYA, {}),  # outside, same sex and birth date
        (LALANG_JAYA, {"jenis_kelamin": "P"}),  # outside, another sex
    ],
    ids=["in-area-conflict", "outside-other-dob", "outside-same-child", "outside-other-sex"],
)
def test_a_nik_conflict_reads_the_same_inside_and_outside_the_users_area(
    eppgbm, users, tmp_path, desa, values
):
    # Kurnia Jaya's operator may not see Lalang Jaya: the row, the preview and the rejected-rows
    # workbook must not tell whether the NIK's child is there.
    other = _stored(desa, **values)
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**OTHER)])
    preview = measurements_import(user=users["desa"], path=path, dry_run=True)
    result = measurements_import(user=users["desa"], path=path)
    for r in (preview, result):
        assert _errors(r) == [(2, "NIK", CONFLICT)]
        assert r.report()["errors"] == [{"row": 2, "column": "NIK", "reason": CONFLICT}]
        assert r.duplicates == [] and r.warnings == []
    assert _reasons_in_workbook(result, tmp_path) == [f"NIK: {CONFLICT}"]
    assert other.measurements.count() == 1
    assert Child.objects.get(nik=OTHER["NIK"]).desa_id == KURNIA_JAYA


def test_a_file_with_a_nik_conflict_imported_twice_changes_nothing_the_second_time(eppgbm, users):
    _stored(tanggal_lahir=datetime.date(2023, 8, 10))
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**OTHER)])
    first = measurements_import(user=users["kecamatan"], path=path)
    stamps = list(Measurement.objects.values_list("pk", "updated_at", "computed_at"))
    audit = AuditEntry.objects.count()
    again = measurements_import(user=users["kecamatan"], path=path)
    assert _errors(again) == _errors(first) == [(2, "NIK", CONFLICT)]
    assert (again.n_created, again.n_updated, again.n_unchanged, again.n_rejected) == (0, 0, 1, 1)
    assert again.batch is None and ImportBatch.objects.count() == 1
    assert AuditEntry.objects.count() == audit
    assert list(Measurement.objects.values_list("pk", "updated_at", "computed_at")) == stamps


def test_two_rows_of_a_file_with_one_nik_and_other_birth_dates_are_not_merged(eppgbm, users):
    rows = [
        eppgbm.row(),
        eppgbm.row(**{"Nama": "Bayi Lain", "Tgl Lahir": "10/10/2024", "Berat": "8,0"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/10/2025", "Berat": "10,5"}),
    ]
    result = measurements_import(user=users["kecamatan"], path=eppgbm.xlsx(rows))
    assert _errors(result) == [
        (
            3,
            "NIK",
            "Baris 2 memuat NIK ini dengan jenis kelamin atau tanggal lahir lain; "
            "baris ini tidak digabungkan.",
        )
    ]
    child = Child.objects.get()
    assert child.tanggal_lahir == ROW_DOB and child.measurements.count() == 2


# --- single entry -------------------------------------------------------------------------


def _register(user, nik, **values):
    return child_register(
        user=user,
        desa=Wilayah.objects.get(kode=KURNIA_JAYA),
        **{
            "nama": "Anak Contoh Satu",
            "jenis_kelamin": "L",
            "tanggal_lahir": ROW_DOB,
            "nama_ibu": "Ibu Contoh",
            "nik": nik,
            **values,
        },
    )


@pytest.mark.parametrize(
    ("desa", "values"),
    [
        (KURNIA_JAYA, {"tanggal_lahir": datetime.date(2023, 8, 10)}),
        (KURNIA_JAYA, {"jenis_kelamin": "P"}),
        (LALANG_JAYA, {"tanggal_lahir": datetime.date(2023, 8, 10)}),
        (LALANG_JAYA, {}),
    ],
    ids=["in-area-other-dob", "in-area-other-sex", "outside-other-dob", "outside-same"],
)
def test_registering_a_child_with_a_registered_nik_is_refused_with_one_neutral_reason(
    users, desa, values
):
    _stored(desa, **values)
    with pytest.raises(ValidationError) as refused:
        _register(users["desa"], NIK)
    assert refused.value.message_dict == {"nik": [TAKEN]}
    assert Child.objects.count() == 1
    form = ChildForm(
        data={
            "nama": "Anak Contoh Satu",
            "jenis_kelamin": "L",
            "tanggal_lahir": ROW_DOB.isoformat(),
            "nik": NIK,
            "nama_ibu": "Ibu Contoh",
            "punya_buku_kia": "unknown",
        }
    )
    assert not form.is_valid() and form.errors["nik"] == [TAKEN]


def test_editing_a_child_to_a_nik_another_child_has_is_refused(users):
    from kampungkb.growth.services import child_update

    _stored(LALANG_JAYA)
    mine = _register(users["desa"], "1906010101240009")
    with pytest.raises(ValidationError) as refused:
        child_update(user=users["desa"], child=mine, nik=NIK)
    assert refused.value.message_dict == {"nik": [TAKEN]}
    mine.refresh_from_db()
    assert mine.nik == "1906010101240009"
