"""A child's growth charts: the WHO −3, −2, 0, +2, +3 SD curves for the child's sex and the
child's stored measurements, as Vega-Lite specs (Vega-Altair).

The same spec is drawn in the browser by the vendored vega-embed and rendered to PNG/PDF for
printing by vl-convert, which bundles Vega and needs no network. Curves come from the engine
(``anthro.value_at_z``, ``M·(1 + L·S·z)^(1/L)`` within ±3 SD): weight-for-age and
length/height-for-age by day (lying length under 731 days, standing height from 731, as in the
WHO tables), weight-for-length (45-110 cm) under 731 days and weight-for-height (65-120 cm)
from 731, chosen by the child's age at the latest measurement as the engine chooses per row.
"""

import datetime

import altair as alt
import numpy as np
from django.utils.translation import gettext as _

from kampungkb.anthro import DAYS_PER_MONTH, value_at_z
from kampungkb.core.chart_locale import localized

KINDS = ("wfa", "lhfa", "wflh")
SD_LINES = (-3, -2, 0, 2, 3)
SD_COLOURS = {-3: "#212529", -2: "#dc3545", 0: "#198754", 2: "#dc3545", 3: "#212529"}
MAX_DAY = 1826
STEP_DAYS = 7
PRINT_WIDTH = 640


def _sd_label(z: int) -> str:
    return _("Median") if z == 0 else f"{z:+d} SD"


def _age_window(ages: list[int]) -> tuple[int, int]:
    """Days to draw: the child's measured ages with ~3 months either side, at least 6 months."""
    if not ages:
        return 0, MAX_DAY
    low, high = max(0, min(ages) - 91), min(MAX_DAY, max(ages) + 91)
    if high - low < 183:
        high = min(MAX_DAY, low + 183)
        low = max(0, high - 183)
    return low, high


def _curves(table: str, *, sex: int, x: np.ndarray, **key) -> list[dict]:
    """Rows of the SD lines of ``table`` at ``key`` (``age_days`` or ``lenhei``) drawn at ``x``."""
    rows = []
    for z in SD_LINES:
        y = value_at_z(table, sex=sex, z=z, **key)
        label = _sd_label(z)
        rows.extend(
            {"x": round(float(a), 2), "y": round(float(b), 3), "garis": label, "z": z}
            for a, b in zip(x, y, strict=True)
            if np.isfinite(b)
        )
    return rows


def _child_points(measurements, *, kind: str, table: str | None = None) -> list[dict]:
    points = []
    for m in measurements:
        if m.umur_hari is None:
            continue
        if kind == "wfa":
            x, y, z = m.umur_hari / DAYS_PER_MONTH, m.berat, m.zwei
        elif kind == "lhfa":
            x, y, z = m.umur_hari / DAYS_PER_MONTH, m.clenhei, m.zlen
        else:
            if (m.umur_hari < 731) != (table == "wfl"):
                continue
            x, y, z = m.clenhei, m.berat, m.zwfl
        if x is None or y is None:
            continue
        points.append(
            {
                "x": round(float(x), 2),
                "y": float(y),
                "tanggal": m.tanggal.isoformat(),
                "umur": round(m.umur_hari / DAYS_PER_MONTH, 1),
                "berat": None if m.berat is None else float(m.berat),
                "tinggi": None if m.tinggi is None else float(m.tinggi),
                "cara": m.cara_ukur,
                "zscore": z,
                "kode": m.growth_code,
            }
        )
    return points


def _chart_parts(child, measurements, kind: str):
    """Return (title, x title, y title, curve rows, point rows) for one chart of a child."""
    sex = 2 if child.jenis_kelamin == "P" else 1
    ages = [m.umur_hari for m in measurements if m.umur_hari is not None]
    if kind in ("wfa", "lhfa"):
        low, high = _age_window(ages)
        days = np.unique(np.r_[np.arange(low, high + 1, STEP_DAYS), high])
        table = "wfa" if kind == "wfa" else "lhfa"
        if kind == "lhfa" and low < 731 <= high:
            # The WHO curves step down 0.7 cm where lying length gives way to standing height.
            days = np.unique(np.r_[days, 730, 731])
        curves = _curves(table, sex=sex, x=days / DAYS_PER_MONTH, age_days=days)
        if kind == "wfa":
            title, y_title = _("Weight-for-age (BB/U)"), _("Weight (kg)")
        else:
            title, y_title = _("Length/height-for-age (PB/U, TB/U)"), _("Length/height (cm)")
        return title, _("Age (months)"), y_title, curves, _child_points(measurements, kind=kind)
    latest = max(ages) if ages else 0
    table = "wfl" if latest < 731 else "wfh"
    lo, hi = (45.0, 110.0) if table == "wfl" else (65.0, 120.0)
    points = _child_points(measurements, kind=kind, table=table)
    xs = [p["x"] for p in points]
    if xs:
        lo, hi = max(lo, np.floor(min(xs)) - 5), min(hi, np.ceil(max(xs)) + 5)
    mm = np.arange(round(lo * 10), round(hi * 10) + 1, 5)
    curves = _curves(table, sex=sex, x=mm / 10, lenhei=mm / 10)
    if table == "wfl":
        title, x_title = _("Weight-for-length (BB/PB)"), _("Length (cm)")
    else:
        title, x_title = _("Weight-for-height (BB/TB)"), _("Height (cm)")
    return title, x_title, _("Weight (kg)"), curves, points


