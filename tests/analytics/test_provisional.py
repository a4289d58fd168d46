"""Issue 12 item 5: the current, incomplete month counted as real data. The trend showed
November 2026 at 50 % with n = 2 and the kabupaten was rated "belum sesuai jalur" on it.

A period still open, or with far fewer children measured than the periods before it, is now
provisional ("sementara"): shown, marked, and never judged; the verdict is the latest
complete year's. A figure of fewer than 30 children is flagged "n kecil".
"""

import datetime
import io

import numpy as np
import openpyxl
import pytest
from django.urls import reverse

from kampungkb.analytics import charts, course
from kampungkb.analytics.models import PrevalenceSummary, QualitySummary, Target
from kampungkb.anthro.prevalence import wilson_interval


def _month(back: int, *, today) -> datetime.date:
    this_month = today.replace(day=1)
    index = this_month.year * 12 + this_month.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _summary(period_type, start, n, cases, kode="19.06", level="kabupaten"):
    low, high = wilson_interval(np.array([cases]), np.array([n]))
    PrevalenceSummary.objects.create(
        wilayah_kode=kode,
        level=level,
        group="all",
        period_type=period_type,
        period_start=start,
        indicator="stunting",
        n=n,
        cases=cases,
        prevalence=cases / n,
        ci_low=float(low[0]),
        ci_high=float(high[0]),
    )
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
        n_digit_05=0,
        share_flagged=0.0,
        share_missing_height=0.0,
        digit_preference=0.0,
    )


@pytest.fixture
def months(beltim, today):
    """Three complete months of 100 children at 10 %, then the current month: 2 children,
    1 stunted (50 %). Last year 10 % of 300; this year so far 11 of 302. A national target
    of 12 % both years: on course, unless the open month or year is judged."""
    this_month = today.replace(day=1)
    this_year = datetime.date(today.year, 1, 1)
    last_year = datetime.date(today.year - 1, 1, 1)
    for back in (3, 2, 1):
        _summary("month", _month(back, today=today), 100, 10)
    _summary("month", this_month, 2, 1)
    _summary("year", last_year, 300, 30)
    _summary("year", this_year, 302, 31)
    Target.objects.all().delete()
    for year in (today.year - 1, today.year):
        Target.objects.create(scope="national", tahun=year, indicator="stunting", nilai="12.00")


def test_the_open_month_at_50_percent_of_2_is_provisional_and_does_not_change_the_verdict(
    client, users, months, today
):
    this_month = today.replace(day=1)
    client.force_login(users["admin"])
    query = f"?periode=month&mulai={this_month.isoformat()}"
    html = client.get(reverse("analytics:area", args=["19.06"]) + query).content.decode()
    # The headline of the open month says it is provisional and its n small.
    headline = html.split('data-testid="headline-prevalence"')[1].split("</section>")[0]
    assert "50,0 %" in headline
    assert 'data-testid="provisional"' in headline and 'data-testid="small-n"' in headline
    # The verdict: last year's complete figure, on course; this year's shown, not judged.
    table = html.split('id="h-course"')[1].split("</table>")[0]
    rows = table.split('data-testid="course-row"')[1:]
    judged = [r for r in rows if f">{today.year - 1} " in r and ">Nasional<" in r]
    current = [r for r in rows if f">{today.year} " in r]
    assert len(judged) == 1 and "sesuai jalur" in judged[0] and "belum" not in judged[0]
    assert current and all('data-testid="not-judged"' in r for r in current)
    assert "belum sesuai jalur" not in html
    # The trend marks the open month (and only it) provisional, with a small n.
    trend = html.split('data-testid="trend-row"')[1:]
    marked = [r for r in trend if 'data-testid="provisional"' in r.split("</tr>")[0]]
    assert len(marked) == 2  # the open month and the open year
    assert any('data-testid="small-n"' in r.split("</tr>")[0] for r in marked)


def test_the_chart_and_the_xlsx_mark_the_open_month(client, users, months, today):
    this_month = today.replace(day=1)
    client.force_login(users["admin"])
    spec = client.get(reverse("analytics:trend_spec", args=["19.06"]) + "?periode=month").json()
    values = {v["periode"]: v for v in spec["data"]["values"]}
    assert values[this_month.isoformat()]["sementara"] is True
    assert values[_month(1, today=today).isoformat()]["sementara"] is False
    assert "n kecil" in values[this_month.isoformat()]["status"]
    # A hollow point: the fill of a provisional point is white.
    layers = spec["layer"]
    fills = [layer.get("encoding", {}).get("fill", {}) for layer in layers]
    assert any(fill.get("value") == "white" for fill in fills)

    xlsx = client.get(reverse("analytics:area_xlsx", args=["19.06"]) + "?periode=month").content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    trend = list(book["Tren"].iter_rows(values_only=True))
    header, rows = trend[0], trend[1:]
    status = {(r[0], r[1].date() if hasattr(r[1], "date") else r[1]): r for r in rows}
    current = status[("Bulan", this_month)]
    assert current[header.index("Sementara")] == "ya"
    assert current[header.index("n kecil")] == "ya"
    assert status[("Bulan", _month(1, today=today))][header.index("Sementara")] in ("", None)
    course_rows = list(book["Sesuai jalur"].iter_rows(min_row=2, values_only=True))
    national = {r[1]: r for r in course_rows if r[3] == "Nasional"}
    assert (national[today.year - 1][5], national[today.year - 1][6]) == ("ya", None)
    assert (national[today.year][5], national[today.year][6]) == (None, "ya")  # not judged


def test_a_complete_month_with_far_fewer_children_than_before_is_provisional(beltim):
    rows = []
    for start, n in ((datetime.date(2025, m, 1), n) for m, n in ((1, 100), (2, 90), (3, 40))):
        rows.append(PrevalenceSummary(period_type="month", period_start=start, n=n, cases=4))
    status = course.statuses(rows, today=datetime.date(2026, 1, 1))
    assert not status[("month", datetime.date(2025, 2, 1))].provisional  # 90 of 100
    march = status[("month", datetime.date(2025, 3, 1))]
    assert march.low_coverage and march.provisional and not march.open  # 40 < half of 100


def test_the_district_target_page_judges_the_last_complete_year(client, users, months, today):
    client.force_login(users["admin"])
    page = client.get(reverse("convergence:target")).content.decode()
    verdict = page.split('data-testid="verdict"')[1].split("</p>")[0]
    assert f"({today.year - 1})" in verdict and "10,0%" in verdict
    rows = page.split('data-testid="target-row"')[1:]
    current = next(r for r in rows if f">{today.year} " in r).split("</tr>")[0]
    assert 'data-testid="provisional"' in current and "✗" not in current and "✓" not in current


def test_the_chart_of_a_summary_without_status_draws_it_as_final():
    row = PrevalenceSummary(
        period_type="month",
        period_start=datetime.date(2025, 1, 1),
        n=50,
        cases=5,
        prevalence=0.1,
        ci_low=0.05,
        ci_high=0.2,
    )
    values = charts.trend_spec([row])["data"]["values"]
    assert values[0]["sementara"] is False and values[0]["status"] == ""
