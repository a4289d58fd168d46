"""The scorecard's pages and downloads: derived cells with their source, names only for the
roles that may see them, a cell entered with htmx (scoped, permitted, audited), xlsx and PDF."""

import io

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.families.tpk.scorecard import views
from kampungkb.families.tpk.scorecard.models import ScorecardEntry
from tests import factories
from tests.conftest import KURNIA_JAYA, MANGGAR

from .helpers import D, baduta, visit, weigh

Q = "2025-3"


@pytest.fixture
def data(beltim):
    t = baduta(D(2024, 10, 5))
    weigh(t, D(2025, 7, 3), D(2025, 8, 4), D(2025, 9, 3), tinggi="70.0", zlen=-2.4, flen=False)
    visit(t, D(2025, 7, 10))
    return t


def _get(client, user, name, kode=KURNIA_JAYA, **extra):
    client.force_login(user)
    return client.get(reverse(f"families:{name}", args=[kode]), {"kuartal": Q}, **extra)


def test_the_desa_scorecard_shows_derived_cells_with_their_source(client, users, data):
    response = _get(client, users["desa"], "scorecard_desa")
    html = response.content.decode()
    assert response.status_code == 200
    assert data.nama in html
    assert 'data-indicator="an_timbang" data-source="derived"' in html
    assert "07/2025, 08/2025, 09/2025" in html
    assert 'data-indicator="an_pengasuhan" data-source="empty"' in html
    assert 'name="nilai"' in html  # the entered cells are editable by the KPM


def test_the_desa_page_links_back_to_its_kecamatan_only_for_those_who_may_open_it(
    client, users, data
):
    back = reverse("families:scorecard_area", args=[MANGGAR])
    html = _get(client, users["desa"], "scorecard_desa").content.decode()
    assert back not in html and client.get(back).status_code == 404
    html = _get(client, users["kecamatan"], "scorecard_desa").content.decode()
    assert back in html and client.get(back).status_code == 200


@pytest.mark.parametrize("role", ["mitra", "viewer"])
def test_mitra_and_viewer_see_aggregates_without_names(client, users, data, role):
    response = _get(client, users[role], "scorecard_desa")
    html = response.content.decode()
    assert response.status_code == 200
    assert data.nama not in html
    assert 'data-testid="level"' in html and 'data-testid="coverage-row"' in html
    assert 'name="nilai"' not in html


def test_the_area_page_lists_each_desa_with_its_level(client, users, data):
    response = _get(client, users["viewer"], "scorecard_area", kode=MANGGAR)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="desa-level-row"') == 9  # Manggar's desa
    assert "Kurnia Jaya" in html


def _post(client, user, target, nilai="Y", indikator="an_pengasuhan", kode=KURNIA_JAYA):
    client.force_login(user)
    return client.post(
        reverse("families:scorecard_cell", args=[kode]),
        {"target": target.pk, "indikator": indikator, "nilai": nilai, "kuartal": Q},
        HTTP_HX_REQUEST="true",
    )


def test_the_kpm_enters_a_cell_with_htmx_and_it_is_audited(client, users, data):
    response = _post(client, users["desa"], data)
    assert response.status_code == 200
    assert 'data-source="entered"' in response.content.decode()
    entry = ScorecardEntry.objects.get(target=data, indikator="an_pengasuhan")
    assert (entry.nilai, entry.tahun, entry.kuartal, entry.entered_by) == (
        "Y",
        2025,
        3,
        users["desa"],
    )
    audit = AuditEntry.objects.filter(
        object_type="families.scorecardentry", action=AuditAction.CREATE
    )
    assert audit.get().wilayah_kode == KURNIA_JAYA
    # Cleared: the entry goes, audited.
    _post(client, users["desa"], data, nilai="")
    assert not ScorecardEntry.objects.filter(target=data).exists()
    assert AuditEntry.objects.filter(
        object_type="families.scorecardentry", action=AuditAction.DELETE
    ).exists()


def test_a_derived_cell_cannot_be_entered(client, users, data):
    response = _post(client, users["desa"], data, nilai="T", indikator="an_timbang")
    assert response.status_code == 400
    assert 'data-testid="cell-error"' in response.content.decode()
    assert not ScorecardEntry.objects.exists()


def test_ts_may_be_entered_only_where_the_data_cannot_tell_if_it_applies(client, users, data):
    assert _post(client, users["desa"], data, nilai="TS").status_code == 400
    other = baduta(D(2024, 10, 6))  # no measurement: is it undernourished? unknown
    assert (
        _post(client, users["desa"], other, nilai="TS", indikator="an_kunjungan_gizi").status_code
        == 200
    )