def _layered(child, measurements, kind: str, *, width, titled: bool = True):
    title, x_title, y_title, curves, points = _chart_parts(child, measurements, kind)
    labels = [_sd_label(z) for z in SD_LINES]
    colour = alt.Color(
        "garis:N",
        title=_("WHO standard"),
        scale=alt.Scale(domain=labels, range=[SD_COLOURS[z] for z in SD_LINES]),
        legend=None,
    )
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False, nice=False))
    y = alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False))
    lines = (
        alt.Chart(alt.Data(values=curves))
        .mark_line(strokeWidth=1.5, clip=True)
        .encode(
            x=x,
            y=y,
            color=colour,
            detail="z:N",
            strokeDash=alt.condition("datum.z == 0", alt.value([1, 0]), alt.value([4, 3])),
            tooltip=[alt.Tooltip("garis:N", title=_("Line"))],
        )
    )
    end = [r for r in curves if r["x"] == max(c["x"] for c in curves)]
    line_labels = (
        alt.Chart(alt.Data(values=end))
        .mark_text(align="left", dx=4, fontSize=10)
        .encode(x=x, y=y, text="garis:N", color=colour)
    )
    tooltip = [
        alt.Tooltip("tanggal:T", title=_("Date"), format="%d-%m-%Y"),
        alt.Tooltip("umur:Q", title=_("Age (months)")),
        alt.Tooltip("berat:Q", title=_("Weight (kg)")),
        alt.Tooltip("tinggi:Q", title=_("Length/height (cm)")),
        alt.Tooltip("cara:N", title=_("How measured")),
        alt.Tooltip("zscore:Q", title=_("z-score"), format=".2f"),
        alt.Tooltip("kode:N", title=_("Growth code")),
    ]
    base = alt.Chart(alt.Data(values=points)).encode(x=x, y=y)
    path = base.mark_line(color="#0d6efd", strokeWidth=2)
    dots = base.mark_point(filled=True, size=45, color="#0d6efd", opacity=1).encode(tooltip=tooltip)
    chart = alt.layer(lines, line_labels, path, dots).properties(width=width, height=300)
    return chart.properties(title=f"{title} · {child.nama}") if titled else chart


def child_chart_spec(*, child, measurements, kind: str, width="container") -> dict:
    """Return the Vega-Lite spec of one growth chart (``kind`` in ``KINDS``) of ``child``.

    ``measurements`` are the child's stored measurements in date order. Drawn in the page
    (``width="container"``) it has no title: the card's heading names the chart and the page
    the child, and a title wider than the chart (a phone's card, a third of a desktop) was cut
    off at both ends.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown chart kind {kind!r}")
    chart = _layered(child, list(measurements), kind, width=width, titled=width != "container")
    return localized(chart.configure_view(stroke=None).to_dict())


def child_charts_print_spec(*, child, measurements) -> dict:
    """Return the three charts stacked (vconcat) at a fixed width, for PNG/PDF."""
    measurements = list(measurements)
    born = child.tanggal_lahir.strftime("%d-%m-%Y")
    sex = _("Girl") if child.jenis_kelamin == "P" else _("Boy")
    chart = alt.vconcat(
        *(_layered(child, measurements, kind, width=PRINT_WIDTH) for kind in KINDS),
        title=alt.TitleParams(
            f"{child.nama} · {sex} · {_('born')} {born}",
            subtitle=_("Printed %(date)s. WHO Child Growth Standards 2006 (PMK 2/2020).")
            % {"date": datetime.date.today().strftime("%d-%m-%Y")},
        ),
    )
    return localized(chart.configure_view(stroke=None).to_dict())


def render_png(spec: dict, *, scale: float = 2.0) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(vl_spec=spec, scale=scale)


def render_pdf(spec: dict) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_pdf(vl_spec=spec)
