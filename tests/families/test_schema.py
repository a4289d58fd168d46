"""The families' tables carry no index that another index already provides or that no query
uses: each is one more entry for every family, round and member an import writes. Runs on
SQLite and on PostgreSQL (``DATABASE_URL``)."""

import pytest
from django.db import connection

from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga
from tests import factories

pytestmark = pytest.mark.django_db


def _indexes(model) -> dict[str, tuple[list[str], bool]]:
    """The table's indexes (unique constraints included, primary key not): name -> (columns,
    unique)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: (list(c["columns"]), bool(c["unique"]))
        for name, c in found.items()
        if (c["index"] or c["unique"]) and not c["primary_key"]
    }


@pytest.mark.parametrize("model", [Keluarga, FamilySurvey, FamilyMember])
def test_no_index_is_the_first_columns_of_another(model):
    indexes = _indexes(model)
    for name, (columns, unique) in indexes.items():
        for other, (wider, _unique) in indexes.items():
            if other != name and not unique:
                assert wider[: len(columns)] != columns, (name, other)


def test_the_indexes_the_queries_use_are_there_and_no_other():
    columns = {
        model: sorted(tuple(c) for c, _u in _indexes(model).values())
        for model in (Keluarga, FamilySurvey, FamilyMember)
    }
    assert columns[Keluarga] == [("desa_id", "rw", "rt"), ("no_kk",)]
    assert columns[FamilySurvey] == [("keluarga_id", "tahun")]
    assert columns[FamilyMember] == [("child_id",), ("survey_id",)]


def test_the_child_index_holds_the_linked_members_only_and_serves_the_lookups(beltim):
    child = factories.child_row()
    member = {"hubungan": 3, "tanggal_lahir": "2024-01-01"}
    survey = factories.family_row(members=[member, member, {**member, "child": child}])
    linked = survey.members.get(child=child)
    table = connection.ops.quote_name(FamilyMember._meta.db_table)
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask for the index
        sql = f"{explain} SELECT id FROM {table} WHERE child_id = %s"  # noqa: S608
        cursor.execute(sql, [child.pk])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "member_linked_child" in plan
    assert list(child.family_members.all()) == [linked]
    child.delete()  # SET_NULL finds the member by the index
    assert not FamilyMember.objects.filter(child__isnull=False).exists()
