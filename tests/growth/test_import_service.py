"""The e-PPGBM import service and command, on real xlsx/csv files and the real database."""

import datetime
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from kampungkb.core.models import AuditEntry
from kampungkb.growth.importing.commit import ImportFileError, measurements_import
from kampungkb.growth.importing.parse import parse_date, parse_decimal, parse_method, parse_sex
from kampungkb.growth.kbm.recompute import measurements_recompute_all
from kampungkb.growth.models import Child, ImportBatch, Measurement, Posyandu, Puskesmas
from tests import factories
from tests.conftest import KURNIA_JAYA, LALANG_JAYA
from tests.growth.conftest import days_ago
from tests.growth.test_import_identity import CONFLICT

GOOD_2 = {
    "NIK": "1906010101240002",
    "Nama": "Anak Contoh Dua",
    "JK": "P",
    "Tgl Lahir": "2023-01-05",
    "Desa/Kel": "Lalang Jaya",
    "Posyandu": "Mawar",
    "Tanggal Pengukuran": "16-9-2025",
    "Berat": "11.4",
    "Tinggi": "86.0",
    "Cara Ukur": "Berdiri",
}


def _import(user, path, **kw):
    return measurements_import(user=user, path=path, **kw)


def _counts(result):
    return (
        result.n_rows,
        result.n_created,
        result.n_updated,
        result.n_unchanged,
        result.n_rejected,
        result.n_children_created,
    )


def test_good_rows_of_an_xlsx_are_stored_with_their_children_and_z_scores(eppgbm, users):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**GOOD_2)])
    result = _import(users["kecamatan"], path)
    assert _counts(result) == (2, 2, 0, 0, 0, 2)
    one = Child.objects.get(nik="1906010101240001")
    assert (one.desa_id, one.jenis_kelamin, one.tanggal_lahir) == (
        KURNIA_JAYA,
        "L",
        datetime.date(2024, 3, 10),
    )
    assert one.punya_buku_kia is True and one.berat_lahir == Decimal("3.10")
    m = one.measurements.get()
    assert (m.berat, m.tinggi, m.cara_ukur, m.vitamin_a) == (
        Decimal("10.2"),
        Decimal("79.5"),
        "PB",
        True,
    )
    assert m.zwei is not None and m.zlen is not None and m.growth_code == "B"
    assert m.import_batch == result.batch and m.sumber == "import"
    two = Child.objects.get(nik="1906010101240002").measurements.get()
    assert two.cara_ukur == "TB" and two.posyandu.nama == "Mawar"
    assert two.posyandu.desa_id == LALANG_JAYA


def test_missing_posyandu_and_puskesmas_are_created_in_the_desa_and_counted(eppgbm, users):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**GOOD_2)])
    result = _import(users["kecamatan"], path)
    assert (result.n_posyandu_created, result.n_puskesmas_created) == (2, 1)
    melati = Posyandu.objects.get(nama="Melati")
    assert melati.desa_id == KURNIA_JAYA and melati.puskesmas.nama == "Puskesmas Manggar"
    assert set(Puskesmas.objects.get().wilayah_kerja.values_list("kode", flat=True)) == {
        KURNIA_JAYA,
        LALANG_JAYA,
    }


