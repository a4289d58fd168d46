"""A province installation (issue 15): two kabupaten (Belitung Timur and Bangka) in one
installation, the Admin Provinsi over both, each Admin Kabupaten confined to theirs, and the
provinsi level of the summaries, the dashboard, the map, the priority ranking and the public
site, on a hand-made data set counted by hand."""

import datetime
import math

import pytest
from django.conf import settings
from django.urls import reverse

from kampungkb.analytics.models import KrsSummary, PrevalenceSummary, PublishedFigure
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from kampungkb.core.permissions import (
    can_manage_installation,
    can_view_full_nik,
    can_view_personal_data,
    sees_aggregates_only,
)
from kampungkb.core.scoping import user_covers
from kampungkb.wilayah.loading import wilayah_load
from kampungkb.wilayah.models import Level, Wilayah
from tests import factories
from tests.analytics import tpk_data
from tests.conftest import KURNIA_JAYA, LALANG_JAYA
from tests.families import krs_data

AUG = datetime.date(2025, 8, 1)
Q = "?periode=month&mulai=2025-08-01"
BANGKA = "19.01"
SUNGAILIAT = "19.01.01.1001"  # a kelurahan of kecamatan Sungailiat (19.01.01)
PETALING = "19.01.04.2001"  # a desa of kecamatan Mendo Barat (19.01.04)


def _cell(kode, indicator="stunting"):
    return PrevalenceSummary.objects.get(
        wilayah_kode=kode, period_type="month", period_start=AUG, indicator=indicator, group="all"
    )


def _wilson(cases, n, z=1.959963984540054):
    p = cases / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


@pytest.fixture
def bangka(beltim):
    """Kabupaten Bangka added to the running (Belitung Timur) installation."""
    wilayah_load(folder=settings.KAMPUNGKB_PROVINCE_WILAYAH, kabupaten=BANGKA)
    return Wilayah.objects.get(kode=BANGKA)


@pytest.fixture
def figures(data, bangka):
    """August 2025, by hand: Belitung Timur 10 measured, 2 stunted (Kurnia Jaya) + 3 and 0
    (Lalang Jaya); Bangka 20 and 6 (Sungailiat) + 12 and 3 (Petaling). So 19.06: 13/2,
    19.01: 32/9, the provinsi 45/11."""
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=2)
    data.many(LALANG_JAYA, "2025-08-12", n=3, cases=0)
    data.many(SUNGAILIAT, "2025-08-05", n=20, cases=6)
    data.many(PETALING, "2025-08-20", n=12, cases=3)
    summaries_rebuild()


@pytest.fixture
def people(bangka):
    return {
        "provinsi": factories.admin_provinsi(),
        "beltim": factories.admin_kabupaten(),
        "bangka": factories.admin_kabupaten(BANGKA),
        "viewer_bangka": factories.viewer(BANGKA),
    }


# --- the summaries --------------------------------------------------------------------------


def test_the_provinsi_is_the_sum_of_its_kabupaten(figures):
    beltim, bangka, provinsi = _cell("19.06"), _cell(BANGKA), _cell("19")
    assert (beltim.n, beltim.cases) == (13, 2)
    assert (bangka.n, bangka.cases) == (32, 9)
    assert (provinsi.n, provinsi.cases, provinsi.level) == (45, 11, "provinsi")
    assert provinsi.prevalence == pytest.approx(11 / 45)
    assert (provinsi.ci_low, provinsi.ci_high) == pytest.approx(_wilson(11, 45))


def test_a_one_kabupaten_installation_has_no_provinsi_summary(data):
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=2)
    summaries_rebuild()
    assert _cell("19.06").n == 10
    assert not PrevalenceSummary.objects.filter(wilayah_kode="19").exists()


# --- roles, scope and permissions -------------------------------------------------------------


