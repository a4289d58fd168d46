"""Vega-Altair specs of the analysis pages, drawn by charts.js on the page and by vl-convert
(PNG) in the PDF reports: one chart definition for both. Maps come from the stored GeoJSON
boundaries; nothing is fetched from outside."""

from __future__ import annotations

import base64
import copy
import functools

import altair as alt
from django.utils import translation
from django.utils.translation import gettext as _

from kampungkb.core.chart_locale import localized
from kampungkb.core.rounding import percent, round_half_up
from kampungkb.wilayah.boundaries import with_boundaries
from kampungkb.wilayah.models import Level, Wilayah

PRINT_WIDTH = 520


def _pct(x):
    """A proportion as the percentage shown on the pages (``core.rounding``), for the
    tooltips to read the same."""
    rounded = percent(x)
    return None if rounded is None else float(rounded)


def _trend_status(r) -> str:
    """ "provisional" / "small n" / "" for a trend row (a summary, or one with a status)."""
    status = getattr(r, "status", None)
    if status is None:
        return ""
    parts = [_("provisional")] if status.provisional else []
    if status.small_n:
        parts.append(_("small n"))
    return ", ".join(str(p) for p in parts)


def _with_values(build, values: list[dict], *args) -> dict:
    """The spec ``build(*args)`` draws, holding ``values`` as its data.

    The chart's structure depends only on its arguments and the language (titles, locale),
    not on the figures: Altair builds and validates it once per process (a trend spec took
    ~25 ms of CPU per request to build), and each request copies it and puts its rows in."""
    spec = copy.deepcopy(_skeleton(build, translation.get_language() or "", *args))
    spec["data"] = {"values": values}
    return spec


@functools.lru_cache(maxsize=256)
def _skeleton(build, language: str, *args) -> dict:
    # ``language`` is only the key: ``build`` translates with the active language, the same.
    return build(*args)


def trend_spec(rows, *, title: str = "", width="container") -> dict:
    """Monthly line with its 95% interval band, and yearly points, of one indicator. A
    provisional period (``analytics.course``) is drawn as a hollow point, off the line."""
    monthly, yearly = _("Monthly"), _("Yearly")
    values = [
        {
            "periode": r.period_start.isoformat(),
            "jenis": monthly if r.period_type == "month" else yearly,
            "prevalensi": _pct(r.prevalence),
            "bawah": _pct(r.ci_low),
            "atas": _pct(r.ci_high),
            "n": r.n,
            "sementara": bool(getattr(getattr(r, "status", None), "provisional", False)),
            "status": _trend_status(r),
        }
        for r in rows
        if r.prevalence is not None
    ]
    return _with_values(_trend_chart, values, str(title), width)


def _trend_chart(title: str, width) -> dict:
    monthly, yearly = _("Monthly"), _("Yearly")
    base = alt.Chart(alt.Data(values=[])).encode(
        x=alt.X("periode:T", title=_("Period")),
    )
    final = alt.datum.sementara == False  # noqa: E712 (a Vega expression, not Python)
    band = (
        base.transform_filter((alt.datum.jenis == monthly) & final)
        .mark_area(opacity=0.2)
        .encode(y=alt.Y("bawah:Q", title=_("Prevalence (%)")), y2="atas:Q")
    )
    scale = alt.Scale(domain=[monthly, yearly], range=["#198754", "#d63384"])
    color = alt.Color("jenis:N", title="", scale=scale, legend=alt.Legend(orient="bottom"))
    tooltip = [
        alt.Tooltip("periode:T", title=_("Period")),
        alt.Tooltip("prevalensi:Q", title=_("Prevalence (%)"), format=".1f"),
        alt.Tooltip("bawah:Q", title=_("95% CI low"), format=".1f"),
        alt.Tooltip("atas:Q", title=_("95% CI high"), format=".1f"),
        alt.Tooltip("n:Q", title=_("Children measured")),
        alt.Tooltip("status:N", title=_("Status")),
    ]
    line = base.transform_filter(final).mark_line().encode(y="prevalensi:Q", color=color)
    points = base.mark_point(size=60, strokeWidth=2).encode(
        y="prevalensi:Q",
        color=color,
        fill=alt.condition(
            final, alt.Fill("jenis:N", scale=scale, legend=None), alt.value("white")
        ),
        tooltip=tooltip,
    )
    chart = alt.layer(band, line, points).properties(width=width, height=260)
    if title:
        chart = chart.properties(title=title)
    return localized(chart.configure_view(stroke=None).to_dict(validate=False))


def comparison_spec(rows: list[dict], *, width="container") -> dict:
    """Points with 95% interval bars: one per group (``label``, ``p``, ``low``, ``high``)."""
    values = [
        {
            "kelompok": r["label"],
            "prevalensi": _pct(r["p"]),
            "bawah": _pct(r["low"]),
            "atas": _pct(r["high"]),
            "n": r["n"],
        }
        for r in rows
        if r["p"] is not None
    ]
    return _with_values(_comparison_chart, values, width, len(values))


