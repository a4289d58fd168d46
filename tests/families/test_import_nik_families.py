"""A person belongs to one family card at a time: a NIK in two families (two No KK) for one
survey year, in one file or in a file and the database, is rejected, not stored twice (it
would count the person twice in the KRS figures: PUS, members)."""

import functools

import pytest

from kampungkb.families.importing.commit import families_import
from kampungkb.families.importing.report import rejected_rows_xlsx
from kampungkb.families.models import FamilyMember, FamilySurvey
from tests import factories
from tests.families.import_files import (
    family_rows,
    rejected_rows_sent_back,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

KK1 = "1906010000000041"
KK2 = "1906010000000042"
KK3 = "1906010000000043"
NIK = "1906014101990007"
WIFE = {"hubungan": 2, "tanggal_lahir": "1999-01-01", "status_kawin": 2}


@pytest.fixture
def operator(beltim):
    return factories.operator_desa()


def _with_wife_nik(no_kk, nik=NIK, **family):
    rows = family_rows(no_kk, **family)
    rows[1]["NIK"] = nik  # the wife (a PUS)
    return rows


def test_a_nik_in_two_families_of_one_file_is_rejected_in_both(tmp_path, operator):
    rows = _with_wife_nik(KK1) + _with_wife_nik(KK2)
    path = write_xlsx(tmp_path / "pk.xlsx", rows)
    result = families_import(user=operator, path=path)
    assert [(e.row, e.column) for e in result.errors] == [(3, "NIK"), (6, "NIK")]
    first, second = (e.reason for e in result.errors)
    assert first == (
        "NIK ini juga ada di keluarga lain (No KK 1906********0042) pada baris 6, untuk tahun "
        "pendataan yang sama; satu orang hanya tercatat dalam satu Kartu Keluarga. "
        "Pertahankan orang ini di satu keluarga saja."
    )
    assert "1906********0041" in second and "baris 3" in second
    assert KK1 not in str(result.report()) and KK2 not in str(result.report())
    # Every other row is kept; the wife is counted in neither family.
    assert (result.n_rejected, result.n_members, result.n_rounds_created) == (2, 4, 2)
    assert not FamilyMember.objects.filter(nik=NIK).exists()
    assert not FamilySurvey.objects.filter(sasaran_pus=True).exists()
    assert sorted(result.beside_rejected) == [2, 4, 5, 7]
    again = families_import(user=operator, path=path)
    assert (again.n_rounds_unchanged, again.n_rejected, again.batch) == (2, 2, None)


def test_every_row_of_the_nik_is_rejected_also_twice_in_one_family(tmp_path, operator):
    rows = _with_wife_nik(KK1)
    rows.append(dict(rows[1]))  # the wife again in KK1 (row 5)
    rows += _with_wife_nik(KK2)  # and in KK2 (row 7)
    result = families_import(user=operator, path=write_csv(tmp_path / "pk.csv", rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "NIK"), (5, "NIK"), (7, "NIK")]
    assert "baris 7" in result.errors[1].reason and "baris 3" in result.errors[2].reason
    assert not FamilyMember.objects.filter(nik=NIK).exists()


def test_a_nik_in_two_families_of_different_years_is_no_conflict(tmp_path, operator):
    rows = _with_wife_nik(KK1) + _with_wife_nik(KK2, **{"Tanggal Pendataan": "02/01/2026"})
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert result.n_rejected == 0
    assert FamilyMember.objects.filter(nik=NIK).count() == 2


def test_a_row_with_another_error_still_claims_the_person(tmp_path, operator):
    rows = _with_wife_nik(KK1) + _with_wife_nik(KK2)
    rows[4]["JK"] = "X"  # KK2's wife: rejected anyway, and she is in KK1 too
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors if e.column == "NIK"] == [
        (3, "NIK"),
        (6, "NIK"),
    ]
    assert not FamilyMember.objects.filter(nik=NIK).exists()


