"""The officials' dashboards read the wilayah boundaries (GeoJSON, ~4-21 KB each, decoded on
every read) only to draw a map: the area page, the trend spec and the priority ranking (page,
spec) decoded the kabupaten's, the kecamatan's and every desa's on each request, about half of
the priority spec's CPU. The maps still draw every shape."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kampungkb.analytics import charts
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.wilayah.models import Level, Wilayah
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, MANGGAR

Q = "?periode=penimbangan&mulai=2025-08-01"
SQUARE = {"type": "Polygon", "coordinates": [[[108.0, -2.9], [108.1, -2.9], [108.1, -2.8]]]}


@pytest.fixture
def drawn(data):
    """Figures, and a boundary for every wilayah (the reference data may hold none)."""
    data.many(KURNIA_JAYA, "2025-08-10", n=12, cases=4)
    data.many(LALANG_JAYA, "2025-08-10", n=10, cases=1)
    data.many(BATU_PENYU, "2025-08-10", n=10, cases=5)
    summaries_rebuild()
    Wilayah.objects.update(boundary=SQUARE)


def _boundary_reads(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Read (and decoded) when it is in a SELECT list; testing it in a WHERE reads nothing.
    return [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT") and '"boundary"' in q["sql"].split(" FROM ")[0]
    ]


@pytest.mark.parametrize("kode", ["19.06", MANGGAR, KURNIA_JAYA])
@pytest.mark.parametrize(
    "page",
    ["analytics:area", "analytics:trend_spec", "analytics:priority", "analytics:priority_spec"],
)
def test_dashboards_without_a_map_read_no_boundary(client, users, drawn, page, kode):
    client.force_login(users["admin"])
    assert _boundary_reads(client, reverse(page, args=[kode]) + Q) == []


@pytest.mark.parametrize(
    ("kode", "shapes"),
    [("19.06", Level.DESA), (MANGGAR, Level.DESA), (KURNIA_JAYA, None)],
)
def test_the_maps_still_draw_every_shape(client, users, drawn, kode, shapes):
    client.force_login(users["admin"])
    spec = client.get(reverse("analytics:map_spec", args=[kode]) + Q).json()
    drawn_codes = {f["properties"]["kode"]: f["geometry"] for f in spec["datasets"]["shapes"]}
    expected = (
        set(Wilayah.objects.within(kode).filter(level=shapes).values_list("kode", flat=True))
        if shapes
        else {kode}
    )
    assert set(drawn_codes) == expected
    assert all(geometry == SQUARE for geometry in drawn_codes.values())


def test_a_map_spec_is_built_once_per_kind_and_drawn_the_same(client, users, drawn):
    from kampungkb.analytics import charts

    client.force_login(users["admin"])
    charts._skeleton.cache_clear()
    kabupaten = reverse("analytics:map_spec", args=["19.06"]) + Q
    first = client.get(kabupaten).json()
    hits = charts._skeleton.cache_info().hits
    assert client.get(kabupaten).json() == first
    assert charts._skeleton.cache_info().hits == hits + 1
    # A desa's map has no kecamatan outlines layer: another chart, not the kabupaten's.
    desa = client.get(reverse("analytics:map_spec", args=[KURNIA_JAYA]) + Q).json()
    assert (len(first["layer"]), len(desa["layer"])) == (3, 2)
    assert first["datasets"]["outlines"] and desa["datasets"]["shapes"]


def test_the_area_page_names_the_subareas_without_a_boundary(client, users, drawn):
    Wilayah.objects.filter(kode=BATU_PENYU).update(boundary=None)
    client.force_login(users["admin"])
    response = client.get(reverse("analytics:area", args=[BATU_PENYU[:8]]) + Q)
    assert [w.kode for w in response.context["unmapped"]] == [BATU_PENYU]
    assert _boundary_reads(client, reverse("analytics:area", args=[BATU_PENYU[:8]]) + Q) == []


@pytest.mark.parametrize("kode", ["19.06", MANGGAR])
def test_the_priority_spec_reads_the_ranking_alone_and_charts_the_pages_ranking(
    client, users, drawn, kode
):
    client.force_login(users["admin"])
    page = client.get(reverse("analytics:priority", args=[kode]) + Q)
    ranked = [
        {"nama": r.wilayah.nama, "score": r.score, "lokus": r.lokus} for r in page.context["rows"]
    ]
    assert ranked
    with CaptureQueriesContext(connection) as spec_queries:
        spec = client.get(reverse("analytics:priority_spec", args=[kode]) + Q).json()
    # The chart of the ranking the page shows, as the spec drew it before.
    assert spec == json.loads(json.dumps(charts.score_spec(ranked)))
    with CaptureQueriesContext(connection) as page_queries:
        client.get(reverse("analytics:priority", args=[kode]) + Q)
    # Not the page's subarea figures, freshness or period choices: fewer queries than it.
    assert len(spec_queries) < len(page_queries)
    assert not [q for q in spec_queries if "analytics_summarystate" in q["sql"]]
