"""The KRS map: desa coloured by the share of KRS among their target families, over the
outlines of their kecamatan. A Vega-Lite spec drawn by ``core/static/core/charts.js`` on the
page and by vl-convert in the PDF, from the stored GeoJSON boundaries (nothing fetched from
outside). Families sit below analytics, so this is its own small builder."""

from __future__ import annotations

import base64

import altair as alt
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kampungkb.core.chart_locale import localized
from kampungkb.core.rounding import RULE_PLACES, percent
from kampungkb.families.stats import KrsPicture
from kampungkb.wilayah.models import Level, Wilayah

PRINT_WIDTH = 520


def _pct(x) -> float | None:
    rounded = percent(x)
    return None if rounded is None else float(rounded)


def krs_map_spec(picture: KrsPicture, *, width="container", height=420) -> dict:
    """The map of the picture's desa (a desa's own picture: that desa alone)."""
    shapes = []
    for row in picture.desa:
        w = row.wilayah
        if not w.boundary:
            continue
        share = _pct(row.krs_share)
        shapes.append(
            {
                "type": "Feature",
                "geometry": w.boundary,
                "properties": {
                    "kode": w.kode,
                    "nama": w.nama,
                    "nilai": share,
                    "teks": "–"
                    if share is None
                    else f"{number_format(percent(row.krs_share), RULE_PLACES)} %",
                    "krs": row.krs,
                    "sasaran": row.sasaran,
                    "url": reverse("families:krs", args=[w.kode])
                    + (f"?tahun={picture.tahun}" if picture.tahun else ""),
                },
            }
        )
    outline_codes = {s["properties"]["kode"][:8] for s in shapes}
    outlines = [
        {"type": "Feature", "geometry": w.boundary, "properties": {"kode": w.kode}}
        for w in Wilayah.objects.filter(
            kode__in=outline_codes, level=Level.KECAMATAN, boundary__isnull=False
        )
    ]
    legend = _("KRS among target families (%)")
    tooltip = [
        alt.Tooltip("properties.nama:N", title=_("Desa")),
        alt.Tooltip("properties.teks:N", title=legend),
        alt.Tooltip("properties.krs:Q", title=_("KRS families")),
        alt.Tooltip("properties.sasaran:Q", title=_("Target families")),
    ]
    grey = (
        alt.Chart(alt.Data(name="shapes"))
        .mark_geoshape(stroke="white", strokeWidth=0.6, fill="#d3d6da")
        .encode(tooltip=tooltip)
        .transform_filter("datum.properties.nilai == null")
    )
    coloured = (
        alt.Chart(alt.Data(name="shapes"))
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .transform_filter("datum.properties.nilai != null")
        .encode(
            color=alt.Color(
                "properties.nilai:Q",
                title=legend,
                scale=alt.Scale(scheme="orangered", zero=True),
                legend=alt.Legend(orient="bottom", titleLimit=400),
            ),
            tooltip=tooltip,
            href="properties.url:N",
        )
    )
    layers = [grey, coloured]
    if outlines and picture.area.level != Level.DESA:
        layers.append(
            alt.Chart(alt.Data(name="outlines")).mark_geoshape(
                filled=False, stroke="#212529", strokeWidth=1.2
            )
        )
    chart = (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(width=width, height=height)
        .configure_view(stroke=None)
    )
    # The geometries join the spec after to_dict: Altair would walk every coordinate.
    spec = localized(chart.to_dict(validate=False))
    spec["datasets"] = {"shapes": shapes, "outlines": outlines}
    return spec


def png_data_uri(spec: dict) -> str:
    """The spec rendered to PNG (vl-convert) at a fixed width, as a data: URI for the PDF."""
    import vl_convert as vlc

    spec = {**spec, "width": PRINT_WIDTH} if spec.get("width") == "container" else spec
    png = vlc.vegalite_to_png(vl_spec=spec)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
