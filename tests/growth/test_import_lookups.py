"""Rows looked up by many values in one query (``core.lookups.filtered_in``): the values as one
parameter find exactly the rows a list of parameters finds, across chunks, for texts, dates
and ids, on either database."""

import datetime

import pytest

from kampungkb.core.lookups import filtered_in
from kampungkb.growth.models import Child, Measurement
from tests import factories

pytestmark = pytest.mark.django_db


def _found(queryset, field, values, **options):
    return sorted(pk for q in filtered_in(queryset, field, values, **options) for pk in q)


def test_the_values_find_the_rows_they_name_across_chunks(beltim):
    born = [datetime.date(2024, 1, d) for d in (3, 5, 7, 9)]
    children = [
        factories.child_row(nik=f"19060101012400{i:02d}", tanggal_lahir=day)
        for i, day in enumerate(born)
    ]
    for c in children[:3]:
        factories.measurement_row(c, "2024-06-01")
        factories.measurement_row(c, "2024-07-01")
    ids = Child.objects.values_list("pk", flat=True)
    wanted = ["1906010101240000", "1906010101240002", "1906010101240003", "0000000000000000"]
    for size in (2, 50_000):
        assert _found(ids, "nik", wanted, size=size) == sorted(
            c.pk for c in children if c.nik in wanted
        )
        assert _found(ids, "tanggal_lahir", [born[1], datetime.date(2020, 1, 1)], size=size) == [
            children[1].pk
        ]
        measured = _found(
            Measurement.objects.values_list("child_id", flat=True),
            "child_id",
            [children[0].pk, children[3].pk],
            size=size,
        )
        assert measured == [children[0].pk, children[0].pk]
    assert _found(ids, "nik", []) == []


def test_thousands_of_values_are_one_query(beltim, django_assert_num_queries):
    """One query, not one per 900 values (Django takes as long to build one as to run it)."""
    c = factories.child_row(nik="1906010101204321")
    niks = [f"19060101012{i:05d}" for i in range(5_000)]
    with django_assert_num_queries(1):
        assert _found(Child.objects.values_list("pk", flat=True), "nik", niks) == [c.pk]


def test_a_row_with_a_registered_nik_is_not_looked_up_by_key_too(beltim):
    """A re-import's children found by NIK are read once: only the rows without a NIK, or
    with one nobody has, look for a child by name, birth, mother and desa."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kampungkb.growth.importing.matching import _existing_children
    from kampungkb.growth.importing.rows import Row

    registered = factories.child_row(nik="1906010101240001", match_key="key-registered")
    keyed = factories.child_row(match_key="key-keyed")
    rows = [
        Row(number=2, nik="1906010101240001", match_key="key-registered"),
        Row(number=3, nik=None, match_key="key-keyed"),
        Row(number=4, nik="1906010101249999", match_key="key-unknown"),
    ]
    with CaptureQueriesContext(connection) as queries:
        by_nik, by_key = _existing_children(rows)
    assert by_nik == {"1906010101240001": registered}
    assert by_key == {"key-keyed": keyed, "key-registered": registered}
    by_key_sql = [q["sql"] for q in queries.captured_queries if '"match_key" IN' in q["sql"]]
    assert len(by_key_sql) == 1
    params = by_key_sql[0]
    assert "key-keyed" in params and "key-unknown" in params
    assert "key-registered" not in params