def test_each_admin_kabupaten_stays_in_their_kabupaten(client, figures, people):
    cases = {
        "beltim": {"19": 404, "19.06": 200, BANGKA: 404, SUNGAILIAT: 404, KURNIA_JAYA: 200},
        "bangka": {"19": 404, "19.06": 404, BANGKA: 200, SUNGAILIAT: 200, KURNIA_JAYA: 404},
        "provinsi": {"19": 200, "19.06": 200, BANGKA: 200, SUNGAILIAT: 200, KURNIA_JAYA: 200},
        "viewer_bangka": {"19": 404, "19.06": 404, BANGKA: 200, SUNGAILIAT: 200},
    }
    got = {}
    for who, pages in cases.items():
        client.force_login(people[who])
        got[who] = {
            kode: client.get(reverse("analytics:area", args=[kode]) + Q).status_code
            for kode in pages
        }
    assert got == cases
    assert user_covers(people["provinsi"], SUNGAILIAT)
    assert not user_covers(people["beltim"], SUNGAILIAT)


def test_the_province_admin_reads_aggregates_only(client, figures, people):
    admin = people["provinsi"]
    assert sees_aggregates_only(admin)
    assert not can_view_personal_data(admin) and not can_view_full_nik(admin)
    client.force_login(admin)
    assert client.get(reverse("growth:child_list")).status_code == 403
    child = factories.child_row(SUNGAILIAT, nama="Anak Rahasia Sintetis")
    assert client.get(reverse("growth:child_detail", args=[child.pk])).status_code in (403, 404)
    page = client.get(reverse("analytics:area", args=["19"]) + Q).content.decode()
    assert "Anak Rahasia Sintetis" not in page


def test_who_manages_a_province_installation(bangka, people):
    other_province = Wilayah.objects.create(kode="18", nama="Provinsi Lain", level=Level.PROVINSI)
    stranger = factories.admin_provinsi(other_province, username="admin-18")
    assert can_manage_installation(people["provinsi"])
    # Two kabupaten: neither district's admin decides for the other.
    assert not can_manage_installation(people["beltim"])
    assert not can_manage_installation(people["bangka"])
    assert not can_manage_installation(stranger)
    assert not can_manage_installation(people["viewer_bangka"])


def test_in_a_one_kabupaten_installation_both_admins_manage_it(beltim):
    assert can_manage_installation(factories.admin_kabupaten())
    assert can_manage_installation(factories.admin_provinsi())


def test_the_province_admin_may_not_change_a_record(client, figures, people):
    child = factories.child_row(SUNGAILIAT, nama="Anak Sintetis Tetap")
    client.force_login(people["provinsi"])
    response = client.post(
        reverse("growth:child_edit", args=[child.pk]),
        {"nama": "Diubah", "jenis_kelamin": "L", "tanggal_lahir": "2024-01-15"},
    )
    assert response.status_code in (403, 404)
    child.refresh_from_db()
    assert child.nama == "Anak Sintetis Tetap"


# --- the dashboard, the map, the ranking ------------------------------------------------------


def test_the_dashboard_of_a_province_admin_starts_at_the_provinsi(client, figures, people):
    client.force_login(people["provinsi"])
    response = client.get(reverse("analytics:dashboard"))
    assert response["Location"] == reverse("analytics:area", args=["19"])
    page = client.get(reverse("analytics:area", args=["19"]) + Q)
    rows = {r.wilayah.kode: (r.cell.n, r.cell.cases) for r in page.context["subareas"]}
    assert rows == {"19.06": (13, 2), BANGKA: (32, 9)}
    assert page.context["head"]["main"].n == 45
    # Drill down: the kabupaten page has the provinsi in its breadcrumbs.
    page = client.get(reverse("analytics:area", args=[BANGKA]) + Q)
    assert [w.kode for w in page.context["breadcrumbs"]] == ["19"]
    assert {r.wilayah.kode for r in page.context["subareas"]} == {
        w.kode for w in Wilayah.objects.filter(parent_id=BANGKA)
    }


def test_an_admin_kabupaten_sees_no_provinsi_in_the_breadcrumbs(client, figures, people):
    client.force_login(people["bangka"])
    assert client.get(reverse("analytics:dashboard"))["Location"] == reverse(
        "analytics:area", args=[BANGKA]
    )
    page = client.get(reverse("analytics:area", args=[SUNGAILIAT]) + Q)
    assert [w.kode for w in page.context["breadcrumbs"]] == [BANGKA, "19.01.01"]


