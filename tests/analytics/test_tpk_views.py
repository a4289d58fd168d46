"""The TPK page of the dashboard and its xlsx: the figures of the hand-made district
(``tpk_data``), by area, period and Kampung KB / other desa, for every role that sees the
area's analysis; nonsense in the query never breaks it."""

import pytest
from django.urls import reverse

from kampungkb.analytics.services import summaries_rebuild
from tests.analytics import tpk_data
from tests.factories import BELTIM, KURNIA_JAYA, LALANG_JAYA, MANGGAR
from tests.spreadsheets import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(beltim):
    tpk_data.district()
    summaries_rebuild()


def _get(client, user, kode, **params):
    client.force_login(user)
    return client.get(reverse("analytics:tpk", args=[kode]), params)


def test_the_district_page_shows_the_quarter_its_kecamatan_and_the_kampung_kb_split(
    client, users, district
):
    response = _get(client, users["admin"], BELTIM, periode="quarter", mulai="2025-01-01")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["sel"].label == "K1 2025"
    main = {
        name: (share, num, den) for name, share, num, den in response.context["tpk"].main.shares
    }
    assert main["krs_accompanied_share"][1:] == (1, 3)
    assert main["catin_screened_share"][1:] == (1, 1)
    groups = [g.label for g in response.context["tpk"].groups]
    assert groups == ["Desa Kampung KB", "Desa lainnya"]
    assert 'data-share="krs_accompanied_share"' in html and "33,3 %" in html
    kodes = [r.kode for r in response.context["tpk"].subareas]
    assert MANGGAR in kodes
    trend = [r.label for r in response.context["tpk"].trend]
    assert trend[:3] == ["K4 2024", "K1 2025", "K2 2025"]  # Batu Penyu's pregnancy: 2024


def test_the_year_view_and_a_desa_page(client, users, district):
    response = _get(client, users["desa"], KURNIA_JAYA, periode="year", mulai="2025-01-01")
    row = {n: (num, den) for n, _s, num, den in response.context["tpk"].main.shares}
    assert row["krs_accompanied_share"] == (2, 3)
    assert response.context["tpk"].subareas == []


def test_the_mitra_and_viewer_see_the_same_aggregates(client, users, district):
    for role in ("mitra", "viewer"):
        response = _get(client, users[role], LALANG_JAYA, periode="year", mulai="2025-01-01")
        row = {n: (num, den) for n, _s, num, den in response.context["tpk"].main.shares}
        assert row["catin_at_risk_share"] == (1, 1)
        assert "Catin A" not in response.content.decode()  # no names


@pytest.mark.parametrize(
    "params",
    [
        {"periode": "bogus"},
        {"mulai": "2025-13-45"},
        {"mulai": "x" * 500},
        {"periode": "year", "mulai": "1900-01-01"},
    ],
)
def test_nonsense_in_the_query_falls_back_to_the_newest_period(client, users, district, params):
    response = _get(client, users["admin"], BELTIM, **params)
    assert response.status_code == 200
    assert response.context["sel"].start is not None


def test_an_area_without_figures_says_so(client, users, beltim):
    response = _get(client, users["admin"], BELTIM)
    assert response.status_code == 200
    assert 'data-testid="tpk-empty"' in response.content.decode()


def test_the_xlsx_holds_numerators_denominators_and_shares(client, users, district):
    client.force_login(users["kecamatan"])
    url = reverse("analytics:tpk_xlsx", args=[MANGGAR])
    response = client.get(url, {"periode": "year", "mulai": "2025-01-01"})
    assert response.status_code == 200
    book = workbook(response.content)
    sheet = book.worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "Kode")
    by_kode = {r[0]: r for r in rows[rows.index(header) + 1 :]}
    col = header.index("Keluarga KRS didampingi: didampingi")
    assert by_kode[MANGGAR][col : col + 3] == [2, 3, 66.7]
    assert by_kode[KURNIA_JAYA][col : col + 3] == [2, 3, 66.7]
    assert by_kode[LALANG_JAYA][col : col + 3] == [0, 0, "–"]
    assert by_kode["19.06.01.2003"][col : col + 3] == ["–", "–", "–"]  # Padang: no figures
    assert by_kode[f"{MANGGAR}-kampung_kb"][col : col + 3] == [2, 3, 66.7]
    assert by_kode[f"{MANGGAR}-other"][col : col + 3] == [0, 0, "–"]
    assert header[col + 3] == "Catin diskrining: diskrining"
    assert len(book.worksheets) == 2
