"""One rounding rule for every analytics output (issue 11 item 6, issue 12 item 4).

The same frozen publication showed 16,6 / 8,6 / 5,9 on the page and PDF and 16.7 / 8.7 / 6.0
in the xlsx (400/2402 = 16.65 %): the page cut the digits off, the xlsx rounded the float.
Every figure is now rounded half up to one decimal on its exact value, the same on the
dashboard, the area and priority pages, the public page, the charts and every xlsx (stored
as a number with a one-decimal format), and the rule is stated beside them.
"""

import datetime
import io
import itertools
from decimal import Decimal

import numpy as np
import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from kampungkb.analytics import charts
from kampungkb.analytics.models import Indicator, PrevalenceSummary, QualitySummary, Target
from kampungkb.analytics.services import publication_publish
from kampungkb.anthro.prevalence import wilson_interval
from tests.conftest import KURNIA_JAYA, LALANG_JAYA, MANGGAR

AUG = datetime.date(2025, 8, 1)
PERIODS = (("penimbangan", AUG), ("year", datetime.date(2025, 1, 1)))
Q = "?periode=penimbangan&mulai=2025-08-01"

# cases of n per indicator: the kabupaten's are the figures, 400/2402 = 16.65 %
# (16,7), 208/2402 = 8.66 % (8,7) and 143/2402 = 5.95 % (6,0); Kurnia Jaya's 3/80 = 3.75 %
# exactly, a tie: the float 0.0375 times 100 is 3.7499999999999996, which round() and
# floatformat take to 3.7, and half up on the exact fraction gives 3.8.
FIGURES = {
    "19.06": ("kabupaten", "", 2402, {"stunting": 400, "underweight": 208, "wasting": 143}),
    MANGGAR: ("kecamatan", "19.06", 2402, {"stunting": 400, "underweight": 208, "wasting": 143}),
    KURNIA_JAYA: ("desa_kelurahan", MANGGAR, 80, {"stunting": 3, "underweight": 3, "wasting": 3}),
    LALANG_JAYA: (
        "desa_kelurahan",
        MANGGAR,
        2322,
        {"stunting": 397, "underweight": 205, "wasting": 140},
    ),
}
SHOWN = {  # what every output must show
    "19.06": {"stunting": "16,7", "underweight": "8,7", "wasting": "6,0"},
    KURNIA_JAYA: {"stunting": "3,8", "underweight": "3,8", "wasting": "3,8"},
    LALANG_JAYA: {"stunting": "17,1", "underweight": "8,8", "wasting": "6,0"},
}
WRONG = ("16,6", "8,6", "5,9", "3,7")  # what the page showed before, cut or float-rounded


