"""Members who are children linked to their growth records by the family import: by NIK, else
by name, date of birth, mother (the family's wife) and desa; conflicts and ambiguous matches
listed, never linked."""

import datetime

import pytest

from kampungkb.families.importing.commit import families_import
from kampungkb.families.models import FamilyMember
from tests import factories
from tests.families.import_files import family_rows, write_xlsx

pytestmark = pytest.mark.django_db

KK = "1906010000000021"
NIK = "1906015001250001"
BORN = datetime.date(2025, 1, 10)


@pytest.fixture
def operator(beltim):
    return factories.operator_desa()


def _rows(**child):
    rows = family_rows(KK)
    rows[2].update(child)
    return rows


def _baby():
    return FamilyMember.objects.get(hubungan=3)


def test_a_child_is_linked_by_nik(tmp_path, operator):
    child = factories.child(nik=NIK, tanggal_lahir=BORN, nama="Nama Lain Sintetis")
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", _rows(NIK=NIK)))
    assert (result.n_linked, result.link_conflicts, result.ambiguous) == (1, [], [])
    assert _baby().child == child


def test_a_child_is_linked_by_name_birth_date_mother_and_desa(tmp_path, operator):
    child = factories.child(
        nama="ANAK  SINTETIS 0021", tanggal_lahir=BORN, nama_ibu="Ibu Sintetis 0021"
    )
    factories.child(nama="Anak Sintetis 0021", tanggal_lahir=BORN, nama_ibu="Ibu Lain Sintetis")
    factories.child(nama="Anak Sintetis 0021", tanggal_lahir=BORN, nama_ibu="Ibu Sintetis 0021",
                    desa=factories.LALANG_JAYA)  # fmt: skip
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", _rows()))
    assert result.n_linked == 1
    assert _baby().child == child


def test_two_matching_children_are_listed_as_ambiguous_and_not_linked(tmp_path, operator):
    for _i in range(2):
        factories.child_row(
            nama="Anak Sintetis 0021",
            tanggal_lahir=BORN,
            nama_ibu="Ibu Sintetis 0021",
            match_key=f"anak sintetis 0021|{BORN}|ibu sintetis 0021|{factories.KURNIA_JAYA}",
        )
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", _rows()))
    assert result.n_linked == 0
    assert [(a["row"], a["nama"]) for a in result.ambiguous] == [(4, "Anak Sintetis 0021")]
    assert "2" in result.ambiguous[0]["reason"]
    assert _baby().child is None
    assert result.batch.report["ambiguous"] == result.ambiguous


@pytest.mark.parametrize(
    "stored",
    [
        {"jenis_kelamin": "P", "tanggal_lahir": BORN},
        {"jenis_kelamin": "L", "tanggal_lahir": BORN - datetime.timedelta(days=3)},
        {"jenis_kelamin": "L", "tanggal_lahir": BORN, "desa": factories.BATU_PENYU},
    ],
    ids=["sex", "birth-date", "outside-area"],
)
def test_a_nik_match_that_disagrees_or_lies_outside_is_a_conflict(tmp_path, operator, stored):
    factories.child(nik=NIK, **stored)
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", _rows(NIK=NIK)))
    assert result.n_linked == 0 and len(result.link_conflicts) == 1
    conflict = result.link_conflicts[0]
    assert conflict["row"] == 4 and NIK not in str(conflict)
    assert _baby().child is None


def test_the_conflict_reason_is_the_same_inside_and_outside_the_area(tmp_path, operator):
    factories.child(nik=NIK, jenis_kelamin="P", tanggal_lahir=BORN)
    other = "1906025001250002"
    factories.child(nik=other, tanggal_lahir=BORN, desa=factories.BATU_PENYU)
    rows = _rows(NIK=NIK) + family_rows("1906010000000022")
    rows[-1]["NIK"] = other
    rows[-1]["Nama"] = "Anak Sintetis 0021"
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert len({c["reason"] for c in result.link_conflicts}) == 1
    assert len(result.link_conflicts) == 2


def test_an_adult_is_never_matched(tmp_path, operator):
    factories.child(nama="Ayah Sintetis 0021", tanggal_lahir=BORN, nama_ibu="")
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", family_rows(KK)))
    assert result.n_linked == 0
    assert not FamilyMember.objects.filter(child__isnull=False).exists()


def test_a_new_link_updates_an_otherwise_unchanged_round(tmp_path, operator):
    path = write_xlsx(tmp_path / "pk.xlsx", _rows(NIK=NIK))
    families_import(user=operator, path=path)
    assert _baby().child is None
    child = factories.child(nik=NIK, tanggal_lahir=BORN)
    result = families_import(user=operator, path=path)
    assert (result.n_rounds_updated, result.n_linked) == (1, 1)
    assert _baby().child == child
    assert families_import(user=operator, path=path).n_rounds_unchanged == 1


def test_an_older_child_of_the_head_within_the_growth_range_is_linked(tmp_path, operator):
    # Six on the survey date, but registered in growth when under five.
    born = datetime.date(2019, 5, 1)
    child = factories.child_row(
        nama="Kakak Sintetis 0021",
        tanggal_lahir=born,
        nama_ibu="Ibu Sintetis 0021",
        match_key=f"kakak sintetis 0021|{born}|ibu sintetis 0021|{factories.KURNIA_JAYA}",
    )
    rows = family_rows(KK)
    rows.append({**rows[2], "Nama": "Kakak Sintetis 0021", "Tgl Lahir": "01/05/2019"})
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert result.n_linked == 1
    assert FamilyMember.objects.get(nama="Kakak Sintetis 0021").child == child


def test_a_member_is_a_candidate_up_to_the_last_day_under_five_and_not_a_day_after(
    tmp_path, operator
):
    """Not a child of the head (relation 4), so only the age counts: exactly
    ``MAX_AGE_DAYS`` old on the survey date is linked, one day older is not."""
    from kampungkb.growth.services import MAX_AGE_DAYS, child_match_key
    from tests.families.import_files import SURVEY

    survey = datetime.datetime.strptime(SURVEY, "%d/%m/%Y").date()
    rows = family_rows(KK)
    for name, age in (
        ("Cucu Sintetis Satu", MAX_AGE_DAYS),
        ("Cucu Sintetis Dua", MAX_AGE_DAYS + 1),
    ):
        born = survey - datetime.timedelta(days=age)
        factories.child_row(
            nama=name,
            tanggal_lahir=born,
            nama_ibu="Ibu Sintetis 0021",
            match_key=child_match_key(
                nama=name, tanggal_lahir=born, nama_ibu="Ibu Sintetis 0021",
                desa_kode=factories.KURNIA_JAYA,
            ),
        )  # fmt: skip
        rows.append({**rows[2], "Nama": name, "Hubungan": "4", "Tgl Lahir": f"{born:%d/%m/%Y}"})
    result = families_import(user=operator, path=write_xlsx(tmp_path / "pk.xlsx", rows))
    assert result.n_linked == 1
    linked = FamilyMember.objects.filter(child__isnull=False).values_list("nama", flat=True)
    assert list(linked) == ["Cucu Sintetis Satu"]
