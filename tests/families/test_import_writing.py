"""The import's writes with ids taken first (``writing``): on SQLite after the largest id the
table ever gave, so an id of a deleted family or round is never given again (as
AUTOINCREMENT and PostgreSQL's sequences never do), and every row written as the ORM would."""

import datetime
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kampungkb.core.bulk import bulk_insert
from kampungkb.families import labels
from kampungkb.families.importing.commit import families_import
from kampungkb.families.labels_read import survey_arrays
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


def _varied_rows(seed: int = 20261129, families: int = 120) -> list[dict]:
    """Families of every relation, sex, marital status and method, live births given or not,
    births at month ends and on 29 February, surveyed on several days."""
    rng = random.Random(seed)
    rows = []
    for f in range(families):
        on = rng.choice(["15/06/2025", "28/02/2025", "29/02/2024", "31/12/2024"])
        day = datetime.datetime.strptime(on, "%d/%m/%Y").date()
        members = []
        for m in range(rng.randint(1, 6)):
            born = day - datetime.timedelta(days=rng.choice([0, 59, 365, 730, 1826, 7000, 13000]))
            born = born if rng.random() < 0.8 else datetime.date(2020, 2, 29)
            sex = rng.choice("LP")
            method = rng.choice(["", "Pil", "Suntik", "IUD", "MAL", "Tradisional", "Kondom"])
            members.append(
                {
                    "Nama": f"Anggota Sintetis {f}-{m}",
                    "Hubungan": str(rng.randint(1, 4)),
                    "JK": sex,
                    "Tgl Lahir": born.strftime("%d/%m/%Y"),
                    "Status Kawin": rng.choice(["", "1", "2", "3", "4"]),
                    "Hamil": "Y" if sex == "P" and rng.random() < 0.3 else "T",
                    "Anak Lahir Hidup": rng.choice(["", "0", "1", "3", "4", "7"]),
                    "Ber-KB": "Y" if method else rng.choice(["T", ""]),
                    "Metode KB": method,
                }
            )
        rows += family_rows(
            f"19060100{f:08d}",
            members=members,
            **{
                "Sumber Air Minum": str(rng.randint(1, 10)),
                "Jamban": rng.choice(["1", "2", "3", "4", ""]),
                "Tanggal Pendataan": on,
            },
        )
    return rows


def test_rounds_are_written_once_with_the_labels_the_stored_rows_give(tmp_path, beltim):
    rows = _varied_rows()
    rule_set = labels.default_rule_set()
    with CaptureQueriesContext(connection) as queries:
        result = families_import(user=None, path=write_csv(tmp_path / "a.csv", rows))
    assert result.n_rounds_created == 120 and result.n_rejected == 0
    table = FamilySurvey._meta.db_table
    rewritten = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
    assert rewritten == []  # labelled as written, not written, read back and rewritten
    ids = sorted(FamilySurvey.objects.values_list("pk", flat=True))
    stored = survey_arrays(ids, contiguous=False)
    assert not stored["fresh"].any()  # every round carries its rule set
    assert set(FamilySurvey.objects.values_list("rule_set_id", flat=True)) == {rule_set.pk}
    assert 0 < FamilySurvey.objects.filter(is_krs=True).count() < 120
    assert (stored["labels"] == labels.chunk_labels(stored, rule_set.rules)).all()
    # A recompute from the stored rows finds nothing to change.
    assert labels.labels_compute(ids) == 120
    assert (survey_arrays(ids, contiguous=False)["labels"] == stored["labels"]).all()


def test_a_replaced_round_is_relabelled_with_it(tmp_path, beltim):
    rows = family_rows("1906010000000001", **{"Sumber Air Minum": "1"})
    families_import(user=None, path=write_csv(tmp_path / "a.csv", rows))
    assert not FamilySurvey.objects.get().air
    rows = family_rows("1906010000000001", **{"Sumber Air Minum": "8"})
    result = families_import(user=None, path=write_csv(tmp_path / "b.csv", rows))
    survey = FamilySurvey.objects.get()
    assert result.n_rounds_updated == 1 and survey.air and survey.is_krs
    assert survey.rule_set_id == labels.default_rule_set().pk and survey.computed_at


