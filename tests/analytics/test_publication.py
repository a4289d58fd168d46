import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampungkb.analytics.models import Publication, PublishedFigure
from kampungkb.analytics.publication import PublicCell, is_suppressed, public_tables
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA

AUG = datetime.date(2025, 8, 1)


@pytest.mark.parametrize(
    ("n", "cases", "suppressed"),
    [(9, 5, True), (20, 2, True), (10, 3, False), (9, 0, True), (50, 10, False)],
)
def test_small_cells_are_suppressed(n, cases, suppressed):
    assert is_suppressed(n, cases) is suppressed
    cell = PublicCell.of(
        PublishedFigure(n=n, cases=cases, prevalence=cases / n, ci_low=0.1, ci_high=0.5)
    )
    assert cell.suppressed is suppressed
    assert (cell.prevalence is None) is suppressed
    assert (cell.cases is None) is suppressed
    assert (cell.n is None) is (n < 10)


@pytest.fixture
def published(data, users):
    """Kurnia Jaya: 10 measured, 3 stunted (shown); Lalang Jaya: 9 measured (hidden);
    Batu Penyu (Gantung): 20 measured, 2 stunted (hidden)."""
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=3)
    data.many(LALANG_JAYA, "2025-08-10", n=9, cases=4)
    data.many(BATU_PENYU, "2025-08-10", n=20, cases=2)
    summaries_rebuild()
    return publication_publish(user=users["admin"], period_type="penimbangan", period_start=AUG)


def _rows(publication, level):
    return {r.kode: r.stunting for r in public_tables(publication)[level]}


def test_public_tables_show_10_and_3_and_hide_9_measured_and_2_cases(published):
    desa = _rows(published, "desa")
    assert (desa[KURNIA_JAYA].n, desa[KURNIA_JAYA].cases) == (10, 3)
    assert desa[KURNIA_JAYA].prevalence == pytest.approx(0.3)
    assert desa[LALANG_JAYA] == PublicCell(None, None, None, None, None, True)
    assert desa[BATU_PENYU].n == 20 and desa[BATU_PENYU].cases is None
    assert _rows(published, "kabupaten")["19.06"].cases == 9


def test_public_page_pdf_and_xlsx_show_dashes_for_small_cells_without_login(client, published):
    page = client.get(reverse("analytics_public:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Publikasi Data Stunting" in html
    assert "Anak Sintetis" not in html  # no personal data
    rows = [
        r for r in html.split('data-testid="public-row"') if "Lalang Jaya" in r.split("</tr>")[0]
    ]
    assert rows and "44,4" not in rows[0] and "–" in rows[0]

    xlsx = client.get(reverse("analytics_public:xlsx", args=[published.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[2]
    values = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Lalang Jaya"][2:7] == ("–",) * 5
    assert values["Kurnia Jaya"][2:5] == (10, 3, 30.0)
    assert values["Batu Penyu"][2:4] == (20, "–")

    spec = client.get(reverse("analytics_public:map_spec", args=[published.pk])).json()
    props = [f["properties"] for f in spec["datasets"]["shapes"]]
    lalang = next(p for p in props if p["kode"] == LALANG_JAYA)
    assert lalang["nilai"] is None and lalang["teks"] == "–" and lalang["n"] == "–"


def test_public_pdf_renders_with_its_map_image(client, published):
    response = client.get(reverse("analytics_public:pdf", args=[published.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert b"/Image" in response.content
    assert len(response.content) < 1_500_000


def test_published_figures_stay_frozen_and_republishing_makes_version_2(data, published, users):
    # An import after publishing: the live summaries change, the publication does not.
    data.many(KURNIA_JAYA, "2025-08-20", n=5, cases=5)
    summaries_rebuild()
    assert _rows(published, "desa")[KURNIA_JAYA].n == 10
    second = publication_publish(user=users["admin"], period_type="penimbangan", period_start=AUG)
    assert (published.version, second.version) == (1, 2)
    assert _rows(second, "desa")[KURNIA_JAYA].n == 15
    assert Publication.objects.count() == 2
    assert _rows(Publication.objects.get(version=1), "desa")[KURNIA_JAYA].n == 10
    page = users and __import__("django.test", fromlist=["Client"]).Client().get(
        reverse("analytics_public:version", args=[published.pk])
    )
    assert page.status_code == 200 and "versi 2" in page.content.decode().lower()


def test_only_the_admin_kabupaten_may_publish(data, users):
    data.many(KURNIA_JAYA, "2025-08-10", n=10, cases=3)
    summaries_rebuild()
    for role in ("kecamatan", "desa", "mitra", "viewer"):
        with pytest.raises(PermissionDenied):
            publication_publish(user=users[role], period_type="penimbangan", period_start=AUG)
    with pytest.raises(ValidationError):
        publication_publish(
            user=users["admin"], period_type="month", period_start=datetime.date(2020, 1, 1)
        )