def test_one_batch_and_one_audit_entry_record_the_import(eppgbm, users):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**GOOD_2)], name="januari.xlsx")
    before = AuditEntry.objects.count()
    result = _import(users["kecamatan"], path)
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.sha256, batch.n_created, batch.n_children_created) == (
        "januari.xlsx",
        result.sha256,
        2,
        2,
    )
    assert batch.imported_by == users["kecamatan"] and batch.wilayah_kode == "19.06.01"
    entry = AuditEntry.objects.get(pk__gt=0, object_type="growth.importbatch")
    assert entry.action == "create" and entry.changes["n_created"] == 2
    assert AuditEntry.objects.count() == before + 1


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        (
            {"Tanggal Pengukuran": "31/02/2025"},
            "Tanggal Pengukuran",
            "'31/02/2025' bukan tanggal; tulis dengan format dd/mm/yyyy.",
        ),
        (
            {"Tanggal Pengukuran": "kemarin"},
            "Tanggal Pengukuran",
            "'kemarin' bukan tanggal; tulis dengan format dd/mm/yyyy.",
        ),
        (
            {"Tanggal Pengukuran": "FUTURE"},
            "Tanggal Pengukuran",
            "Tanggal pengukuran tidak boleh di masa depan.",
        ),
        (
            {"Tanggal Pengukuran": "01/01/2024"},
            "Tanggal Pengukuran",
            "Tanggal pengukuran sebelum tanggal lahir.",
        ),
        (
            {"Tgl Lahir": "01/01/2019", "Tanggal Pengukuran": "15/09/2025"},
            "Tanggal Pengukuran",
            "Pada tanggal ini anak sudah berumur lima tahun.",
        ),
        (
            {"Desa/Kel": "Atlantis"},
            "Desa/Kel",
            "Desa/kelurahan 'Atlantis' tidak dikenal di Kecamatan Manggar.",
        ),
        (
            {"Kec": "Gantung", "Desa/Kel": "Batu Penyu"},
            "Desa/Kel",
            "Desa/kelurahan Batu Penyu di luar wilayah tugas Anda.",
        ),
        ({"Berat": "102"}, "Berat", "Harus di antara 0.5 dan 60."),
        ({"Berat": "-8,5"}, "Berat", "Harus di antara 0.5 dan 60."),
        ({"LiLA": "-14"}, "LiLA", "Harus di antara 5 dan 30."),
        ({"Berat": "sepuluh"}, "Berat", "'sepuluh' bukan angka."),
        ({"JK": ""}, "JK", "Isi jenis kelamin: L atau P."),
        ({"NIK": "19060101"}, "NIK", "NIK terdiri dari tepat 16 angka."),
        (
            {"Cara Ukur": ""},
            "Cara Ukur",
            "Pilih cara ukur: telentang (PB) atau berdiri (TB).",
        ),
    ],
    ids=[
        "bad-date",
        "date-as-words",
        "future-date",
        "before-birth",
        "over-five",
        "unknown-desa",
        "desa-outside-area",
        "impossible-weight",
        "negative-weight",
        "negative-lila",
        "weight-not-a-number",
        "missing-sex",
        "bad-nik",
        "height-without-cara-ukur",
    ],
)
def test_a_bad_row_is_rejected_with_its_row_column_and_reason_while_good_rows_are_stored(
    eppgbm, users, change, column, reason
):
    if change.get("Tanggal Pengukuran") == "FUTURE":
        change = {"Tanggal Pengukuran": days_ago(-10)}
    bad = eppgbm.row(**{"NIK": "1906010101240003", "Nama": "Anak Salah", **change})
    path = eppgbm.xlsx([eppgbm.row(), bad, eppgbm.row(**GOOD_2)])
    result = _import(users["kecamatan"], path)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [(3, column, reason)]
    assert (result.n_created, result.n_rejected) == (2, 1)
    assert set(Child.objects.values_list("nama", flat=True)) == {
        "Anak Contoh Satu",
        "Anak Contoh Dua",
    }


def test_every_reason_of_a_row_is_reported_not_only_the_first(eppgbm, users):
    path = eppgbm.xlsx([eppgbm.row(JK="X", Berat="0,1", **{"Tgl Lahir": "kapan"})])
    result = _import(users["kecamatan"], path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "JK"), (2, "Tgl Lahir")]
    assert result.errors[0].reason == "'X' bukan jenis kelamin; tulis L atau P."


