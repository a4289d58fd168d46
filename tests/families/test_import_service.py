"""The family-survey import service (families.importing.commit.families_import) on real files."""

import datetime
import functools

import pytest
from django.core.exceptions import PermissionDenied

from kampungkb.core.models import AuditEntry
from kampungkb.families.importing.commit import ImportFileError, families_import
from kampungkb.families.importing.headers import TEMPLATE_HEADERS
from kampungkb.families.models import FamilyImportBatch, FamilyMember, FamilySurvey, Keluarga
from tests import factories
from tests.families.import_files import (
    family_rows,
    rejected_rows_sent_back,
    write_csv,
    write_xlsx,
)
from tests.growth import hostile_files

pytestmark = pytest.mark.django_db

KK1 = "1906010000000001"
KK2 = "1906010000000002"
KK3 = "1906010000000003"


@pytest.fixture
def operator(beltim):
    return factories.operator_desa()


def test_a_family_file_is_stored_with_labels_and_an_audited_batch(tmp_path, operator):
    path = write_xlsx(
        tmp_path / "pk.xlsx", family_rows(KK1) + family_rows(KK2, **{"Sumber Air Minum": "2"})
    )
    result = families_import(user=operator, path=path)
    assert (result.n_rows, result.n_rejected, result.n_families) == (6, 0, 2)
    assert (result.n_rounds_created, result.n_members) == (2, 6)
    survey = FamilySurvey.objects.get(keluarga__no_kk=KK1)
    assert survey.tahun == 2025 and survey.tanggal_pendataan == datetime.date(2025, 6, 15)
    assert survey.sumber_air == 8 and survey.jamban == 1
    # A wife of 24, a baby, water from a river: KRS for the water; the other family's water
    # is piped and nothing else is a risk: not KRS.
    assert survey.is_krs and survey.air and survey.sasaran_baduta
    assert not FamilySurvey.objects.get(keluarga__no_kk=KK2).is_krs
    assert result.n_krs == 1
    assert [(k["no_kk"], k["factors"]) for k in result.krs] == [
        ("1906********0001", ["Air minum tidak layak"])
    ]
    wife = FamilyMember.objects.get(survey=survey, hubungan=2)
    assert (wife.metode_kb, wife.ber_kb, wife.jkn, wife.usia_kawin_pertama) == (
        "suntik",
        True,
        True,
        19,
    )
    keluarga = Keluarga.objects.get(no_kk=KK1)
    assert (keluarga.desa_id, keluarga.rt, keluarga.rw, keluarga.is_synthetic) == (
        factories.KURNIA_JAYA,
        "001",
        "002",
        False,
    )
    batch = result.batch
    assert batch is not None and batch.imported_by == operator
    entry = AuditEntry.objects.get(
        object_type="families.familyimportbatch", object_id=str(batch.pk)
    )
    assert entry.changes["n_rounds_created"] == 2
    assert KK1 not in str(entry.changes) and KK1 not in str(batch.report)


def test_importing_the_same_file_twice_changes_nothing(tmp_path, operator):
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK1))
    families_import(user=operator, path=path)
    members = list(FamilyMember.objects.values_list("pk", flat=True))
    again = families_import(user=operator, path=path)
    assert (again.n_rounds_created, again.n_rounds_updated, again.n_rounds_unchanged) == (0, 0, 1)
    assert again.batch is None
    assert list(FamilyMember.objects.values_list("pk", flat=True)) == members
    assert FamilyImportBatch.objects.count() == 1


def test_a_changed_round_is_replaced_and_another_year_is_a_new_round(tmp_path, operator):
    families_import(user=operator, path=write_xlsx(tmp_path / "a.xlsx", family_rows(KK1)))
    changed = family_rows(KK1, **{"Sumber Air Minum": "Ledeng/PAM"})[:2]
    result = families_import(user=operator, path=write_xlsx(tmp_path / "b.xlsx", changed))
    assert (result.n_rounds_updated, result.n_rounds_created) == (1, 0)
    survey = FamilySurvey.objects.get()
    assert survey.sumber_air == 2 and survey.members.count() == 2
    assert not survey.is_krs  # no baby any more: not a target family
    later = family_rows(KK1, **{"Tanggal Pendataan": "2026-03-01"})
    result = families_import(user=operator, path=write_csv(tmp_path / "c.csv", later))
    assert result.n_rounds_created == 1
    assert list(FamilySurvey.objects.order_by("tahun").values_list("tahun", flat=True)) == [
        2025,
        2026,
    ]