def test_the_province_map_draws_the_kabupaten_it_has_boundaries_of(client, figures, people):
    client.force_login(people["provinsi"])
    url = reverse("analytics:map_spec", args=["19"]) + Q + "&tingkat=kabupaten"
    spec = client.get(url).json()
    shapes = [v for d in spec["datasets"].values() for v in d if "properties" in v]
    assert sorted(s["properties"]["kode"] for s in shapes) == [BANGKA, "19.06"]
    # Without Bangka's boundary: no shape made up, the table names it instead.
    Wilayah.objects.filter(kode=BANGKA).update(boundary=None)
    spec = client.get(url).json()
    shapes = [v for d in spec["datasets"].values() for v in d if "properties" in v]
    assert [s["properties"]["kode"] for s in shapes] == ["19.06"]
    page = client.get(reverse("analytics:area", args=["19"]) + Q)
    assert [w.kode for w in page.context["unmapped"]] == [BANGKA]
    assert "Kabupaten Bangka" in page.content.decode()


def test_the_priority_ranking_spans_the_province(client, figures, people):
    client.force_login(people["provinsi"])
    page = client.get(reverse("analytics:priority", args=["19"]) + Q)
    assert page.status_code == 200
    ranked = [r.wilayah.kode for r in page.context["rows"]]
    assert {SUNGAILIAT, PETALING, KURNIA_JAYA} <= set(ranked)
    assert len(ranked) == Wilayah.objects.desa().within("19").count()
    # The Admin Kabupaten's ranking stays in their kabupaten.
    client.force_login(people["beltim"])
    page = client.get(reverse("analytics:priority", args=["19.06"]) + Q)
    assert all(r.wilayah.kode.startswith("19.06.") for r in page.context["rows"])
    assert client.get(reverse("analytics:priority", args=["19"]) + Q).status_code == 404


# --- the public site ---------------------------------------------------------------------------


def test_public_pages_of_the_province_and_each_kabupaten(client, figures, people):
    for who in ("beltim", "bangka"):
        publication_publish(user=people[who], period_type="month", period_start=AUG)
    page = client.get(reverse("analytics_public:province", args=["19"]))
    assert page.status_code == 200
    rows = {r.kabupaten.kode: r.row.stunting for r in page.context["rows"]}
    # Bangka: 32 measured, 9 stunted, shown; Belitung Timur: 2 cases (< 3) hidden.
    assert (rows[BANGKA].n, rows[BANGKA].cases) == (32, 9)
    assert rows["19.06"].suppressed and rows["19.06"].cases is None
    text = page.content.decode()
    assert reverse("analytics_public:kabupaten", args=[BANGKA]) in text
    # No provinsi total: 45 and 11 appear nowhere, nor does Belitung Timur's hidden 2.
    assert not PublishedFigure.objects.filter(wilayah_kode="19").exists()
    assert ">45<" not in text and ">11<" not in text
    # The site's front page is the province's in a province installation.
    assert client.get(reverse("analytics_public:index")).context["provinsi"].kode == "19"
    page = client.get(reverse("analytics_public:kabupaten", args=[BANGKA]))
    assert page.context["publication"].kabupaten_id == BANGKA
    assert {r.kode for r in page.context["tables"]["desa"]} == {SUNGAILIAT, PETALING}


def test_the_staff_publications_page_lists_what_each_user_covers(client, figures, people):
    """The Admin Provinsi's page listed nothing (it looked for a kabupaten of code "19"); it
    lists every kabupaten's versions, named, and opens each; an Admin Kabupaten still sees
    and opens only theirs."""
    beltim = publication_publish(user=people["beltim"], period_type="month", period_start=AUG)
    bangka = publication_publish(user=people["bangka"], period_type="month", period_start=AUG)
    client.force_login(people["provinsi"])
    page = client.get(reverse("analytics:publications"))
    assert {p.pk for p in page.context["history"]} == {beltim.pk, bangka.pk}
    assert page.context["several_kabupaten"]
    text = page.content.decode()
    assert "Belitung Timur" in text and "Bangka" in text
    for publication in (beltim, bangka):
        url = reverse("analytics:publication", args=[publication.pk])
        assert client.get(url).status_code == 200
    client.force_login(people["beltim"])
    page = client.get(reverse("analytics:publications"))
    assert [p.pk for p in page.context["history"]] == [beltim.pk]
    assert not page.context["several_kabupaten"]
    assert client.get(reverse("analytics:publication", args=[bangka.pk])).status_code == 404
    client.force_login(people["viewer_bangka"])
    page = client.get(reverse("analytics:publications"))
    assert [p.pk for p in page.context["history"]] == [bangka.pk]
    assert client.get(reverse("analytics:publication", args=[beltim.pk])).status_code == 404


