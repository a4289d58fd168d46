"""Vega-Altair spec of the Kampung KB chart: management score against stunting prevalence, one
point per Kampung KB, with the rule set's management threshold, the prevalence under which it
no longer counts as weak, and the model and needs-support zones. Drawn by charts.js on the
page and by vl-convert in the PDF (``analytics.charts.png_data_uri``)."""

import altair as alt
from django.utils.translation import gettext as _

from kampungkb.core.chart_locale import localized

COLOURS = {"model": "#198754", "support": "#dc3545", "": "#6c757d"}
SHAPES = {
    "rising": "triangle-up",
    "falling": "triangle-down",
    "stable": "circle",
    "unknown": "square",
}


def management_outcome_spec(chart: dict, *, width="container") -> dict:
    """The scatter of ``scorecard.chart_points`` (``points``, ``management_threshold``,
    ``outcome_line``)."""
    verdicts = {"model": _("Model village"), "support": _("Needs support"), "": _("On track")}
    directions = {
        "rising": _("rising"),
        "falling": _("falling"),
        "stable": _("about the same"),
        "unknown": _("no earlier figure"),
    }
    values = [
        {
            "kampung": p["nama"],
            "label": p["nama"].removeprefix("Kampung KB "),
            "manajemen": p["management"],
            "kontribusi": p["contribution"],
            "prevalensi": p["prevalence"],
            "perubahan": p["trend"],
            "arah": directions[p["direction"]],
            "tingkat": p["level"],
            "putusan": verdicts[p["verdict"]],
        }
        for p in chart["points"]
    ]
    top = max([25.0, *(v["prevalensi"] + 2 for v in values)])
    threshold = chart["management_threshold"]
    line = chart["outcome_line"]
    x = alt.X("manajemen:Q", title=_("Management score (0-100)"), scale=alt.Scale(domain=[0, 100]))
    y = alt.Y("prevalensi:Q", title=_("Stunting prevalence (%)"), scale=alt.Scale(domain=[0, top]))
    layers = []
    if threshold is not None:
        # Fixed colours (not a colour encoding): the points' legend keeps its own scale.
        zones = [({"x": 0, "x2": threshold, "y": 0, "y2": top}, "#f8d7da")]
        if line is not None:
            zones.append(({"x": threshold, "x2": 100, "y": 0, "y2": line}, "#d1e7dd"))
        for zone, colour in zones:
            layers.append(
                alt.Chart(alt.Data(values=[zone]))
                .mark_rect(opacity=0.6, color=colour)
                .encode(
                    x=alt.X("x:Q", scale=alt.Scale(domain=[0, 100]), title=""),
                    x2="x2:Q",
                    y=alt.Y("y:Q", scale=alt.Scale(domain=[0, top]), title=""),
                    y2="y2:Q",
                )
            )
        labels = [{"x": threshold / 2, "y": top * 0.96, "teks": _("Needs support")}]
        if line is not None:
            labels.append({"x": (threshold + 100) / 2, "y": line / 2, "teks": _("Model zone")})
        layers.append(
            alt.Chart(alt.Data(values=labels))
            .mark_text(fontWeight="bold", color="#495057")
            .encode(x="x:Q", y="y:Q", text="teks:N")
        )
        layers.append(
            alt.Chart(alt.Data(values=[{"x": threshold}]))
            .mark_rule(strokeDash=[4, 4], color="#495057")
            .encode(x="x:Q")
        )
    if line is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"y": line}]))
            .mark_rule(strokeDash=[4, 4], color="#495057")
            .encode(y="y:Q")
        )
    layers.append(
        alt.Chart(alt.Data(values=values))
        .mark_point(filled=True, size=140, opacity=0.9, stroke="#212529", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "putusan:N",
                title="",
                scale=alt.Scale(
                    domain=list(verdicts.values()),
                    range=[COLOURS["model"], COLOURS["support"], COLOURS[""]],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            shape=alt.Shape(
                "arah:N",
                title=_("Stunting vs last year"),
                scale=alt.Scale(
                    domain=list(directions.values()),
                    range=[SHAPES[k] for k in directions],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("kampung:N", title=_("Kampung KB")),
                alt.Tooltip("tingkat:N", title=_("Computed level")),
                alt.Tooltip("putusan:N", title=_("Verdict")),
                alt.Tooltip("manajemen:Q", title=_("Management score"), format=".1f"),
                alt.Tooltip("kontribusi:Q", title=_("Contribution score"), format=".1f"),
                alt.Tooltip("prevalensi:Q", title=_("Stunting prevalence (%)"), format=".1f"),
                alt.Tooltip("perubahan:Q", title=_("Change (points)"), format="+.1f"),
            ],
        )
    )
    layers.append(
        alt.Chart(alt.Data(values=values))
        .mark_text(align="left", dx=8, dy=-8, fontSize=10, color="#212529")
        .encode(x=x, y=y, text="label:N")
    )
    spec = alt.layer(*layers).properties(width=width, height=360)
    return localized(spec.configure_view(stroke=None).to_dict(validate=False))
