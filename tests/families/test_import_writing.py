"""The import's writes with ids taken first (``writing``): on SQLite after the largest id the
table ever gave, so an id of a deleted family or round is never given again (as
AUTOINCREMENT and PostgreSQL's sequences never do), and every row written as the ORM would."""

import pytest
from django.utils import timezone

from kampungkb.families.importing.commit import families_import
from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga
from tests.families.import_files import family_rows, write_csv

pytestmark = pytest.mark.django_db


def test_ids_of_deleted_families_and_rounds_are_never_given_again(tmp_path, beltim):
    families_import(user=None, path=write_csv(tmp_path / "a.csv", family_rows("1906010000000001")))
    family, survey = Keluarga.objects.get(), FamilySurvey.objects.get()
    Keluarga.objects.all().delete()  # its rounds and members with it
    result = families_import(
        user=None, path=write_csv(tmp_path / "b.csv", family_rows("1906010000000002"))
    )
    assert result.n_rounds_created == 1
    assert Keluarga.objects.get().pk > family.pk
    assert FamilySurvey.objects.get().pk > survey.pk


def test_rows_are_written_with_their_defaults_times_and_members_in_order(tmp_path, beltim):
    before = timezone.now()
    families_import(user=None, path=write_csv(tmp_path / "a.csv", family_rows("1906010000000001")))
    family = Keluarga.objects.get()
    survey = FamilySurvey.objects.get()
    assert family.is_synthetic is False and before <= family.created_at <= timezone.now()
    assert family.updated_at == family.created_at and survey.updated_at >= before
    assert survey.keluarga_id == family.pk and survey.is_krs is True  # labelled after writing
    members = list(FamilyMember.objects.filter(survey=survey).values_list("urutan", "hubungan"))
    assert members == [(0, 1), (1, 2), (2, 3)]
