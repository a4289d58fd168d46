import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from kampungkb.analytics.models import PriorityWeights, Publication, SurveyFigure, Target
from kampungkb.analytics.services import summaries_rebuild
from tests.conftest import BATU_PENYU, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR

ROLES = ["admin", "kecamatan", "desa", "mitra", "viewer"]
Q = "?periode=penimbangan&mulai=2025-08-01"


@pytest.fixture
def figures(data, make_kampung):
    make_kampung(KURNIA_JAYA)
    data.many(KURNIA_JAYA, "2025-02-10", n=10, cases=1)
    data.many(KURNIA_JAYA, "2025-08-10", n=12, cases=4)
    data.many(LALANG_JAYA, "2025-08-10", n=10, cases=1)
    data.many(BATU_PENYU, "2025-08-10", n=10, cases=5)
    summaries_rebuild()


def _pages():
    pages = {"dashboard": reverse("analytics:dashboard")}
    for name, kode in [
        ("kab", "19.06"),
        ("kec_own", MANGGAR),
        ("kec_other", GANTUNG),
        ("desa_own", KURNIA_JAYA),
        ("desa_other", BATU_PENYU),
    ]:
        pages[f"area_{name}"] = reverse("analytics:area", args=[kode]) + Q
        pages[f"xlsx_{name}"] = reverse("analytics:area_xlsx", args=[kode]) + Q
        pages[f"map_{name}"] = reverse("analytics:map_spec", args=[kode]) + Q
        pages[f"trend_{name}"] = reverse("analytics:trend_spec", args=[kode])
        pages[f"kampung_kb_{name}"] = reverse("analytics:kampung_kb_spec", args=[kode]) + Q
        pages[f"priority_{name}"] = reverse("analytics:priority", args=[kode]) + Q
        pages[f"priority_xlsx_{name}"] = reverse("analytics:priority_xlsx", args=[kode]) + Q
        pages[f"priority_spec_{name}"] = reverse("analytics:priority_spec", args=[kode]) + Q
    pages.update(
        references=reverse("analytics:references"),
        publications=reverse("analytics:publications"),
        survey_add=reverse("analytics:survey_add"),
        target_edit=reverse("analytics:target_edit"),
        weights=reverse("analytics:weights"),
    )
    return pages


ALL = (200, 200, 200, 200, 200)
ADMIN_ONLY = (200, 403, 403, 403, 403)
# admin, kecamatan (Manggar), desa (Kurnia Jaya), mitra, viewer
AREA = {
    "kab": (200, 404, 404, 200, 200),
    "kec_own": (200, 200, 404, 200, 200),
    "kec_other": (200, 404, 404, 200, 200),
    "desa_own": ALL,
    "desa_other": (200, 404, 404, 200, 200),
}
EXPECTED = {
    "dashboard": (302,) * 5,
    "references": ALL,
    "publications": ALL,
    "survey_add": ADMIN_ONLY,
    "target_edit": ADMIN_ONLY,
    "weights": ADMIN_ONLY,
}
for _area, _codes in AREA.items():
    for _kind in (
        "area",
        "xlsx",
        "map",
        "trend",
        "kampung_kb",
        "priority",
        "priority_xlsx",
        "priority_spec",
    ):
        EXPECTED[f"{_kind}_{_area}"] = _codes


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_analytics_page_and_export_answers_each_role_as_designed(
    client, users, figures, role_index
):
    client.force_login(users[ROLES[role_index]])
    got = {name: client.get(url).status_code for name, url in _pages().items()}
    assert got == {name: codes[role_index] for name, codes in EXPECTED.items()}


def test_anonymous_visitors_are_sent_to_log_in(client, figures):
    for name, url in _pages().items():
        assert client.get(url).status_code == 302, name


