"""KRS figures in a publication: frozen with it and shown on the public site with the same
small-cell suppression as the prevalence figures (tests/families/krs_data.py, by hand)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from kampungkb.analytics.models import PublishedKrsFigure
from kampungkb.analytics.publication_krs import krs_public_tables, krs_suppression_plan
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from kampungkb.families.labels import labels_compute
from tests import factories
from tests.factories import BATU_PENYU, BELTIM, GANTUNG, KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.families import krs_data

pytestmark = pytest.mark.django_db
YEAR = datetime.date(2025, 1, 1)


def _publish(period_type="year", start=YEAR):
    return publication_publish(
        user=factories.admin_kabupaten(username=f"admin-{period_type}-{start}"),
        period_type=period_type,
        period_start=start,
    )


def _cells(publication):
    tables = krs_public_tables(publication)
    return {
        (r.kode, getattr(r, "group", "all") if r.level == "kabupaten" else "all"): r.krs
        for key in ("kabupaten", "kampung_kb", "kecamatan", "desa")
        for r in tables[key]
    }


def _more(desa, n, *, krs):
    """``n`` target families of ``desa``, ``krs`` of them at risk (a wife of 18)."""
    for i in range(n):
        born = "2007-01-01" if i < krs else "1995-01-01"
        factories.family_row(desa, members=[krs_data.wife(born)])


def test_small_cells_are_hidden_and_the_district_total_is_shown():
    krs_data.district()
    summaries_rebuild()
    publication = _publish()
    assert PublishedKrsFigure.objects.filter(publication=publication, tahun=2025).exists()
    cells = _cells(publication)
    district = cells[(BELTIM, "all")]
    assert (district.n, district.cases, district.prevalence) == (10, 6, pytest.approx(0.6))
    # 7 and 3 target families, 4 to 1 KRS families: under 10 target families, hidden.
    for kode in (MANGGAR, GANTUNG, KURNIA_JAYA, LALANG_JAYA, BATU_PENYU):
        assert cells[(kode, "all")].n is None and cells[(kode, "all")].prevalence is None


def test_the_public_page_shows_the_krs_section_without_login():
    krs_data.district()
    summaries_rebuild()
    _publish()
    html = Client().get(reverse("analytics_public:index")).content.decode()
    assert 'data-testid="public-krs"' in html
    assert 'data-kode="19.06"' in html and "60,0" in html
    assert Client().get(reverse("analytics_public:pdf", args=[_last_pk()])).status_code == 200


def _last_pk():
    from kampungkb.analytics.models import Publication

    return Publication.objects.order_by("-pk").first().pk


def test_a_shown_kecamatan_beside_one_small_desa_hides_a_second_desa():
    krs_data.district()
    _more(LALANG_JAYA, 12, krs=5)  # Lalang Jaya: 15 target, 6 KRS; Kurnia Jaya: 4 and 3
    _more(BATU_PENYU, 10, krs=4)
    labels_compute()
    summaries_rebuild()
    cells = _cells(_publish())
    assert cells[(MANGGAR, "all")].n == 19 and cells[(MANGGAR, "all")].cases == 9
    assert cells[(KURNIA_JAYA, "all")].n is None
    # Manggar - Lalang Jaya would give Kurnia Jaya away: Lalang Jaya is hidden as well.
    assert cells[(LALANG_JAYA, "all")].n is None


def test_published_krs_figures_stay_frozen():
    krs_data.district()
    summaries_rebuild()
    publication = _publish()
    _more(KURNIA_JAYA, 10, krs=10)
    labels_compute()
    summaries_rebuild()
    assert _cells(publication)[(BELTIM, "all")].cases == 6


def test_a_cell_hidden_by_an_earlier_publication_of_the_round_stays_hidden():
    krs_data.district()
    summaries_rebuild()
    first = _publish()
    assert _cells(first)[(GANTUNG, "all")].n is None
    _more(BATU_PENYU, 12, krs=5)  # Gantung: 15 target families, 7 KRS
    _more(LALANG_JAYA, 12, krs=5)
    labels_compute()
    summaries_rebuild()
    # Another period of the same year: the same round of the family survey.
    second = _publish("month", datetime.date(2025, 3, 1))
    cells = _cells(second)
    assert cells[(GANTUNG, "all")].n is None  # it would be shown on its own (15 and 7)
    kept = PublishedKrsFigure.objects.get(publication=second, wilayah_kode=GANTUNG, group="all")
    assert (kept.n, kept.cases, kept.n_hidden) == (15, 7, True)
    # Without the first publication, the same figures would show Gantung.
    first.delete()
    second.krs_figures.update(n_hidden=None, cases_hidden=None)
    assert krs_suppression_plan(second)[kept.pk] == (False, False)


def test_the_public_xlsx_has_a_krs_sheet_with_dashes_for_hidden_cells():
    import io

    import openpyxl

    krs_data.district()
    summaries_rebuild()
    publication = _publish()
    response = Client().get(reverse("analytics_public:xlsx", args=[publication.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[-2] == "KRS 2025"  # before the notes
    rows = {r[0]: r for r in book["KRS 2025"].iter_rows(min_row=2, values_only=True)}
    assert rows[BELTIM][2:4] == (10, 6) and float(rows[BELTIM][4]) == 60
    assert rows[KURNIA_JAYA][2:] == ("–", "–", "–")
