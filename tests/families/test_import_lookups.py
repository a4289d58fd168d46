"""Many keys looked up in one query (``core.lookups.keys_in``): the keys as one array parameter
find exactly the rows a list of parameters found, across chunks, on either database."""

import pytest

from kampungkb.core.lookups import keys_in
from kampungkb.families.importing.commit import families_import
from kampungkb.families.models import FamilySurvey, Keluarga
from tests.families.import_files import family_rows, write_csv

pytestmark = pytest.mark.django_db


def test_keys_in_chunks_find_the_rows_the_keys_name(tmp_path, beltim):
    rows = [r for i in range(5) for r in family_rows(f"19060100000{i:05d}")]
    families_import(user=None, path=write_csv(tmp_path / "pk.csv", rows))
    wanted = ["1906010000000001", "1906010000000003", "1906010000000004", "0000000000000000"]
    found = [
        no_kk
        for keys in keys_in(wanted, size=2)
        for no_kk in Keluarga.objects.filter(no_kk__in=keys).values_list("no_kk", flat=True)
    ]
    assert sorted(found) == wanted[:3]
    ids = list(Keluarga.objects.filter(no_kk__in=wanted).values_list("pk", flat=True))
    rounds = [
        pk
        for keys in keys_in(ids, kind="bigint", size=2)
        for pk in FamilySurvey.objects.filter(keluarga_id__in=keys).values_list("pk", flat=True)
    ]
    assert len(rounds) == 3
    assert list(keys_in([])) == []
    with pytest.raises(ValueError):
        list(keys_in(["x"], kind="text; DROP TABLE x"))


def test_keys_with_quotes_backslashes_commas_and_braces_come_back_as_they_are(db):
    """On PostgreSQL the keys go as the text of one array (``{"a","b"}``): every character
    that means something in it is escaped; ints go as numbers."""
    from django.db import connection

    awkward = ['a"b', "c\\d", "e,f", "{g}", " h ", "NULL", "", "ñama", "it's", '\\"']
    for values, kind in ((awkward, "text"), ([3, -1, 2**40], "bigint")):
        found = []
        for keys in keys_in(values, kind=kind, size=4):
            with connection.cursor() as cursor:
                cursor.execute(keys.sql, keys.params)
                found += [value for (value,) in cursor.fetchall()]
        assert found == values
