"""The annual review downloads: what users typed stays text in the xlsx (no formula
injection), and the PDF is a PDF."""

import datetime
import re

from django.template.loader import render_to_string
from django.urls import reverse

from kampungkb.analytics.models import (
    Group,
    Indicator,
    PeriodType,
    PrevalenceSummary,
    QualitySummary,
    SummaryLevel,
)
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.convergence.models import Evaluation
from kampungkb.convergence.reports import review_context
from kampungkb.convergence.review import services
from kampungkb.convergence.review.outcomes import measured_coverage_by_desa
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, PADANG
from tests.convergence.test_scorecard import _stunting
from tests.spreadsheets import HOSTILE, assert_kept_as_text, workbook


def test_the_review_xlsx_writes_kampung_kb_names_as_text(client, users, ref, make_kampung, today):
    last_year = today.year - 1
    for kode, nama in zip([KURNIA_JAYA, BATU_PENYU, LALANG_JAYA, PADANG], HOSTILE, strict=True):
        make_kampung(kode, nama=nama)
    services.evaluation_run(user=users["admin"], tahun=last_year)
    client.force_login(users["admin"])
    response = client.get(reverse("convergence:review_xlsx") + f"?tahun={last_year}")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="reviu-kinerja-{last_year}.xlsx"'
    )
    assert_kept_as_text(response.content, *HOSTILE)
    support = [r[0] for r in workbook(response.content).worksheets[2].iter_rows(values_only=True)]
    assert set(HOSTILE) <= set(support)  # the "needs support" list names them too


def test_the_review_pdf_is_saved_under_its_year(client, users, kampungs, today):
    last_year = today.year - 1
    services.evaluation_run(user=users["admin"], tahun=last_year)
    client.force_login(users["viewer"])
    response = client.get(reverse("convergence:review_pdf") + f"?tahun={last_year}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'attachment; filename="reviu-kinerja-{last_year}.pdf"'
    )


def _stunting_year(kode: str, tahun: int, *, n: int, cases: int) -> None:
    PrevalenceSummary.objects.create(
        wilayah_kode=kode,
        level=SummaryLevel.DESA,
        group=Group.ALL,
        period_type=PeriodType.YEAR,
        period_start=datetime.date(tahun, 1, 1),
        indicator=Indicator.STUNTING,
        n=n,
        cases=cases,
        prevalence=cases / n,
    )


def test_the_review_pdf_shows_the_figures_of_the_page(client, users, kampungs, today):
    """The PDF showed the unrounded float (33.333333333333336 where the page shows 33,3) and
    a dash for a prevalence or a change of exactly 0 (a desa without stunting read as one
    without data)."""
    last_year = today.year - 1
    _stunting_year(KURNIA_JAYA, last_year, n=3, cases=1)
    _stunting_year(BATU_PENYU, last_year, n=5, cases=0)
    _stunting_year(BATU_PENYU, last_year - 1, n=4, cases=0)
    client.force_login(users["admin"])
    page = client.get(reverse("convergence:review_year") + f"?tahun={last_year}").content.decode()
    response = client.get(reverse("convergence:review_pdf") + f"?tahun={last_year}")
    assert response.content.startswith(b"%PDF")
    # WeasyPrint lays out the HTML of this template and context (the PDF's text is glyphs).
    context = next(c for c in response.context if "rows" in c).flatten()
    html = render_to_string("convergence/review_report.html", context)
    for name, shown in ((kampungs["own"].nama, ">33,3<"), (kampungs["other"].nama, ">0,0<")):
        assert shown in _row(page, name), name
        assert shown in _row(html, name), name
    assert "33,33" not in html
    assert html.count(">0,0<") == 2  # Batu Penyu's prevalence and its change


def _row(html: str, name: str) -> str:
    rows = [r.split("</tr>")[0] for r in html.split("<tr")[1:] if f">{name}<" in r]
    assert rows, name
    return rows[0]


def test_the_rapor_shows_the_measured_share_by_the_one_rounding_rule(
    client, users, kampungs, today
):
    """1 of 16 children measured is 6.25 %: the dashboard shows 6,3; the rapor (page and PDF)
    showed 6,2, ``round(6.25, 1)`` rounding half to even before the page rounded again."""
    last_year = today.year - 1
    QualitySummary.objects.create(
        wilayah_kode=KURNIA_JAYA,
        level=SummaryLevel.DESA,
        period_type=PeriodType.YEAR,
        period_start=datetime.date(last_year, 1, 1),
        n_registered=16,
        n_measured=1,
        coverage=1 / 16,
        n_records=1,
        n_flagged=0,
        n_missing_height=0,
        n_height=1,
        n_digit_05=0,
    )
    assert measured_coverage_by_desa(tahun=last_year, desa_kodes=[KURNIA_JAYA]) == {
        KURNIA_JAYA: 6.3
    }
    client.force_login(users["admin"])
    url = reverse("convergence:kampung_kb_review", args=[kampungs["own"].pk])
    page = client.get(url + f"?tahun={last_year}").content.decode()
    assert '<td class="text-end">6,3</td>' in page and ">6,2<" not in page


def test_the_review_report_rounds_its_figures_as_the_pages_and_shows_a_zero(
    client, users, kampungs, today
):
    # 1 of 3 stunted (33.33… %) in Kurnia Jaya; none of 3 in Batu Penyu both years (0 %, no
    # change): the PDF once printed 33,333333333333336 and "–" (no data) for the zeros.
    last_year = today.year - 1
    for year in (last_year - 1, last_year):
        _stunting(KURNIA_JAYA, 1 if year == last_year else 0, 3, datetime.date(year, 3, 1))
        _stunting(BATU_PENYU, 0, 3, datetime.date(year, 3, 1))
    summaries_rebuild()
    services.evaluation_run(user=users["admin"], tahun=last_year)
    Evaluation.objects.filter(kampung=kampungs["own"]).update(
        skor_manajemen=66.67, skor_kontribusi=0.0
    )
    html = render_to_string(
        "convergence/review_report.html", review_context(user=users["admin"], tahun=last_year)
    )
    own, other = re.findall(r"<tr><td>Kampung KB .*?</tr>", html)
    assert "<td>66,7</td><td>0,0</td>" in own
    assert "<td>33,3</td><td>33,3</td>" in own
    assert "<td>0,0</td><td>0,0</td>" in other
    client.force_login(users["kecamatan"])
    url = reverse("convergence:kampung_kb_review", args=[kampungs["own"].pk])
    page = client.get(url + f"?tahun={last_year}")
    assert "manajemen 66,7 · kontribusi 0,0" in page.content.decode()
    client.force_login(users["admin"])
    response = client.get(reverse("convergence:review_xlsx") + f"?tahun={last_year}")
    row = next(
        r
        for r in workbook(response.content).worksheets[0].iter_rows(values_only=True)
        if r[0] == kampungs["own"].nama
    )
    assert (row[3], row[4]) == (66.7, 0.0)