def test_a_kabupaten_without_a_publication(client, figures, people):
    publication_publish(user=people["bangka"], period_type="month", period_start=AUG)
    page = client.get(reverse("analytics_public:province", args=["19"]))
    rows = {r.kabupaten.kode: r for r in page.context["rows"]}
    assert rows["19.06"].publication is None
    assert client.get(reverse("analytics_public:kabupaten", args=["19.06"])).status_code == 404
    assert client.get(reverse("analytics_public:province", args=["19.06"])).status_code == 404


def test_every_analysis_download_and_chart_of_the_provinsi_answers(client, figures, people):
    client.force_login(people["provinsi"])
    for name in (
        "analytics:area_xlsx",
        "analytics:trend_spec",
        "analytics:kampung_kb_spec",
        "analytics:map_spec",
        "analytics:priority_spec",
        "analytics:priority_xlsx",
        "analytics:priority_pdf",
    ):
        response = client.get(reverse(name, args=["19"]) + Q)
        assert response.status_code == 200, name
    sheet = client.get(reverse("analytics:area_xlsx", args=["19"]) + Q)
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")


def test_adding_a_kabupaten_refreshes_the_summaries_with_the_provinsi(
    data, django_capture_on_commit_callbacks
):
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=2)
    summaries_rebuild()
    assert not PrevalenceSummary.objects.filter(wilayah_kode="19").exists()
    with django_capture_on_commit_callbacks(execute=True):
        wilayah_load(folder=settings.KAMPUNGKB_PROVINCE_WILAYAH, kabupaten=BANGKA)
    assert (_cell("19").n, _cell("19").cases) == (10, 2)


def test_the_provinsi_has_krs_figures_while_one_kabupaten_alone_has_a_family_survey(
    client, bangka, people
):
    """The KRS (and TPK) summaries made the provinsi level only when desa of several kabupaten
    had figures: while Bangka had no family survey yet, the provinsi page said there was none,
    though Belitung Timur's were summarised."""
    krs_data.district()
    summaries_rebuild()
    beltim = KrsSummary.objects.get(wilayah_kode="19.06", group="all", period_start__year=2025)
    provinsi = KrsSummary.objects.get(wilayah_kode="19", group="all", period_start__year=2025)
    assert provinsi.level == "provinsi"
    assert (provinsi.families, provinsi.sasaran, provinsi.krs) == (
        beltim.families,
        beltim.sasaran,
        beltim.krs,
    )
    client.force_login(people["provinsi"])
    page = client.get(reverse("analytics:area", args=["19"]))
    assert page.context["krs"].main == provinsi


def test_the_provinsi_page_gives_krs_and_tpk_rows_per_kabupaten_and_no_dead_link(
    client, bangka, people
):
    """The provinsi's KRS and TPK sections had no row per kabupaten, and the KRS section
    linked to a picture by desa that exists for a kabupaten, kecamatan or desa only (404)."""
    tpk_data.district()  # KRS families of Belitung Timur, and their TPK accompaniment
    summaries_rebuild()
    client.force_login(people["provinsi"])
    page = client.get(reverse("analytics:area", args=["19"]))
    rows = {w.kode: c for w, c in page.context["krs"].subareas}
    assert set(rows) == set(
        Wilayah.objects.filter(level="kabupaten").values_list("kode", flat=True)
    )
    assert rows["19.06"].wilayah_kode == "19.06" and rows["19.06"].families > 0
    assert rows[BANGKA] is None  # no family survey there yet: a dash
    assert 'data-testid="krs-picture-link"' not in page.content.decode()
    kabupaten = client.get(reverse("analytics:area", args=["19.06"])).content.decode()
    assert 'data-testid="krs-picture-link"' in kabupaten
    tpk = client.get(reverse("analytics:tpk", args=["19"])).context["tpk"]
    assert {r.kode for r in tpk.subareas} == set(rows)
    assert next(r.cell for r in tpk.subareas if r.kode == "19.06") is not None