def _comparison_chart(width, count: int) -> dict:
    base = alt.Chart(alt.Data(values=[])).encode(y=alt.Y("kelompok:N", title=""))
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("bawah:Q", title=_("Prevalence (%) with 95% CI")), x2="atas:Q"
    )
    points = base.mark_point(filled=True, size=80, color="#198754").encode(
        x="prevalensi:Q",
        tooltip=[
            alt.Tooltip("kelompok:N", title=_("Group")),
            alt.Tooltip("prevalensi:Q", title=_("Prevalence (%)"), format=".1f"),
            alt.Tooltip("bawah:Q", title=_("95% CI low"), format=".1f"),
            alt.Tooltip("atas:Q", title=_("95% CI high"), format=".1f"),
            alt.Tooltip("n:Q", title=_("Children measured")),
        ],
    )
    return localized(
        alt.layer(bars, points)
        .properties(width=width, height=40 + 30 * count)
        .configure_view(stroke=None)
        .to_dict(validate=False)
    )


def score_spec(rows: list[dict], *, width="container") -> dict:
    """Horizontal bars of the priority score of the desa ranked (``nama``, ``score``, ``lokus``)."""
    yes, no = _("Priority desa (lokus)"), _("Other desa")
    values = [
        {
            "desa": r["nama"],
            "skor": float(round_half_up(r["score"])),
            "status": yes if r["lokus"] else no,
        }
        for r in rows
    ]
    return _with_values(_score_chart, values, width, len(values))


def _score_chart(width, count: int) -> dict:
    yes, no = _("Priority desa (lokus)"), _("Other desa")
    chart = (
        alt.Chart(alt.Data(values=[]))
        .mark_bar()
        .encode(
            # The whole scale, always: a desa operator's ranking of one desa (score 0) had a
            # zero-width axis, labelled "0,000000".
            x=alt.X("skor:Q", title=_("Priority score (0-100)"), scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("desa:N", sort="-x", title=""),
            color=alt.Color(
                "status:N",
                title="",
                scale=alt.Scale(domain=[yes, no], range=["#dc3545", "#adb5bd"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["desa:N", "skor:Q"],
        )
        .properties(width=width, height=max(120, 16 * count))
    )
    return localized(chart.configure_view(stroke=None).to_dict(validate=False))


def choropleth_spec(
    area: Wilayah, features: list[dict], *, legend_title: str, width="container", height=420
) -> dict:
    """Desa (or kecamatan) coloured by prevalence over the outlines of their kecamatan.

    ``features`` are dicts ``{"wilayah": Wilayah, "value": float | None (0-1), "text": str,
    "n": str, "url": str}``; a None value is drawn grey ("no figure").
    """
    shapes = []
    for f in features:
        w = f["wilayah"]
        if not w.boundary:
            continue
        shapes.append(
            {
                "type": "Feature",
                "geometry": w.boundary,
                "properties": {
                    "kode": w.kode,
                    "nama": w.nama,
                    "nilai": _pct(f["value"]),
                    "teks": f["text"],
                    "n": f.get("n", ""),
                    "url": f.get("url", ""),
                },
            }
        )
    outline_codes = {s["properties"]["kode"][:8] for s in shapes}
    outlines = [
        {"type": "Feature", "geometry": w.boundary, "properties": {"kode": w.kode}}
        for w in with_boundaries(
            Wilayah.objects.filter(
                kode__in=outline_codes, level=Level.KECAMATAN, boundary__isnull=False
            )
        )
    ]
    spec = copy.deepcopy(
        _skeleton(
            _choropleth_chart,
            translation.get_language() or "",
            str(legend_title),
            width,
            height,
            bool(outlines and area.level != Level.DESA),
        )
    )
    # The geometries join the spec after to_dict: Altair would walk every coordinate.
    spec["datasets"] = {"shapes": shapes, "outlines": outlines}
    return spec


def _choropleth_chart(legend_title: str, width, height, with_outlines: bool) -> dict:
    tooltip = [
        alt.Tooltip("properties.nama:N", title=_("Area")),
        alt.Tooltip("properties.teks:N", title=legend_title),
        alt.Tooltip("properties.n:N", title=_("Children measured")),
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
                title=legend_title,
                scale=alt.Scale(scheme="orangered", zero=True),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=tooltip,
            href="properties.url:N",
        )
    )
    layers = [grey, coloured]
    if with_outlines:
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
    return localized(chart.to_dict(validate=False))


def for_print(spec: dict, *, width: int = PRINT_WIDTH) -> dict:
    """The same spec at a fixed width (vl-convert has no container to fill)."""
    spec = dict(spec)
    if spec.get("width") == "container":
        spec["width"] = width
    for layer in spec.get("layer", []):
        if layer.get("width") == "container":
            layer["width"] = width
    return spec


def png_data_uri(spec: dict, *, scale: float = 1.0) -> str:
    """Render a spec to PNG with vl-convert and return it as a data: URI for an <img>."""
    import vl_convert as vlc

    png = vlc.vegalite_to_png(vl_spec=for_print(spec), scale=scale)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
