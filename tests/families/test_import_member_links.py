"""A replaced survey round keeps the member rows of the people still in it: a TPK target
linked to a member stays linked to that person across re-imports of the family's round, and
what reads the link (the scorecard's JKN cell) shows the member's answers as surveyed again.
A person no longer in the round leaves the target without a member, in the audit trail."""

import pytest
from django.db import connection

from kampungkb.core.models import AuditEntry
from kampungkb.families.importing.commit import families_import
from kampungkb.families.models import FamilyMember, FamilySurvey
from kampungkb.families.tpk.models import Target
from tests.families.import_files import family_rows, write_csv, write_xlsx
from tests.families.tpk.scorecard.helpers import D, card, cells, pregnant

pytestmark = pytest.mark.django_db

KK1 = "1906010000000001"
NIK_AYAH = "1906014101980001"
NIK_IBU = "1906014103010002"


@pytest.fixture
def operator(users):
    return users["desa"]  # Kurnia Jaya's operator


def _with_niks(rows: list[dict], *niks: str) -> list[dict]:
    return [{**row, "NIK": nik} for row, nik in zip(rows, niks, strict=False)] + rows[len(niks) :]


def _wife(**filters) -> FamilyMember:
    return FamilyMember.objects.get(survey__keluarga__no_kk=KK1, hubungan=2, **filters)


def _pregnant_wife() -> Target:
    """The family's wife registered as a pregnancy from her member row (Q3 2025 scorecard)."""
    wife = _wife()
    return pregnant(D(2025, 3, 1), keluarga=wife.survey.keluarga, member=wife, nama=wife.nama)


def _links_hold() -> None:
    """Every member a target refers to exists now, not only at the commit (the foreign keys
    are checked there, deferred; a test's transaction never commits)."""
    connection.check_constraints(table_names=[Target._meta.db_table])


def _jkn(user, target) -> str:
    return cells(card(user), target)["ih_jkn"].value


def test_a_changed_round_keeps_the_target_linked_to_the_same_person(tmp_path, operator, users):
    families_import(user=operator, path=write_xlsx(tmp_path / "a.xlsx", family_rows(KK1)))
    target = _pregnant_wife()
    wife_pk = target.member_id
    assert _jkn(users["admin"], target) == "Y"
    # Surveyed again: the water changed, the husband's marital status and the wife's JKN
    # too, and the rows come in another order; the wife is still the wife.
    rows = family_rows(KK1, **{"Sumber Air Minum": "2"})
    rows[0]["Status Kawin"] = "3"
    rows[1]["JKN"] = "T"
    rows = [rows[1], rows[2], rows[0]]
    result = families_import(user=operator, path=write_xlsx(tmp_path / "b.xlsx", rows))
    assert result.n_rounds_updated == 1
    _links_hold()
    target.refresh_from_db()
    assert target.member_id == wife_pk
    assert target.member == _wife() and target.member.nama == target.nama
    assert target.member.jkn is False and target.member.urutan == 0
    assert FamilySurvey.objects.get().sumber_air == 2
    assert _jkn(users["admin"], target) == "T"  # the new answer, read through the link
    assert not AuditEntry.objects.filter(object_type="families.target", action="update").exists()


def test_a_member_is_the_same_person_by_nik_whatever_the_spelling_of_the_name(
    tmp_path, operator, users
):
    first = _with_niks(family_rows(KK1), NIK_AYAH, NIK_IBU)
    families_import(user=operator, path=write_csv(tmp_path / "a.csv", first))
    target = _pregnant_wife()
    again = _with_niks(family_rows(KK1, **{"Jamban": "2"}), NIK_AYAH, NIK_IBU)
    again[1]["Nama"] = "Ibu Sintetis Dua"  # the name spelt otherwise, the same NIK
    families_import(user=operator, path=write_csv(tmp_path / "b.csv", again))
    target.refresh_from_db()
    assert target.member == _wife(nik=NIK_IBU)
    assert target.member.nama == "Ibu Sintetis Dua"
    assert _jkn(users["admin"], target) == "Y"


def test_a_nik_given_later_still_finds_the_member_by_name_and_date_of_birth(tmp_path, operator):
    families_import(user=operator, path=write_csv(tmp_path / "a.csv", family_rows(KK1)))
    target = _pregnant_wife()
    wife_pk = target.member_id
    again = _with_niks(family_rows(KK1), NIK_AYAH, NIK_IBU)
    result = families_import(user=operator, path=write_csv(tmp_path / "b.csv", again))
    assert result.n_rounds_updated == 1
    target.refresh_from_db()
    assert target.member_id == wife_pk and target.member.nik == NIK_IBU


def test_another_nik_is_another_person_even_with_the_same_name_and_birth(tmp_path, operator):
    first = _with_niks(family_rows(KK1), NIK_AYAH, NIK_IBU)
    families_import(user=operator, path=write_csv(tmp_path / "a.csv", first))
    target = _pregnant_wife()
    other = "1906014103010009"
    families_import(
        user=operator,
        path=write_csv(tmp_path / "b.csv", _with_niks(family_rows(KK1), NIK_AYAH, other)),
    )
    target.refresh_from_db()
    assert target.member is None
    assert _wife().nik == other


def test_a_member_left_out_of_the_round_unlinks_the_target_in_the_audit_trail(
    tmp_path, operator, users
):
    families_import(user=operator, path=write_xlsx(tmp_path / "a.xlsx", family_rows(KK1)))
    target = _pregnant_wife()
    wife_pk = target.member_id
    husband_pk = FamilyMember.objects.get(hubungan=1).pk
    rows = family_rows(KK1)
    path = write_xlsx(tmp_path / "b.xlsx", [rows[0], rows[2]])
    result = families_import(user=operator, path=path)
    assert result.n_rounds_updated == 1
    _links_hold()
    target.refresh_from_db()
    assert target.member is None and target.keluarga is not None  # still the family's
    assert not FamilyMember.objects.filter(pk=wife_pk).exists()
    assert FamilyMember.objects.filter(pk=husband_pk).exists()  # the others keep their rows
    assert _jkn(users["admin"], target) == ""  # nothing surveyed to read any more
    entry = AuditEntry.objects.get(
        object_type="families.target", object_id=str(target.pk), action="update"
    )
    assert entry.changes == {"member": [wife_pk, None]}
    assert entry.actor == operator and entry.wilayah_kode == target.desa_id


def test_importing_the_changed_file_again_changes_nothing(tmp_path, operator):
    families_import(user=operator, path=write_xlsx(tmp_path / "a.xlsx", family_rows(KK1)))
    target = _pregnant_wife()
    rows = family_rows(KK1, **{"Sumber Air Minum": "2"})
    rows.append({**rows[0], "Nama": "Nenek Sintetis", "Hubungan": "4", "Tgl Lahir": "1/1/1950"})
    path = write_xlsx(tmp_path / "b.xlsx", rows)
    families_import(user=operator, path=path)
    members = list(FamilyMember.objects.order_by("pk").values_list("pk", "urutan", "nama"))
    assert len(members) == 4
    again = families_import(user=operator, path=path)
    assert (again.n_rounds_updated, again.n_rounds_unchanged) == (0, 1)
    assert list(FamilyMember.objects.order_by("pk").values_list("pk", "urutan", "nama")) == (
        members
    )
    target.refresh_from_db()
    assert target.member == _wife()
