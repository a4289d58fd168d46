"""Charts speak the user's language: month names and decimal commas in Indonesian."""

import datetime
import re
from types import SimpleNamespace

import vl_convert as vlc
from django.utils import translation

from kampungkb.analytics.charts import trend_spec
from kampungkb.core.chart_locale import chart_locale, localized


def _rows():
    # Two half-yearly points a few months apart: the axis shows month names.
    return [
        SimpleNamespace(
            period_type="month",
            period_start=datetime.date(2025, month, 1),
            prevalence=0.1665,
            ci_low=0.15,
            ci_high=0.18,
            n=2402,
        )
        for month in (2, 5, 8)
    ]


def _axis_text(svg: str) -> str:
    return " ".join(re.findall(r">([^<>]+)</text>", svg))


def test_the_trend_chart_names_months_in_indonesian_in_the_pdf_renderer():
    with translation.override("id"):
        spec = trend_spec(_rows(), width=500)
    text = _axis_text(vlc.vegalite_to_svg(spec))
    assert "Mei" in text or "Agustus" in text
    assert "May" not in text and "August" not in text


def test_the_same_chart_in_english_keeps_english_names():
    with translation.override("en"):
        spec = trend_spec(_rows(), width=500)
    assert "locale" not in spec.get("config", {})
    text = _axis_text(vlc.vegalite_to_svg(spec))
    assert "May" in text or "August" in text


def test_numbers_use_a_decimal_comma_in_indonesian():
    spec = localized(
        {
            "data": {"values": [{"x": 16.7}]},
            "mark": "text",
            "encoding": {"text": {"field": "x", "type": "quantitative", "format": ".1f"}},
        },
        "id",
    )
    assert "16,7" in _axis_text(vlc.vegalite_to_svg(spec))
    assert chart_locale("en") is None and chart_locale("id-ID")["time"]["months"][1] == "Februari"