def test_importing_the_same_file_again_changes_nothing(eppgbm, users):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**GOOD_2), eppgbm.row(JK="")])
    _import(users["kecamatan"], path)
    stamps = list(Measurement.objects.values_list("pk", "updated_at", "computed_at"))
    audit = AuditEntry.objects.count()
    again = _import(users["kecamatan"], path)
    assert _counts(again) == (3, 0, 0, 2, 1, 0)
    assert again.batch is None and ImportBatch.objects.count() == 1
    assert AuditEntry.objects.count() == audit
    assert list(Measurement.objects.values_list("pk", "updated_at", "computed_at")) == stamps


def test_a_changed_value_on_a_stored_date_updates_that_measurement(eppgbm, users):
    _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row()], name="a.xlsx"))
    result = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row(Berat="10,4")], name="b.xlsx"))
    assert (result.n_created, result.n_updated, result.n_unchanged) == (0, 1, 0)
    m = Measurement.objects.get()
    assert m.berat == Decimal("10.4") and m.import_batch == result.batch


def test_a_child_is_matched_by_nik_even_when_the_name_is_spelled_differently(eppgbm, users):
    child = factories.child(
        KURNIA_JAYA,
        user=users["kecamatan"],
        nik="1906010101240001",
        nama="Anak C. Satu",
        jenis_kelamin="L",
        tanggal_lahir=datetime.date(2024, 3, 10),
        nama_ibu="Ibu Lain",
    )
    result = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row()]))
    assert (result.n_created, result.n_children_created) == (1, 0)
    assert Measurement.objects.get().child == child
    child.refresh_from_db()
    assert child.nama == "Anak C. Satu"  # matched, never overwritten
    assert child.posyandu.nama == "Melati" and child.rt == "001"  # blanks are filled


def test_a_child_without_nik_is_matched_by_name_birth_date_mother_and_desa(eppgbm, users):
    child = factories.child(
        KURNIA_JAYA,
        user=users["kecamatan"],
        nama="ANAK  contoh satu",
        jenis_kelamin="L",
        tanggal_lahir=datetime.date(2024, 3, 10),
        nama_ibu="Ibu Contoh",
    )
    result = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row(NIK="")]))
    assert (result.n_created, result.n_children_created, result.duplicates) == (1, 0, [])
    assert Measurement.objects.get().child == child


def test_rows_of_one_child_on_several_dates_make_one_child_and_a_growth_series(eppgbm, users):
    rows = [
        eppgbm.row(NIK="", **{"Tanggal Pengukuran": "15/08/2025", "Berat": "9,6"}),
        eppgbm.row(NIK="", **{"Tanggal Pengukuran": "15/09/2025", "Berat": "10,2"}),
        eppgbm.row(NIK="", **{"Tanggal Pengukuran": "15/10/2025", "Berat": "10,2"}),
    ]
    result = _import(users["kecamatan"], eppgbm.csv(rows))
    assert (result.n_created, result.n_children_created) == (3, 1)
    codes = list(Measurement.objects.order_by("tanggal").values_list("growth_code", flat=True))
    assert codes == ["B", "N", "T"]


def test_a_new_row_between_stored_ones_recomputes_the_growth_codes_of_the_series(eppgbm, users):
    rows = [
        eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025", "Berat": "9,6"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/10/2025", "Berat": "10,4"}),
    ]
    _import(users["kecamatan"], eppgbm.xlsx(rows, name="a.xlsx"))
    assert Measurement.objects.order_by("tanggal").last().growth_code == "O"
    middle = eppgbm.row(**{"Tanggal Pengukuran": "15/09/2025", "Berat": "10,0"})
    _import(users["kecamatan"], eppgbm.xlsx([middle], name="b.xlsx"))
    codes = list(Measurement.objects.order_by("tanggal").values_list("growth_code", flat=True))
    assert codes == ["B", "N", "N"]