def test_a_dry_run_counts_and_labels_but_writes_nothing(tmp_path, operator):
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK1))
    result = families_import(user=operator, path=path, dry_run=True)
    assert (result.n_rounds_created, result.n_krs) == (1, 1)
    assert result.krs[0]["no_kk"] != KK1 and result.krs[0]["factors"]
    assert not Keluarga.objects.exists() and not FamilyImportBatch.objects.exists()


def test_rows_of_another_area_are_rejected_with_a_neutral_reason(tmp_path, operator):
    rows = family_rows(KK1) + family_rows(KK2, desa="Batu Penyu", kec="Gantung")
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert (result.n_rounds_created, result.n_rejected) == (1, 3)
    assert {e.column for e in result.errors} == {"Desa/Kelurahan"}
    assert result.errors[0].reason == "Desa/kelurahan Batu Penyu di luar wilayah tugas Anda."
    assert not Keluarga.objects.filter(no_kk=KK2).exists()


def test_a_no_kk_registered_elsewhere_is_not_moved_and_not_revealed(tmp_path, operator):
    factories.family_row(factories.BATU_PENYU, no_kk=KK2, members=[])
    factories.family_row(factories.LALANG_JAYA, no_kk=KK3, members=[])
    rows = family_rows(KK2) + family_rows(KK3)
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    reasons = {(e.column, e.reason) for e in result.errors}
    assert len(reasons) == 1  # the same reason inside and outside the area
    assert result.n_rejected == 6
    assert Keluarga.objects.get(no_kk=KK2).desa_id == factories.BATU_PENYU


def test_family_columns_that_disagree_reject_the_family_as_a_conflict(tmp_path, operator):
    rows = family_rows(KK1)
    rows[2]["Jamban"] = "4"
    rows[1]["RT"] = "009"
    rows += family_rows(KK2)
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert result.n_rounds_created == 1 and result.n_rejected == 3
    assert result.conflicts == [
        {"no_kk": result.conflicts[0]["no_kk"], "tahun": 2025, "rows": [2, 3, 4],
         "columns": ["RT", "Jamban"]}
    ]  # fmt: skip
    assert result.conflicts[0]["no_kk"] != KK1
    assert {e.row for e in result.errors} == {2, 3, 4}
    assert "RT, Jamban" in result.errors[0].reason
    assert not Keluarga.objects.filter(no_kk=KK1).exists()


def test_the_same_values_spelt_differently_are_no_conflict(tmp_path, operator):
    rows = family_rows(KK1)
    rows[1]["Alamat"] = "JL. SINTETIS 1"
    rows[2]["Desa/Kelurahan"] = "19.06.01.2002"
    rows[2]["Sumber Air Minum"] = "Air permukaan (sungai/danau/kolam)"
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert (result.n_rejected, result.n_rounds_created) == (0, 1)


def test_a_user_who_may_not_edit_is_refused(tmp_path, beltim):
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK1))
    with pytest.raises(PermissionDenied):
        families_import(user=factories.viewer(), path=path)


@pytest.mark.parametrize(
    ("name", "content"),
    [("pk.pdf", b"%PDF"), ("pk.xlsx", b"not a zip"), ("pk.csv", b"a;b\n1;2\n")],
)
def test_unreadable_files_raise_an_import_file_error(tmp_path, operator, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError):
        families_import(user=operator, path=path)


def test_a_header_without_a_required_column_is_named(tmp_path, operator):
    headers = [h for h in TEMPLATE_HEADERS if h != "Tanggal Pendataan"]
    path = tmp_path / "pk.csv"
    path.write_text(";".join(headers) + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="Tanggal Pendataan"):
        families_import(user=operator, path=path)


@pytest.mark.parametrize(
    "content",
    [
        lambda: hostile_files.far_cell("XFD1048576", claimed=True),
        lambda: hostile_files.zip_bomb(),
        lambda: hostile_files.billion_laughs(),
    ],
    ids=["far-cell", "zip-bomb", "billion-laughs"],
)
def test_a_hostile_file_is_refused_by_the_bounded_reader(tmp_path, operator, content):
    path = tmp_path / "pk.xlsx"
    path.write_bytes(content())
    with pytest.raises(ImportFileError):
        families_import(user=operator, path=path)
    assert not Keluarga.objects.exists()