def test_every_row_goes_in_as_its_columns_types_and_reads_back_the_same(
    tmp_path, beltim, monkeypatch
):
    """The families, rounds and members go in by a binary COPY on PostgreSQL (each value
    already of its column's type: enums, booleans, NULLs, dates, times), which gives back
    exactly what the file said: the same file again changes nothing."""
    from kampungkb.families.importing import writing

    calls = []

    def spy(model, fields, rows, **kwargs):
        calls.append((model, kwargs.get("binary", False)))
        return bulk_insert(model, fields, rows, **kwargs)

    monkeypatch.setattr(writing, "bulk_insert", spy)
    path = write_csv(tmp_path / "a.csv", _varied_rows(families=30))
    assert families_import(user=None, path=path).n_rounds_created == 30
    assert calls == [(Keluarga, True), (FamilySurvey, True), (FamilyMember, True)]
    again = families_import(user=None, path=path)
    assert (again.n_rounds_unchanged, again.n_rounds_created, again.n_rounds_updated) == (30, 0, 0)


def test_without_a_default_rule_set_the_rounds_are_written_unlabelled(tmp_path, beltim):
    from kampungkb.families.models import KrsRuleSet

    KrsRuleSet.objects.update(is_default=False)
    rows = family_rows("1906010000000001") + family_rows("1906010000000002")
    result = families_import(user=None, path=write_csv(tmp_path / "a.csv", rows))
    assert (result.n_rounds_created, result.n_krs) == (2, 0)
    assert (
        list(FamilySurvey.objects.values_list("rule_set_id", "computed_at", "is_krs"))
        == [(None, None, False)] * 2
    )
    KrsRuleSet.objects.filter(kode=KrsRuleSet.objects.first().kode).update(is_default=True)
    assert labels.labels_compute() == 2 and FamilySurvey.objects.filter(is_krs=True).count() == 2


def _update_sql(tmp_path, name: str, n: int) -> int:
    """The length of the SQL that rewrites ``n`` changed rounds and the families' new address:
    ``n`` families imported, then again with another water source and RT."""
    rows = [r for f in range(n) for r in family_rows(f"19060100{name}{f:06d}")]
    families_import(user=None, path=write_csv(tmp_path / f"{name}-a.csv", rows))
    changed = [{**r, "Sumber Air Minum": "2", "RT": "009"} for r in rows]
    with CaptureQueriesContext(connection) as captured:
        result = families_import(user=None, path=write_csv(tmp_path / f"{name}-b.csv", changed))
    assert result.n_rounds_updated == n
    tables = (FamilySurvey._meta.db_table, Keluarga._meta.db_table)
    # A statement run for many rows at once is logged as "30 times: UPDATE ..." (or "? times").
    statements = [re.sub(r"^(\d+|\?) times: ", "", q["sql"]) for q in captured]
    return sum(
        len(sql)
        for sql in statements
        if sql.upper().startswith("UPDATE") and any(t in sql for t in tables)
    )


def test_changed_rounds_are_rewritten_in_statements_that_do_not_grow_with_their_number(
    tmp_path, beltim
):
    """Django's ``bulk_update`` writes a ``CASE WHEN id = ...`` branch per row and field, which
    the database tries row by row: a file changing 4,500 rounds spent 20 s there, 20 times the
    import of the same rounds new. ``rows_update`` sends one statement whatever the count."""
    few, many = _update_sql(tmp_path, "01", 3), _update_sql(tmp_path, "02", 30)
    assert 0 < few == many
    assert FamilySurvey.objects.filter(sumber_air=2).count() == 33
    assert set(Keluarga.objects.values_list("rt", flat=True)) == {"009"}