def test_imported_and_recomputed_rows_carry_the_digest_a_recompute_computes(eppgbm, users):
    """New rows, updated rows and the stored rows of a series an import recomputes all get
    the digest of their values, so a recompute right after the import writes nothing."""
    first = [
        eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025", "Berat": "9,6"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/10/2025", "Berat": "10,4"}),
        eppgbm.row(**GOOD_2),
    ]
    _import(users["kecamatan"], eppgbm.xlsx(first, name="a.xlsx"))
    second = [
        eppgbm.row(**{"Tanggal Pengukuran": "15/09/2025", "Berat": "10,0"}),
        eppgbm.row(**{**GOOD_2, "Berat": "11.6"}),
    ]
    _import(users["kecamatan"], eppgbm.xlsx(second, name="b.xlsx"))
    assert not Measurement.objects.filter(computed_digest__isnull=True).exists()

    result = measurements_recompute_all()

    assert (result.rows, result.written, result.relabelled) == (4, 0, 0)


def test_the_same_child_twice_on_one_date_in_a_file_rejects_the_second_row(eppgbm, users):
    result = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row(), eppgbm.row(Berat="10")]))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (
            3,
            "Tanggal Pengukuran",
            "Pengukuran anak ini pada tanggal yang sama sudah ada di baris 2.",
        )
    ]


def test_likely_duplicates_are_listed_for_review_and_not_merged(eppgbm, users):
    factories.child(
        KURNIA_JAYA,
        user=users["kecamatan"],
        nama="Anak Contoh Satu",
        jenis_kelamin="L",
        tanggal_lahir=datetime.date(2024, 3, 10),
        nama_ibu="Siti",
    )
    same_in_file = eppgbm.row(NIK="1906010101240009", **{"Nama Ortu": "Ibu Ketiga"})
    result = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row(NIK=""), same_in_file]))
    assert result.n_children_created == 2 and Child.objects.count() == 3
    found = [(d["row"], d["other"]) for d in result.duplicates]
    assert found == [
        (2, "anak terdaftar Anak Contoh Satu, ibu Siti, NIK –"),
        (3, "anak terdaftar Anak Contoh Satu, ibu Siti, NIK –"),
        (3, "baris 2: Anak Contoh Satu, ibu Ibu Contoh, NIK –"),
    ]


def test_z_scores_of_the_file_that_differ_by_more_than_a_tenth_are_warnings(eppgbm, users):
    first = _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row()], name="a.xlsx"), dry_run=True)
    assert first.warnings == []
    row = eppgbm.row(**{"ZS BB/U": "-3,5", "ZS TB/U": "", "ZS BB/TB": "0.0"})
    m_ours = _import(users["kecamatan"], eppgbm.xlsx([row], name="b.xlsx"))
    stored = Measurement.objects.get()
    expected = [("ZS BB/U", -3.5, round(stored.zwei, 2))]
    if abs(stored.zwfl) > 0.1:
        expected.append(("ZS BB/TB", 0.0, round(stored.zwfl, 2)))
    assert [(w["column"], w["theirs"], w["ours"]) for w in m_ours.warnings] == expected
    assert m_ours.warnings[0]["row"] == 2 and m_ours.n_rejected == 0
    assert m_ours.warnings[0]["message"].startswith("ZS BB/U: di berkas -3.50, hasil hitung")


def test_z_scores_within_a_tenth_are_not_warned(eppgbm, users):
    _import(users["kecamatan"], eppgbm.xlsx([eppgbm.row()], name="a.xlsx"))
    z = Measurement.objects.get().zwei
    row = eppgbm.row(**{"ZS BB/U": f"{z + 0.08:.2f}"})
    assert _import(users["kecamatan"], eppgbm.xlsx([row], name="b.xlsx")).warnings == []