@pytest.fixture
def summaries(data):
    """The summaries of August 2025 as the cube would store them (built by hand: 2,402
    children would take long to measure one by one), and of the year 2025, whose only
    weighing they were (the year's figure is the one judged against the targets)."""
    for (kode, (level, _parent, n, by_indicator)), (period_type, start) in itertools.product(
        FIGURES.items(), PERIODS
    ):
        QualitySummary.objects.create(
            wilayah_kode=kode,
            level=level,
            period_type=period_type,
            period_start=start,
            n_registered=2 * n,
            n_measured=n,
            coverage=0.5,
            n_records=n,
            n_flagged=0,
            n_missing_height=0,
            n_height=n,
            n_digit_05=n // 5,
            share_flagged=0.0,
            share_missing_height=0.0,
            digit_preference=(n // 5) / n,
        )
        for indicator, cases in by_indicator.items():
            low, high = wilson_interval(np.array([cases]), np.array([n]))
            PrevalenceSummary.objects.create(
                wilayah_kode=kode,
                level=level,
                group="all",
                period_type=period_type,
                period_start=start,
                indicator=indicator,
                n=n,
                cases=cases,
                prevalence=cases / n,
                ci_low=float(low[0]),
                ci_high=float(high[0]),
            )


def _row(html, name):
    rows = [r.split("</tr>")[0] for r in html.split("<tr")[1:] if f">{name}<" in r]
    assert rows, name
    return rows[0]


def _sheet_rows(content, index):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[index]
    return {row[1].value: row for row in sheet.iter_rows(min_row=2)}


def _assert_one_decimal_number(cell, expected: str):
    assert cell.data_type == "n" and cell.number_format == "0.0", (cell.value, expected)
    assert Decimal(str(cell.value)) == Decimal(expected.replace(",", "."))


def test_the_public_page_its_xlsx_and_its_map_show_the_same_rounded_figures(summaries, users):
    publication = publication_publish(
        user=users["admin"], period_type="penimbangan", period_start=AUG
    )
    client = Client()
    html = client.get(reverse("analytics_public:version", args=[publication.pk])).content
    html = html.decode()
    for name, kode in (("Kabupaten Belitung Timur", "19.06"), ("Kurnia Jaya", KURNIA_JAYA)):
        row = _row(html, name)
        for figure in SHOWN[kode].values():
            assert f">{figure}<" in row, (name, figure)
        assert not any(f">{wrong}<" in row for wrong in WRONG), row
    assert 'data-testid="rounding-note"' in html and "setengah ke atas" in html

    xlsx = client.get(reverse("analytics_public:xlsx", args=[publication.pk])).content
    kabupaten = _sheet_rows(xlsx, 0)["Kabupaten Belitung Timur"]
    desa = _sheet_rows(xlsx, 2)
    for row, kode in ((kabupaten, "19.06"), (desa["Kurnia Jaya"], KURNIA_JAYA)):
        _assert_one_decimal_number(row[4], SHOWN[kode]["stunting"])
        _assert_one_decimal_number(row[7], SHOWN[kode]["wasting"])
        _assert_one_decimal_number(row[8], SHOWN[kode]["underweight"])
    notes = [r[0] for r in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[3].values]
    assert any("setengah ke atas" in str(n) for n in notes)

    spec = client.get(reverse("analytics_public:map_spec", args=[publication.pk])).json()
    props = {f["properties"]["kode"]: f["properties"] for f in spec["datasets"]["shapes"]}
    assert props[KURNIA_JAYA]["teks"] == "3,8" and props[KURNIA_JAYA]["nilai"] == 3.8


def test_the_dashboard_its_target_table_charts_and_xlsx_show_the_same_figures(
    client, summaries, users
):
    client.force_login(users["admin"])
    html = client.get(reverse("analytics:area", args=["19.06"]) + Q).content.decode()
    assert 'data-testid="headline-prevalence">16,7 %' in html
    course = html.split('id="h-course"')[1].split("</table>")[0]
    assert ">16,7<" in course and ">16,6<" not in course
    assert 'data-testid="rounding-note"' in html

    manggar = client.get(reverse("analytics:area", args=[MANGGAR]) + Q).content.decode()
    assert ">3,8<" in _row(manggar, "Kurnia Jaya")

    xlsx = client.get(reverse("analytics:area_xlsx", args=["19.06"]) + Q).content
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    headline = {r[0].value: r for r in workbook.worksheets[0].iter_rows(min_row=2)}
    _assert_one_decimal_number(headline[str(Indicator.STUNTING.label)][3], "16,7")
    _assert_one_decimal_number(headline[str(Indicator.WASTING.label)][3], "6,0")
    _assert_one_decimal_number(headline[str(Indicator.UNDERWEIGHT.label)][3], "8,7")
    on_course = list(workbook.worksheets[5].iter_rows(min_row=2))
    _assert_one_decimal_number(on_course[0][2], "16,7")
    assert "setengah ke atas" in str(list(workbook.worksheets[-1].values))

    # The charts' tooltips read the same figure (the page's, not the float's).
    row = PrevalenceSummary.objects.get(
        wilayah_kode=KURNIA_JAYA, indicator="stunting", period_type="penimbangan"
    )
    assert str(charts.trend_spec([row])).count("'prevalensi': 3.8") == 1
    spec = client.get(reverse("analytics:map_spec", args=[MANGGAR]) + Q).json()
    props = {f["properties"]["kode"]: f["properties"] for f in spec["datasets"]["shapes"]}
    assert props[KURNIA_JAYA]["teks"] == "3,8 %"


def test_the_priority_page_and_its_xlsx_show_the_same_figures(client, summaries, users):
    client.force_login(users["admin"])
    html = client.get(reverse("analytics:priority", args=[MANGGAR]) + Q).content.decode()
    assert ">3,8<" in _row(html, "Kurnia Jaya") and ">3,7<" not in _row(html, "Kurnia Jaya")
    assert 'data-testid="rounding-note"' in html
    xlsx = client.get(reverse("analytics:priority_xlsx", args=[MANGGAR]) + Q).content
    ranking = {
        r[2].value: r
        for r in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0].iter_rows(min_row=2)
    }
    _assert_one_decimal_number(ranking["Kurnia Jaya"][7], "3,8")
    _assert_one_decimal_number(ranking["Lalang Jaya"][7], "17,1")


def test_the_district_target_page_shows_the_dashboards_figure_and_targets(client, summaries, users):
    """Issue 12 item 4: the district-target page (convergence) said 16,13 % for a year while
    the dashboard's target table said another figure. Both now read ``analytics.course``:
    the year's summary, rounded by the one rule, against the same interpolated target."""
    Target.objects.create(
        scope="district", wilayah_id="19.06", tahun=2024, indicator="stunting", nilai="14.00"
    )
    Target.objects.create(
        scope="district", wilayah_id="19.06", tahun=2029, indicator="stunting", nilai="10.00"
    )
    client.force_login(users["admin"])
    dashboard = client.get(reverse("analytics:area", args=["19.06"]) + Q).content.decode()
    course = dashboard.split('id="h-course"')[1].split("</table>")[0]
    page = client.get(reverse("convergence:target")).content.decode()
    row = next(r for r in page.split('data-testid="target-row"')[1:] if ">2025 " in r)
    row = row.split("</tr>")[0]
    assert ">16,7%<" in row and "16,65" not in row and "16,6%" not in row
    # 2025 between 14 % (2024) and 10 % (2029): 13,2; nationally 18 % (the 2025 target).
    assert ">13,2%<" in row and ">18,0%<" in row
    assert ">16,7<" in course and ">13,2<" in course and ">18,0<" in course
    assert 'data-testid="rounding-note"' in page
    # The national targets are listed with their sources (RPJMN).
    assert "RPJMN 2025-2029" in page and "Perpres 18/2020" in page


def test_the_public_pdf_shows_the_same_rounded_figures(summaries, users):
    publication = publication_publish(
        user=users["admin"], period_type="penimbangan", period_start=AUG
    )
    response = Client().get(reverse("analytics_public:pdf", args=[publication.pk]))
    assert response.content.startswith(b"%PDF")
    # WeasyPrint lays out the HTML of this template and context; its text is read here
    # (the PDF's own text is in subset-font glyphs).
    context = next(c for c in response.context if "tables" in c).flatten()
    html = render_to_string("analytics/public_pdf.html", context)
    row = _row(html, "Kabupaten Belitung Timur")
    for figure in SHOWN["19.06"].values():
        assert f">{figure}<" in row, figure
    assert ">3,8<" in _row(html, "Kurnia Jaya")
    assert not any(f">{wrong}<" in html for wrong in WRONG)
    assert "setengah ke atas" in html