def test_read_only_roles_and_other_areas_cannot_enter(client, users, data, make_user):
    assert _post(client, users["mitra"], data).status_code == 403
    assert _post(client, users["viewer"], data).status_code == 403
    elsewhere = make_user("operator_desa", factories.BATU_PENYU, username="op-batu")
    assert _post(client, elsewhere, data).status_code == 404
    assert not ScorecardEntry.objects.exists()


def test_the_xlsx_holds_the_tables_and_each_cells_source(client, users, data):
    response = _get(client, users["desa"], "scorecard_xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    titles = book.sheetnames
    assert len(titles) == 8  # tables 1, 2, three of 3, sources, 4, notes
    sources = [r for r in book[titles[5]].iter_rows(values_only=True) if r[0] == data.nama]
    weighed = next(r for r in sources if r[1].startswith("2. "))
    assert weighed[2] == "Y" and "07/2025" in weighed[4]
    mat = list(book[titles[1]].iter_rows(values_only=True))
    assert mat[1][3] == 1  # July: one child red (z -2.4)
    level = list(book[titles[6]].iter_rows(values_only=True))
    # Weighed: Y; length (February missed), counselling (one month of three): T; the other
    # seven apply and are not filled: 1 Y of 10 cells.
    assert level[-1][3:] == (1, 10)


def test_the_xlsx_of_a_viewer_has_no_names(client, users, data):
    response = _get(client, users["viewer"], "scorecard_xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4
    text = " ".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row)
    assert data.nama not in text


def test_the_pdf_is_a_pdf_of_the_tables(client, users, data):
    response = _get(client, users["desa"], "scorecard_pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    request = RequestFactory().get("/", {"kuartal": Q})
    request.user = users["desa"]
    html = render_to_string("families/tpk/scorecard/pdf.html", views._context(request, KURNIA_JAYA))
    assert data.nama in html and "Tabel 4" in html and 'class="c Y"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"target": "abc", "indikator": "an_pengasuhan", "nilai": "Y"},
        {"target": "999999", "indikator": "an_pengasuhan", "nilai": "Y"},
        {"indikator": "\x00", "nilai": "x" * 300, "kuartal": "2026-99"},
        {"indikator": "an_pengasuhan", "nilai": "Y", "kuartal": "9999-4"},
    ],
)
def test_junk_never_answers_500(client, users, data):
    t = baduta(D(2024, 10, 5))
    client.force_login(users["desa"])
    body = {"target": t.pk, **data}
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        url = reverse("families:scorecard_cell", args=[KURNIA_JAYA])
        assert client.post(url, body, **htmx).status_code in (200, 302, 400, 404)
    for kuartal in ("2026-13", "x" * 300, "1999-1"):
        url = reverse("families:scorecard_desa", args=[KURNIA_JAYA])
        assert client.get(url, {"kuartal": kuartal}).status_code == 200
    # A NUL character is refused before any page (core.middleware.NulCharacterMiddleware).
    assert client.get(url, {"kuartal": "\x00"}).status_code == 400
    assert client.get(reverse("families:scorecard_desa", args=["19.06"])).status_code == 404
    assert client.get(reverse("families:scorecard_area", args=["..%2F"])).status_code == 404


def test_the_area_xlsx_lists_each_desa_with_its_level_per_quarter(client, users, data):
    response = _get(client, users["viewer"], "scorecard_area_xlsx", kode=MANGGAR)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = rows[1]
    assert header[:3] == ("Kode", "Desa", "Kecamatan") and header[-2] == "K3 2025"
    kurnia = next(r for r in rows if r[0] == KURNIA_JAYA)
    assert kurnia[-2] == 10 and kurnia[2] == "Manggar"  # 1 Y of 10 cells (see above)
    assert len([r for r in rows[2:] if r[0]]) == 9


def test_the_last_column_reads_as_the_difference_between_quarters_not_a_button(client, users, data):
    """Its heading said "Ganti" (the language button's "Change", i.e. switch) in Indonesian."""
    html = _get(client, users["viewer"], "scorecard_area", kode=MANGGAR).content.decode()
    assert '<th class="text-end">Perubahan</th>' in html and "Ganti</th>" not in html
    response = _get(client, users["viewer"], "scorecard_area_xlsx", kode=MANGGAR)
    header = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].values)[1]
    assert header[-1] == "Perubahan"