@pytest.mark.parametrize("role", ["kecamatan", "desa", "mitra", "viewer"])
def test_only_the_admin_kabupaten_may_post_settings_or_publish(client, users, figures, role):
    client.force_login(users[role])
    posts = {
        reverse("analytics:publish"): {"period_type": "penimbangan", "period_start": "2025-08-01"},
        reverse("analytics:target_edit"): {"tahun": 2026, "nilai": "12", "sumber": "x"},
        reverse("analytics:weights"): {
            "w_prevalence": 1,
            "w_cases": 0,
            "w_trend": 0,
            "w_coverage": 0,
            "w_quality": 0,
            "n_lokus": 3,
        },
        reverse("analytics:survey_add"): {
            "survey": "ssgi",
            "tahun": 2024,
            "wilayah": "19.06",
            "indicator": "stunting",
            "prevalensi": "17.1",
            "sumber": "x",
        },
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert not Publication.objects.exists()
    assert not Target.objects.filter(scope="district").exists()


def test_dashboard_starts_at_the_users_area(client, users, figures):
    client.force_login(users["kecamatan"])
    response = client.get(reverse("analytics:dashboard"))
    assert response["Location"] == reverse("analytics:area", args=[MANGGAR])


def test_kabupaten_page_shows_headline_subareas_on_course_and_surveys(client, users, figures):
    SurveyFigure.objects.create(
        survey="ssgi", tahun=2024, wilayah_id="19.06", prevalensi="17.10", sumber="SSGI 2024"
    )
    client.force_login(users["mitra"])
    html = client.get(reverse("analytics:area", args=["19.06"]) + Q).content.decode()
    # 12 + 10 + 10 measured, 4 + 1 + 5 stunted in August 2025.
    assert 'data-testid="headline-cases">10 / 32' in html
    assert "31,3 %" in html  # 10/32 = 31.25 %: half up, the same as in the xlsx
    assert "Manggar" in html and "Gantung" in html
    assert "sesuai jalur" in html  # posyandu figure vs the 2025 national target (18 %)
    assert "SSGI" in html and "17,1" in html
    assert "Anak Sintetis" not in html


def test_area_xlsx_holds_the_numbers_of_every_chart(client, users, figures):
    client.force_login(users["admin"])
    response = client.get(reverse("analytics:area_xlsx", args=[MANGGAR]) + Q)
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 7  # the last one: notes, with the rounding rule
    sub = {r[1]: r for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert sub["Kurnia Jaya"][3:6] == (12, 4, 33.3)
    kampung_kb = list(wb.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert [r[1:3] for r in kampung_kb] == [(12, 4), (10, 1)]


def test_priority_ranking_gives_reasons_and_the_pdf_has_its_charts(client, users, figures):
    client.force_login(users["admin"])
    html = client.get(reverse("analytics:priority", args=["19.06"]) + Q).content.decode()
    assert "Batu Penyu" in html and "prevalensi stunting 50,0%" in html
    response = client.get(reverse("analytics:priority_pdf", args=["19.06"]) + Q)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response.content.count(b"/Image") >= 2
    assert len(response.content) < 2_000_000


def test_admin_sets_weights_targets_and_survey_figures(client, users, figures):
    client.force_login(users["admin"])
    response = client.post(
        reverse("analytics:weights"),
        {
            "w_prevalence": 0,
            "w_cases": 1,
            "w_trend": 0,
            "w_coverage": 0,
            "w_quality": 0,
            "n_lokus": 1,
        },
    )
    assert response.status_code == 302
    assert PriorityWeights.objects.get(kabupaten_id="19.06").w_prevalence == 0
    html = client.get(reverse("analytics:priority", args=["19.06"]) + Q).content.decode()
    assert "5 anak stunting" in html
    zero = {
        "w_prevalence": 0,
        "w_cases": 0,
        "w_trend": 0,
        "w_coverage": 0,
        "w_quality": 0,
        "n_lokus": 1,
    }
    assert client.post(reverse("analytics:weights"), zero).status_code == 400
    client.post(
        reverse("analytics:target_edit"), {"tahun": 2026, "nilai": "12.5", "sumber": "RPJMD"}
    )
    assert Target.objects.get(scope="district", tahun=2026).nilai == pytest.approx(12.5)
    client.post(
        reverse("analytics:survey_add"),
        {
            "survey": "ski",
            "tahun": 2023,
            "wilayah": "19.06",
            "indicator": "stunting",
            "prevalensi": "17.3",
            "sumber": "SKI 2023",
        },
    )
    assert SurveyFigure.objects.get(survey="ski").wilayah_id == "19.06"
    # Publishing takes a preview and its confirmation (issue 12 item 9): a bare POST does not.
    period = {"period_type": "penimbangan", "period_start": "2025-08-01"}
    assert client.post(reverse("analytics:publish"), period).status_code == 302
    assert not Publication.objects.exists()
    preview = client.get(
        reverse("analytics:publication_preview"), {**period, "period_end": "2025-08-31"}
    )
    token = preview.context["confirm"].initial["konfirmasi"]
    client.post(reverse("analytics:publish"), {**period, "konfirmasi": token})
    assert Publication.objects.get().version == 1


def test_on_course_rule_interpolates_between_target_years():
    from kampungkb.analytics.course import target_for_year

    points = [(2024, 14.0), (2029, 14.2), (2045, 5.0)]
    assert target_for_year(points, 2023) is None
    assert target_for_year(points, 2024) == 14.0
    assert target_for_year(points, 2026) == pytest.approx(14.08)
    assert target_for_year(points, 2050) == 5.0
    assert datetime.date(2025, 8, 1)  # keeps the import used


def test_the_kampung_kb_badge_of_a_desa_follows_the_period_shown(client, users, data, make_kampung):
    """Lalang Jaya launched in June 2025: a Kampung KB in August's table, not in February's."""
    make_kampung(LALANG_JAYA, tanggal_pencanangan=datetime.date(2025, 6, 1))
    for day in ("2025-02-10", "2025-08-10"):
        data.many(LALANG_JAYA, day, n=3, cases=1)
    summaries_rebuild()
    client.force_login(users["admin"])

    def badge(start):
        url = reverse("analytics:area", args=[MANGGAR]) + f"?periode=penimbangan&mulai={start}"
        rows = client.get(url).content.decode().split("<tr")
        row = next(r for r in rows if ">Lalang Jaya</a>" in r)
        return "badge-kkb" in row

    assert (badge("2025-02-01"), badge("2025-08-01")) == (False, True)


@pytest.mark.parametrize(
    ("language", "period", "scope", "answer"),
    [
        ("id", {"Bulan", "Bulan penimbangan (Feb/Agu)", "Tahun"}, "Nasional", "tidak"),
        ("en", {"Month", "Weighing month (Feb/Aug)", "Year"}, "National", "no"),
    ],
)
def test_the_area_xlsx_writes_choices_in_the_users_language(
    client, figures, users, language, period, scope, answer
):
    """The xlsx said "penimbangan", "national" and "ya" whatever the language (issue 12.11)."""
    client.force_login(users["admin"])
    client.cookies["django_language"] = language
    xlsx = client.get(reverse("analytics:area_xlsx", args=["19.06"]) + Q).content
    sheets = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets
    trend = [r[0] for r in sheets[2].iter_rows(min_row=2, values_only=True)]
    assert trend and set(trend) <= period
    on_course = list(sheets[5].iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in on_course} <= {scope, "Kabupaten", "District"}
    assert scope in {r[3] for r in on_course} and answer in {r[5] for r in on_course}
    codes = {"penimbangan", "month", "national", "district"}
    codes |= {"ya", "tidak"} if language == "en" else set()
    cells = {str(v) for s in sheets for row in s.iter_rows(values_only=True) for v in row}
    assert not (codes & cells)


def test_the_priority_pack_shows_stunting_whatever_indicator_the_link_carries(
    client, users, figures
):
    """The area page's link to the priority desa carries its indicator (``indikator=``): the
    ranking stayed on stunting, but the kecamatan table, its xlsx sheet and the PDF's map,
    all headed "Stunting (%)", showed that other indicator (here wasting: 0 cases)."""
    client.force_login(users["admin"])
    query = Q + "&indikator=wasting"
    page = client.get(reverse("analytics:priority", args=["19.06"]) + query)
    manggar = next(r for r in page.context["subareas"] if r.wilayah.kode == MANGGAR)
    assert (manggar.cell.indicator, manggar.cell.n, manggar.cell.cases) == ("stunting", 22, 5)
    response = client.get(reverse("analytics:priority_xlsx", args=["19.06"]) + query)
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    kecamatan = {r[0]: r for r in wb.worksheets[2].iter_rows(min_row=2, values_only=True)}
    assert kecamatan[MANGGAR][2:5] == (22, 5, 22.7)


def test_the_admin_deletes_a_provinsi_survey_figure_they_entered(client, users, figures):
    """The form offers the provinsi above the district and saving accepts it, but deleting
    answered 403: a mistyped provinsi SSGI figure stayed on every area page for good."""
    client.force_login(users["admin"])
    form = {
        "survey": "ssgi",
        "tahun": 2024,
        "wilayah": "19",
        "indicator": "stunting",
        "prevalensi": "71.2",
        "sumber": "SSGI 2024",
    }
    assert client.post(reverse("analytics:survey_add"), form).status_code == 302
    figure = SurveyFigure.objects.get(wilayah_id="19")
    response = client.post(reverse("analytics:survey_delete", args=[figure.pk]))
    assert response.status_code == 302
    assert not SurveyFigure.objects.filter(pk=figure.pk).exists()
