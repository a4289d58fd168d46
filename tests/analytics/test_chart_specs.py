"""The chart specs are built by Altair once per process and language (a trend spec took
~25 ms of CPU per request to build and validate); each request gets a copy holding its own
rows, the same spec as one built from scratch, in the user's language."""

import datetime
import types

from django.utils import translation

from kampungkb.analytics import charts


def _trend_rows(n: int):
    return [
        types.SimpleNamespace(
            period_start=datetime.date(2025, m, 1),
            period_type="month" if m % 2 else "year",
            prevalence=0.01 * m,
            ci_low=0.005 * m,
            ci_high=0.02 * m,
            n=20 + m,
            status=types.SimpleNamespace(provisional=m == n, small_n=m < 3),
        )
        for m in range(1, n + 1)
    ]


SPECS = {
    "trend": lambda n: charts.trend_spec(_trend_rows(n)),
    "comparison": lambda n: charts.comparison_spec(
        [{"label": f"g{i}", "p": 0.1, "low": 0.05, "high": 0.2, "n": i} for i in range(n)]
    ),
    "score": lambda n: charts.score_spec(
        [{"nama": f"Desa {i}", "score": 7.25 * i, "lokus": i < 2} for i in range(n)]
    ),
}


def test_a_spec_from_the_cache_is_the_spec_built_from_scratch_with_its_own_rows():
    for language in ("id", "en"):
        with translation.override(language):
            for kind, spec in SPECS.items():
                charts._skeleton.cache_clear()
                fresh = {n: spec(n) for n in (3, 7)}  # built by Altair
                hits = charts._skeleton.cache_info().hits
                again = spec(3)
                assert charts._skeleton.cache_info().hits == hits + 1, kind  # not rebuilt
                assert again == fresh[3], kind
                assert len(again["data"]["values"]) == 3
                # A caller changing its copy (for_print sets widths) changes no other spec.
                again["data"]["values"].clear()
                again["config"]["view"]["stroke"] = "red"
                assert spec(3) == fresh[3], kind


def test_each_language_gets_its_own_titles_and_number_format():
    with translation.override("id"):
        indonesian = charts.trend_spec(_trend_rows(4))
    with translation.override("en"):
        english = charts.trend_spec(_trend_rows(4))
    assert indonesian["config"]["locale"]["number"]["decimal"] == ","
    assert "locale" not in english["config"]
    assert indonesian["layer"][0]["encoding"]["y"]["title"] == "Prevalensi (%)"
    assert english["layer"][0]["encoding"]["y"]["title"] == "Prevalence (%)"
    assert {v["jenis"] for v in indonesian["data"]["values"]} == {"Bulanan", "Tahunan"}


def test_the_priority_score_axis_spans_0_to_100_even_for_a_ranking_of_one_desa():
    """A desa operator's ranking holds its one desa, scored 0: the axis had no width and read
    "0,000000"."""
    spec = charts.score_spec([{"nama": "Kurnia Jaya", "score": 0.0, "lokus": True}])
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 100]