def test_a_dry_run_counts_everything_and_writes_nothing(eppgbm, users):
    audit = AuditEntry.objects.count()
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**GOOD_2), eppgbm.row(Berat="99")])
    result = _import(users["kecamatan"], path, dry_run=True)
    assert _counts(result) == (3, 2, 0, 0, 1, 2)
    assert result.n_posyandu_created == 2 and result.batch is None
    assert not Child.objects.exists() and not Measurement.objects.exists()
    assert not Posyandu.objects.exists() and not Puskesmas.objects.exists()
    assert not ImportBatch.objects.exists() and AuditEntry.objects.count() == audit


def test_a_failure_in_the_middle_of_a_commit_leaves_nothing_behind(eppgbm, users):
    class Boom(Exception):
        pass

    def fail_after_children(stage):
        if stage == "measurements":
            assert Child.objects.count() == 2  # written, inside the transaction
            raise Boom

    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**GOOD_2)])
    with pytest.raises(Boom):
        _import(users["kecamatan"], path, progress=fail_after_children)
    assert not Child.objects.exists() and not Measurement.objects.exists()
    assert not Posyandu.objects.exists() and not ImportBatch.objects.exists()


def test_a_csv_with_semicolons_commas_and_excel_serial_dates_is_read(eppgbm, users):
    rows = [
        eppgbm.row(**{"Tgl Lahir": "45361", "Tanggal Pengukuran": "2025-09-15", "Berat": "10,2"})
    ]
    result = _import(users["kecamatan"], eppgbm.csv(rows))
    assert result.n_created == 1
    assert Child.objects.get().tanggal_lahir == datetime.date(2024, 3, 10)


def test_headers_are_matched_whatever_their_spelling_and_a_title_row_above_them(eppgbm, users):
    headers = [
        "nik",
        "NAMA ANAK",
        "Jenis Kelamin",
        "Tanggal Lahir",
        "Nama Orang Tua",
        "Kecamatan",
        "Puskesmas",
        "Desa / Kelurahan",
        "Tgl. Pengukuran",
        "BB",
        "TB",
        "Cara Ukur",
    ]
    row = eppgbm.row()
    values = dict(
        zip(
            headers,
            [
                row["NIK"],
                row["Nama"],
                "Laki-laki",
                datetime.date(2024, 3, 10),
                "Ibu Contoh",
                "Kec. Manggar",
                "PKM Manggar",
                "KURNIA JAYA",
                datetime.datetime(2025, 9, 15, 0, 0),
                10.2,
                79.5,
                "L",
            ],
            strict=True,
        )
    )
    path = eppgbm.xlsx([values], headers=headers, title="Data e-PPGBM September 2025")
    result = _import(users["kecamatan"], path)
    assert (result.n_created, result.n_rejected) == (1, 0)
    m = Measurement.objects.select_related("child").get()
    assert (m.child.jenis_kelamin, m.cara_ukur, m.berat) == ("L", "PB", Decimal("10.2"))


def test_desa_names_are_matched_despite_spelling_variants(eppgbm, make_user):
    from kampungkb.accounts.models import Role

    admin = make_user(Role.ADMIN_KABUPATEN, "19.06")
    rows = [
        eppgbm.row(Kec="Damar", **{"Desa/Kel": "Burung Mandi"}),
        eppgbm.row(NIK="", Kec="", **{"Desa/Kel": "Desa Kurnia  Jaya"}),
    ]
    result = _import(admin, eppgbm.xlsx(rows))
    assert result.n_rejected == 0, result.errors
    assert sorted(Child.objects.values_list("desa__nama", flat=True)) == [
        "Burong Mandi",
        "Kurnia Jaya",
    ]


def test_a_desa_operator_may_import_only_rows_of_their_desa(eppgbm, users):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(**GOOD_2)])
    result = _import(users["desa"], path)
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, "Desa/kelurahan Lalang Jaya di luar wilayah tugas Anda.")
    ]
    assert Child.objects.get().desa_id == KURNIA_JAYA


