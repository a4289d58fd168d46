"""The Kampung KB map: desa coloured by Kampung KB status over kecamatan outlines.

Built as a Vega-Altair (Vega-Lite) spec from the stored GeoJSON boundaries and drawn in the
browser by the vendored vega-embed: no tile server, nothing fetched from outside.
"""

import altair as alt
from django.urls import reverse
from django.utils.translation import gettext as _

from kampungkb.core.chart_locale import localized
from kampungkb.core.scoping import scope_q
from kampungkb.wilayah.models import KampungKB, Level, Wilayah


def _feature(w: Wilayah, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": w.boundary,
        "properties": {"kode": w.kode, "nama": w.nama, **props},
    }


def kampung_kb_map_spec(*, user) -> dict:
    """Return the Vega-Lite spec of the desa and kecamatan the user covers."""
    desa = list(
        Wilayah.objects.filter(scope_q(user, "kode"), level=Level.DESA, boundary__isnull=False)
        .select_related("parent")
        .order_by("kode")
    )
    kampung = {
        k.desa_id: k
        for k in KampungKB.objects.filter(desa_id__in=[d.kode for d in desa]).prefetch_related(
            "maturity_records"
        )
    }
    yes, no = _("Kampung KB"), _("Not yet a Kampung KB")
    desa_features = []
    for d in desa:
        k = kampung.get(d.kode)
        level = k.current_maturity if k else None
        desa_features.append(
            _feature(
                d,
                kecamatan=d.parent.nama if d.parent else "",
                status=yes if k else no,
                kampung=k.nama if k else "",
                tingkat=level.get_tingkat_display() if level else "",
                url=reverse("wilayah:detail", args=[d.kode]),
            )
        )
    kecamatan_codes = {d.kode[:8] for d in desa}
    kecamatan_features = [
        _feature(w)
        for w in Wilayah.objects.filter(kode__in=kecamatan_codes, boundary__isnull=False)
    ]

    desa_layer = (
        alt.Chart(alt.Data(values=desa_features))
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .encode(
            color=alt.Color(
                "properties.status:N",
                title=_("Status"),
                scale=alt.Scale(domain=[yes, no], range=["#198754", "#d3d6da"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("properties.nama:N", title=_("Desa")),
                alt.Tooltip("properties.kecamatan:N", title=_("Kecamatan")),
                alt.Tooltip("properties.kampung:N", title=_("Kampung KB")),
                alt.Tooltip("properties.tingkat:N", title=_("Level")),
            ],
            href="properties.url:N",
        )
    )
    kecamatan_layer = alt.Chart(alt.Data(values=kecamatan_features)).mark_geoshape(
        filled=False, stroke="#212529", strokeWidth=1.4
    )
    chart = (
        alt.layer(desa_layer, kecamatan_layer)
        .project(type="mercator")
        .properties(width="container", height=480)
        .configure_view(stroke=None)
    )
    return localized(chart.to_dict())