def test_the_preview_labels_the_rounds_as_the_import_stores_them(tmp_path, operator):
    young = family_rows(KK1, **{"Sumber Air Minum": "1", "Jamban": "3"})
    young[1]["Tgl Lahir"] = "01/03/2007"  # 18 on the survey date: too young
    close = family_rows(KK2, **{"Sumber Air Minum": "2"})
    close[1]["Tgl Lahir"] = "01/03/1988"  # 37: too old
    close[1]["Anak Lahir Hidup"] = "4"  # too many
    close.append({**close[2], "Nama": "Kakak Sintetis", "Tgl Lahir": "10/06/2024"})  # too close
    safe = family_rows(KK3, **{"Sumber Air Minum": "1"})
    path = write_xlsx(tmp_path / "pk.xlsx", young + close + safe)
    preview = families_import(user=operator, path=path, dry_run=True)
    stored = families_import(user=operator, path=path)
    assert (preview.n_krs, preview.krs) == (stored.n_krs, stored.krs)
    assert [k["factors"] for k in stored.krs] == [
        ["Jamban tidak layak", "Istri terlalu muda (<20 th)"],
        [
            "Istri terlalu tua (35–40 th)",
            "Jarak kelahiran terlalu dekat (<24 bulan)",
            "Terlalu banyak anak (>3)",
        ],
    ]


def test_a_busy_database_saves_nothing_and_says_so(tmp_path, operator, monkeypatch):
    from django.db import OperationalError

    from kampungkb.families.importing import commit

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(commit, "families_write", locked)
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK1))
    with pytest.raises(commit.FamilyImportBusyError, match="coba lagi"):
        families_import(user=operator, path=path)
    assert not Keluarga.objects.exists()


def test_a_family_another_import_wrote_meanwhile_saves_nothing_and_says_busy(
    tmp_path, operator, monkeypatch
):
    """The family is stored by another import after this one looked (its No KK was new):
    the families' COPY (INSERTs on SQLite) meets the unique No KK, and the import says busy,
    as for a locked database, and saves nothing of its own."""
    from kampungkb.families.importing import commit

    def written_after_another_import(rounds, families):
        desa = rounds[0].first.desa_kode
        Keluarga.objects.create(no_kk=KK2, desa_id=desa, rt="001", rw="001", alamat="lain")
        return families_write(rounds, families)

    families_write = commit.families_write
    monkeypatch.setattr(commit, "families_write", written_after_another_import)
    path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK1) + family_rows(KK2))
    with pytest.raises(commit.FamilyImportBusyError, match="coba lagi"):
        families_import(user=operator, path=path)
    assert not Keluarga.objects.exists() and not FamilySurvey.objects.exists()


def test_a_new_address_updates_the_family_and_two_rounds_stay_idempotent(tmp_path, operator):
    rows = family_rows(KK1, **{"Tanggal Pendataan": "01/03/2024", "Alamat": "Jl. Lama"})
    rows += family_rows(KK1, **{"Alamat": "Jl. Baru"})
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    families_import(user=operator, path=path)
    assert Keluarga.objects.get().alamat == "Jl. Baru"
    again = families_import(user=operator, path=path)
    assert (again.n_rounds_unchanged, again.n_rounds_updated) == (2, 0)
    moved = family_rows(KK1, **{"Alamat": "Jl. Pindah", "RT": "007"})
    result = families_import(user=operator, path=write_xlsx(tmp_path / "b.xlsx", moved))
    assert result.n_rounds_updated == 1
    assert (Keluarga.objects.get().alamat, Keluarga.objects.get().rt) == ("Jl. Pindah", "007")


def test_the_analytics_hear_of_a_saved_import_only(
    tmp_path, operator, django_capture_on_commit_callbacks
):
    from kampungkb.core.events import records_changed

    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    records_changed.connect(receiver, dispatch_uid="test-family-import")
    try:
        path = write_xlsx(tmp_path / "pk.xlsx", family_rows(KK1))
        with django_capture_on_commit_callbacks(execute=True):
            families_import(user=operator, path=path, dry_run=True)
        assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            families_import(user=operator, path=path)
        assert heard and set(heard) == {"families"}
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True):
            families_import(user=operator, path=path)  # nothing changes
        assert heard == []
    finally:
        records_changed.disconnect(dispatch_uid="test-family-import")


