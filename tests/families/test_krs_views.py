"""The KRS picture pages and downloads (aggregates only, scoped, rounded as on the page)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from tests import factories
from tests.factories import BATU_PENYU, BELTIM, KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.families import krs_data

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_a_viewer_sees_the_desa_and_totals_without_any_name(client):
    rounds = krs_data.district()
    _client(client, factories.viewer())
    response = client.get(reverse("families:krs", args=[BELTIM]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kode="19.06.01.2002"' in html and 'data-kode="19.06"' in html
    assert "75,0" in html  # Kurnia Jaya: 3 KRS of 4 target families
    assert "60,0" in html  # the district: 6 of 10
    names = [m.nama for s in rounds.values() for m in s.members.all()]
    assert names and not any(name in html for name in names)


def test_the_start_page_opens_the_users_area(client):
    krs_data.district()
    _client(client, factories.operator_desa(KURNIA_JAYA))
    response = client.get(reverse("families:krs_start"))
    assert response["Location"] == reverse("families:krs", args=[KURNIA_JAYA])
    assert client.get(reverse("families:krs", args=[BATU_PENYU])).status_code == 404


def test_the_round_selector_shows_an_earlier_round(client):
    krs_data.district()
    _client(client, factories.viewer())
    html = client.get(reverse("families:krs", args=[KURNIA_JAYA]), {"tahun": "2024"})
    assert '<option value="2024" selected>' in html.content.decode()
    assert (
        client.get(reverse("families:krs", args=[KURNIA_JAYA]), {"tahun": "<x>"}).status_code == 200
    )


def test_an_area_without_families_says_so(client):
    _client(client, factories.viewer())
    response = client.get(reverse("families:krs", args=[BELTIM]))
    assert 'data-testid="krs-empty"' in response.content.decode()


def test_the_map_colours_each_desa_by_its_krs_share(client):
    krs_data.district()
    _client(client, factories.mitra_opd())
    spec = client.get(reverse("families:krs_map_spec", args=[MANGGAR])).json()
    values = {f["properties"]["kode"]: f["properties"]["nilai"] for f in spec["datasets"]["shapes"]}
    assert values[KURNIA_JAYA] == 75.0
    assert values[LALANG_JAYA] == pytest.approx(33.3)


def test_the_xlsx_holds_the_desa_rows_and_the_totals_rounded(client):
    krs_data.district()
    _client(client, factories.viewer())
    response = client.get(reverse("families:krs_xlsx", args=[BELTIM]), {"tahun": "2025"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    kurnia, lalang, total = rows[KURNIA_JAYA], rows[LALANG_JAYA], rows[BELTIM]
    assert kurnia[2:6] == (5, 4, 3, 75)
    assert Decimal(str(lalang[5])) == Decimal("33.3")
    assert total[2:6] == (12, 10, 6, 60)
    assert rows[MANGGAR][2:5] == (9, 7, 4)
    assert book.worksheets[1].title


def test_the_pdf_is_a_pdf(client):
    krs_data.district()
    _client(client, factories.viewer())
    response = client.get(reverse("families:krs_pdf", args=[MANGGAR]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_counts_of_thousands_are_grouped_as_the_language_writes_them():
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    row = SimpleNamespace(
        families=40000, sasaran=28620, krs=11169, krs_share=0.39, factors=[("air", 1234)],
        stunted=1734, pus_kb_modern=13817, pus=28620, mcpr=0.48, jkn_share=0.8, akta_share=0.85,
    )  # fmt: skip
    with translation.override("id"):
        html = render_to_string("families/krs_cells.html", {"r": row})
    assert ">11.169<" in html and ">40.000<" in html and ">1.234<" in html
    with translation.override("en"):
        html = render_to_string("families/krs_cells.html", {"r": row})
    assert ">11,169<" in html
