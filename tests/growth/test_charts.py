import datetime
from decimal import Decimal

import numpy as np
import pytest

from kampungkb import anthro
from kampungkb.growth import charts
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA


def _child(desa, born, sex="P", weighings=()):
    child = factories.child(
        desa, nama="Anak Grafik", jenis_kelamin=sex, tanggal_lahir=born, nama_ibu="Ibu Grafik"
    )
    for day, kg, cm in weighings:
        factories.measurement(child, day, berat=Decimal(kg), tinggi=Decimal(cm), cara_ukur="PB")
    return child


@pytest.fixture
def baby(beltim):
    born = datetime.date(2025, 1, 5)
    return _child(
        KURNIA_JAYA,
        born,
        weighings=[
            (datetime.date(2025, 2, 6), "4.1", "53.5"),
            (datetime.date(2025, 3, 6), "5.0", "57.0"),
            (datetime.date(2025, 4, 7), "5.8", "60.0"),
        ],
    )


def _layers(spec):
    return spec["layer"]


def _data(spec, index):
    return _layers(spec)[index]["data"]["values"]


def test_the_reference_curves_are_the_who_lms_values_for_the_childs_sex(beltim):
    child = _child(KURNIA_JAYA, datetime.date(2025, 1, 5), sex="L")
    spec = charts.child_chart_spec(child=child, measurements=[], kind="wfa")
    curves = _data(spec, 0)
    at_birth = {r["z"]: r["y"] for r in curves if r["x"] == 0}
    assert at_birth[0] == pytest.approx(3.3464, abs=1e-3)  # WHO boys, day 0 median
    sample = curves[::97]
    z = anthro.zwei(
        sex=np.ones(len(sample)),
        age_days=[round(r["x"] * anthro.DAYS_PER_MONTH) for r in sample],
        weight=[r["y"] for r in sample],
    )
    assert z == pytest.approx([r["z"] for r in sample], abs=0.02)
    assert max(r["x"] for r in curves) == pytest.approx(1826 / anthro.DAYS_PER_MONTH, abs=0.01)


def test_each_chart_has_the_five_sd_lines_and_the_childs_points(baby):
    measurements = list(baby.measurements.order_by("tanggal"))
    for kind in charts.KINDS:
        spec = charts.child_chart_spec(child=baby, measurements=measurements, kind=kind)
        assert {r["z"] for r in _data(spec, 0)} == {-3, -2, 0, 2, 3}
        points = _data(spec, 3)
        assert len(points) == 3, kind
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    wfl = charts.child_chart_spec(child=baby, measurements=measurements, kind="wflh")
    assert [p["x"] for p in _data(wfl, 3)] == [m.clenhei for m in measurements]
    assert min(r["x"] for r in _data(wfl, 0)) >= 45


def test_a_child_over_two_years_gets_weight_for_height(beltim):
    child = _child(
        BATU_PENYU,
        datetime.date(2022, 1, 5),
        weighings=[(datetime.date(2025, 1, 10), "12.5", "92.0")],
    )
    spec = charts.child_chart_spec(
        child=child, measurements=list(child.measurements.all()), kind="wflh"
    )
    assert min(r["x"] for r in _data(spec, 0)) >= 65
    assert _data(spec, 3)[0]["x"] == pytest.approx(91.3)  # lying, so 0.7 cm less


def test_the_spec_is_served_only_inside_the_users_area(client, baby, users):
    url = f"/pertumbuhan/anak/{baby.pk}/grafik/wfa.json"
    expected = {"admin": 200, "kecamatan": 200, "desa": 200, "mitra": 404, "viewer": 404}
    got = {}
    for role in expected:
        client.force_login(users[role])
        got[role] = client.get(url).status_code
    assert got == expected
    other = _child(BATU_PENYU, datetime.date(2024, 5, 1))
    client.force_login(users["kecamatan"])
    assert client.get(f"/pertumbuhan/anak/{other.pk}/grafik/wfa.json").status_code == 404
    assert client.get(f"/pertumbuhan/anak/{baby.pk}/grafik/nope.json").status_code == 404
    assert client.get(f"/pertumbuhan/anak/{other.pk}/grafik.pdf").status_code == 404


def test_the_charts_print_as_png_and_pdf(client, baby, users):
    client.force_login(users["desa"])
    png = client.get(f"/pertumbuhan/anak/{baby.pk}/grafik.png?kind=lhfa")
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(f"/pertumbuhan/anak/{baby.pk}/grafik.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"
    assert png["Content-Disposition"] == f'inline; filename="grafik-lhfa-{baby.pk}.png"'
    assert pdf["Content-Disposition"] == f'inline; filename="grafik-pertumbuhan-{baby.pk}.pdf"'