def test_a_member_twice_in_one_family_is_rejected_once(tmp_path, operator):
    rows = family_rows(KK1)
    rows[0]["NIK"] = "1906010101980001"
    rows += [dict(rows[0]), dict(rows[2])]  # the head again (by NIK), the baby again (by name)
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors] == [(5, "NIK"), (6, "Nama")]
    assert "baris 2" in result.errors[0].reason and "baris 4" in result.errors[1].reason
    assert result.n_members == 3


def test_the_krs_rounds_are_counted_and_listed_by_id_across_chunks_of_ids(
    tmp_path, operator, monkeypatch
):
    from kampungkb.core import lookups
    from kampungkb.families.importing import commit

    monkeypatch.setattr(commit, "keys_in", functools.partial(lookups.keys_in, size=2))
    monkeypatch.setattr(commit, "LISTED_KRS", 3)
    numbers = [f"190601000000001{i}" for i in range(5)]
    rows = [row for kk in numbers for row in family_rows(kk)]  # each KRS (water not proper)
    rows += family_rows(KK1, **{"Sumber Air Minum": "1"})  # not KRS
    result = families_import(user=operator, path=write_csv(tmp_path / "a.csv", rows))
    assert (result.n_rounds_created, result.n_krs) == (6, 5)
    first = FamilySurvey.objects.filter(is_krs=True).order_by("pk")[:3]
    assert [k["row"] for k in result.krs] == [
        1 + 3 * numbers.index(s.keluarga.no_kk) + 1 for s in first
    ]


def test_uploading_the_fixed_rejected_rows_again_keeps_the_familys_other_members(
    tmp_path, operator
):
    """The pages say: "Saving stores the valid rows only; fix the rejected rows and upload
    them again". A file's rows of a round are the whole round (a stored round is replaced by
    them), so the rejected rows' file carries the other rows of each family with a rejected
    row too: uploaded again once fixed, it gives the whole family, not the fixed row alone."""
    from kampungkb.families.importing.report import rejected_rows_xlsx

    rows = family_rows(KK1) + family_rows(KK2)
    rows[2]["Tgl Lahir"] = "31/02/2025"  # the baby of KK1
    path = write_xlsx(tmp_path / "pk.xlsx", rows)
    result = families_import(user=operator, path=path)
    assert result.n_rejected == 1 and result.n_members == 5  # every valid row kept
    out = tmp_path / "ditolak.xlsx"
    rejected_rows_xlsx(result=families_import(user=operator, path=path, dry_run=True),
                       path=path, out=out)  # fmt: skip
    names = []

    def fix(row):
        names.append(row["Nama"])
        if row["Tgl Lahir"] == "31/02/2025":
            row["Tgl Lahir"] = "10/01/2025"  # the fix

    fixed = rejected_rows_sent_back(out, tmp_path / "diperbaiki.xlsx", fix)
    again = families_import(user=operator, path=fixed)
    assert again.n_rejected == 0
    survey = FamilySurvey.objects.get(keluarga__no_kk=KK1)
    assert sorted(survey.members.values_list("nama", flat=True)) == sorted(
        r["Nama"] for r in family_rows(KK1)
    )
    assert survey.is_krs
    # The file held the family's three rows (the valid ones with a note), not KK2's.
    assert sorted(names) == sorted(r["Nama"] for r in family_rows(KK1))


def test_an_earlier_rounds_file_leaves_the_address_of_a_later_round(tmp_path, operator):
    """The family's address is its latest round's: a file of an earlier round (last year's
    verification list, imported late) adds that round and keeps the newer address."""
    new = write_xlsx(tmp_path / "2025.xlsx", family_rows(KK1, **{"Alamat": "Jl. Baru"}))
    old = write_xlsx(
        tmp_path / "2024.xlsx",
        family_rows(KK1, **{"Tanggal Pendataan": "01/03/2024", "Alamat": "Jl. Lama", "RT": "009"}),
    )
    families_import(user=operator, path=new)
    result = families_import(user=operator, path=old)
    assert (result.n_rounds_created, result.n_rounds_updated) == (1, 0)
    assert (Keluarga.objects.get().alamat, Keluarga.objects.get().rt) == ("Jl. Baru", "001")
    for path in (new, old):  # each file again: nothing changes
        assert not families_import(user=operator, path=path).changes_anything