@pytest.mark.parametrize("chunk", [None, 1])
def test_a_nik_stored_in_another_family_for_the_year_is_rejected(
    tmp_path, operator, monkeypatch, chunk
):
    if chunk:  # every NIK and every family of the file in a query of its own
        from kampungkb.core import lookups
        from kampungkb.families.importing import planning

        monkeypatch.setattr(planning, "keys_in", functools.partial(lookups.keys_in, size=chunk))
    families_import(user=operator, path=write_xlsx(tmp_path / "a.xlsx", _with_wife_nik(KK2)))
    rows = _with_wife_nik(KK1) + _with_wife_nik(KK3, nik="1906014101990011")
    path = write_xlsx(tmp_path / "b.xlsx", rows)
    result = families_import(user=operator, path=path)
    assert [(e.row, e.column) for e in result.errors] == [(3, "NIK")]
    assert result.errors[0].reason.startswith(
        "NIK ini sudah tersimpan di keluarga lain pada tahun pendataan yang sama"
    )
    assert (result.n_members, result.n_rounds_created) == (5, 2)
    assert list(
        FamilyMember.objects.filter(nik=NIK).values_list("survey__keluarga__no_kk", flat=True)
    ) == [KK2]
    again = families_import(user=operator, path=path)
    assert (again.n_rounds_unchanged, again.n_rejected, again.batch) == (2, 1, None)
    # Another year is another round: the person may have moved.
    later = _with_wife_nik(KK1, **{"Tanggal Pendataan": "02/01/2026"})
    assert families_import(user=operator, path=write_csv(tmp_path / "c.csv", later)).n_rejected == 0


def test_a_nik_stored_outside_the_area_gets_the_same_neutral_reason(tmp_path, operator):
    inside = factories.family_row(factories.LALANG_JAYA, no_kk=KK2, members=[{"nik": NIK, **WIFE}])
    outside = factories.family_row(
        factories.BATU_PENYU, no_kk=KK3, members=[{"nik": "1906014101990008", **WIFE}]
    )
    assert inside.tahun == outside.tahun == 2025
    rows = _with_wife_nik(KK1) + _with_wife_nik("1906010000000044", nik="1906014101990008")
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert [e.row for e in result.errors] == [3, 6]
    assert len({e.reason for e in result.errors}) == 1
    assert "0042" not in result.errors[0].reason and "0043" not in result.errors[0].reason


def test_a_person_who_moved_is_imported_with_the_family_they_left_in_one_file(tmp_path, operator):
    families_import(user=operator, path=write_xlsx(tmp_path / "a.xlsx", _with_wife_nik(KK2)))
    left = _with_wife_nik(KK2, nik="")  # KK2's round again, its wife without the NIK
    rows = _with_wife_nik(KK1) + left
    result = families_import(user=operator, path=write_xlsx(tmp_path / "b.xlsx", rows))
    assert result.n_rejected == 0 and result.n_rounds_updated == 1
    assert list(
        FamilyMember.objects.filter(nik=NIK).values_list("survey__keluarga__no_kk", flat=True)
    ) == [KK1]


def test_a_family_left_without_members_keeps_its_stored_round_and_is_checked(tmp_path, operator):
    """KK2's only row in the file is a person stored in KK3: rejected, KK2's round is not
    written, so its stored wife stays in KK2 and KK1's row of her is rejected too."""
    families_import(user=operator, path=write_xlsx(tmp_path / "a.xlsx", _with_wife_nik(KK2)))
    other = "1906014101990009"
    factories.family_row(factories.KURNIA_JAYA, no_kk=KK3, members=[{"nik": other, **WIFE}])
    only = _with_wife_nik(KK2, nik=other)[1:2]
    rows = _with_wife_nik(KK1) + only
    result = families_import(user=operator, path=write_xlsx(tmp_path / "b.xlsx", rows))
    assert [e.row for e in result.errors] == [3, 5]
    assert list(
        FamilyMember.objects.filter(nik=NIK).values_list("survey__keluarga__no_kk", flat=True)
    ) == [KK2]


def test_the_rejected_rows_fixed_and_uploaded_again_keep_the_person_in_one_family(
    tmp_path, operator
):
    rows = _with_wife_nik(KK1) + _with_wife_nik(KK2)
    path = write_xlsx(tmp_path / "pk.xlsx", rows)
    families_import(user=operator, path=path)
    out = tmp_path / "ditolak.xlsx"
    written = rejected_rows_xlsx(
        result=families_import(user=operator, path=path, dry_run=True), path=path, out=out
    )
    assert written == 6  # both families whole: the two rows of the NIK and their families

    def fix(row):
        # The fix: the person is KK1's wife; KK2's wife is another woman with her own NIK.
        if row["NIK"] == NIK and row["No KK"] == KK2:
            row["NIK"] = "1906014101990010"

    rejected_rows_sent_back(out, tmp_path / "diperbaiki.xlsx", fix)
    again = families_import(user=operator, path=tmp_path / "diperbaiki.xlsx")
    assert again.n_rejected == 0 and again.n_rounds_updated == 2
    assert list(
        FamilyMember.objects.filter(nik=NIK).values_list("survey__keluarga__no_kk", flat=True)
    ) == [KK1]
    assert FamilyMember.objects.count() == 6
