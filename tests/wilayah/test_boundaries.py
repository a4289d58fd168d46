"""Boundaries decoded once per process for the maps, and never an outdated one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kampungkb.wilayah.boundaries import forget_boundaries, with_boundaries
from kampungkb.wilayah.models import Level, Wilayah
from tests.conftest import KURNIA_JAYA, MANGGAR


def _square(x: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, -2.9], [x + 0.1, -2.9], [x, -2.8], [x, -2.9]]]}


@pytest.fixture
def shaped(beltim):
    forget_boundaries()
    desa = list(Wilayah.objects.filter(parent_id=MANGGAR).order_by("kode"))
    for i, w in enumerate(desa):
        Wilayah.objects.filter(pk=w.pk).update(boundary=_square(108 + i / 10) if i else None)
    return Wilayah.objects.filter(parent_id=MANGGAR, level=Level.DESA).order_by("kode")


def test_the_shapes_are_those_stored_and_read_once(shaped):
    stored = [(w.kode, w.boundary) for w in shaped]
    assert len(stored) > 2 and stored[0][1] is None
    with CaptureQueriesContext(connection) as first:
        before = with_boundaries(shaped)
    assert [(w.kode, w.boundary) for w in before] == stored
    with CaptureQueriesContext(connection) as again:
        drawn = with_boundaries(shaped)
    assert [(w.kode, w.boundary) for w in drawn] == stored
    # The second map decodes nothing: the very objects decoded the first time come back.
    assert all(a.boundary is b.boundary for a, b in zip(before, drawn, strict=True))
    # PostgreSQL gives the digests, then the boundaries not seen; SQLite the text in one read.
    expected = (2, 1) if connection.vendor == "postgresql" else (1, 1)
    assert (len(first), len(again)) == expected
    assert not drawn[1].get_deferred_fields()  # the boundary is there, not loaded per row


def test_a_boundary_changed_by_any_writer_is_drawn_as_it_now_is(shaped):
    with_boundaries(shaped)
    last = shaped.last().kode
    # Writes that bypass save() (no updated_at): the digest still tells them apart.
    Wilayah.objects.filter(kode=KURNIA_JAYA).update(boundary=_square(109.5))
    Wilayah.objects.filter(kode=last).update(boundary=None)
    drawn = {w.kode: w.boundary for w in with_boundaries(shaped.all())}
    assert drawn[KURNIA_JAYA] == _square(109.5)
    assert drawn[last] is None
    assert drawn == {w.kode: w.boundary for w in shaped.all()}
