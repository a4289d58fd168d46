"""Rows looked up by many values in one query (``instances.filtered_in``): the values as one
parameter find exactly the rows a list of parameters finds, across chunks, for texts, dates
and ids, on either database."""

import datetime

import pytest

from kampungkb.growth.importing.instances import filtered_in
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