def test_a_nik_registered_outside_the_users_area_is_rejected(eppgbm, users):
    factories.measurement(
        factories.child(
            LALANG_JAYA,
            nik="1906010101240001",
            nama="Anak Contoh Satu",
            jenis_kelamin="L",
            tanggal_lahir=datetime.date(2024, 3, 10),
            nama_ibu="",
        ),
        datetime.date(2025, 8, 1),
        berat=Decimal("9.5"),
    )
    result = _import(users["desa"], eppgbm.xlsx([eppgbm.row()]))
    assert [(e.column, e.reason) for e in result.errors] == [("NIK", CONFLICT)]


@pytest.mark.parametrize("role", ["mitra", "viewer"])
def test_roles_that_may_not_edit_may_not_import(eppgbm, users, role):
    with pytest.raises(PermissionDenied):
        _import(users[role], eppgbm.xlsx([eppgbm.row()]))
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kosong.txt", b"NIK;Nama", "Hanya berkas xlsx dan csv yang dapat diimpor."),
        ("rusak.xlsx", b"PK\x03\x04 bukan xlsx", "Berkas ini bukan buku kerja xlsx"),
        ("lain.csv", b"a;b;c\n1;2;3\n", "Baris judul kolom e-PPGBM tidak ditemukan"),
        ("kurang.csv", b"NIK;Nama;JK;Tgl Lahir\n", "Judul kolom tidak memuat kolom: "),
    ],
)
def test_a_file_that_cannot_be_read_raises_a_clear_error(tmp_path, users, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=reason):
        _import(users["kecamatan"], path)


def test_cell_parsers_accept_the_formats_seen_in_e_ppgbm_files():
    assert parse_date("5/3/2024") == parse_date("05-03-2024") == datetime.date(2024, 3, 5)
    assert parse_date("2024-03-05") == parse_date(45356) == datetime.date(2024, 3, 5)
    assert parse_decimal("10,25", 2) == parse_decimal(10.25, 2) == Decimal("10.25")
    assert parse_decimal("1.234,5", 1) == Decimal("1234.5")
    assert [parse_sex(v) for v in ("L", "Perempuan", "1", "2", "laki-laki")] == list("LPLPL")
    assert [parse_method(v) for v in ("Telentang", "Terlentang", "PB", "L")] == ["PB"] * 4
    assert [parse_method(v) for v in ("Berdiri", "TB", "H")] == ["TB"] * 3


def _run_command(*args):
    out = subprocess.run(
        [sys.executable, "-m", "django", "import_measurements", *args],
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        },
        check=False,
    )
    return out


def test_the_command_reports_rejected_rows_and_exits_zero(eppgbm, users, capsys):
    path = eppgbm.xlsx([eppgbm.row(), eppgbm.row(NIK="123")])
    call_command("import_measurements", str(path), "--user", users["kecamatan"].username)
    out = capsys.readouterr().out
    assert "baris: 2, baru: 1" in out
    assert "baris 3, kolom NIK: NIK terdiri dari tepat 16 angka." in out
    assert Measurement.objects.count() == 1


def test_the_command_dry_run_as_the_system_writes_nothing(eppgbm, beltim, capsys):
    call_command("import_measurements", str(eppgbm.xlsx([eppgbm.row()])), "--dry-run")
    assert "Uji coba" in capsys.readouterr().out
    assert not Measurement.objects.exists()


def test_the_command_exits_2_when_the_file_cannot_be_read(tmp_path, beltim, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_measurements", str(tmp_path / "tidak-ada.xlsx"))
    assert exit_info.value.code == 2
    assert "tidak ada" in capsys.readouterr().err
    (tmp_path / "teks.txt").write_text("halo")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_measurements", str(tmp_path / "teks.txt"))
    assert exit_info.value.code == 2


def test_the_command_exit_code_is_2_from_a_shell(tmp_path):
    # The file is read before the database is opened, so this runs without a test database.
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    assert _run_command(str(tmp_path / "x.pdf")).returncode == 2
