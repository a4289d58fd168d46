"""One figure, every surface: a hand-counted scenario of August 2025 read back from the
dashboard (page and xlsx), the priority ranking (page data and xlsx), the published tables
(page data and xlsx) and the Kampung KB rapor; each must show the count made by hand.

Kurnia Jaya (a Kampung KB): 12 children measured once, 4 stunted, and
  A measured twice in August, stunted then not: one child, no case;
  B weighed only (no length): in no stunting figure;
  C measured only (no weight), stunted: a case;
  D stunted on the 5th at 1,821 days, not stunted on the 15th past five (1,831 days): the
    measurement before the fifth birthday counts, a case;
  E stunted on the 1st, a length waiting to be checked on the 25th: the 1st counts, a case;
  F measured stunted in Lalang Jaya in July, moved to Kurnia Jaya, not stunted in August:
    one child of Kurnia Jaya (its desa), no case.
  → 17 measured, 7 stunted.
Lalang Jaya: 5 measured, 1 stunted (a small cell). Batu Penyu (Gantung): 10 measured, 3.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from kampungkb.analytics.models import Group
from kampungkb.analytics.priority import priority_ranking
from kampungkb.analytics.publication import public_tables
from kampungkb.analytics.selectors import selection_parse
from kampungkb.analytics.services import publication_publish, summaries_rebuild
from kampungkb.convergence.review.rapor import kampung_kb_rapor
from kampungkb.growth.models import Child
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA, LALANG_JAYA, MANGGAR

AUG = datetime.date(2025, 8, 1)
Q = "?periode=penimbangan&mulai=2025-08-01&indikator=stunting"
EXPECTED = {KURNIA_JAYA: (17, 7), LALANG_JAYA: (5, 1), BATU_PENYU: (10, 3)}


@pytest.fixture
def scenario(data, make_kampung):
    kampung = make_kampung(KURNIA_JAYA, tanggal_pencanangan=datetime.date(2019, 5, 1))
    data.many(KURNIA_JAYA, "2025-08-10", n=12, cases=4)
    a = data.child(KURNIA_JAYA)
    data.measure(a, "2025-08-05", stunted=True)
    data.measure(a, "2025-08-20", stunted=False)
    b = data.child(KURNIA_JAYA)
    data.measure(b, "2025-08-10", stunted=None, severely_stunted=None, tinggi=None)
    c = data.child(KURNIA_JAYA)
    factories.measurement_row(
        c, "2025-08-11", berat=None, tinggi="80.3", stunted=True, severely_stunted=False,
        flen=False, fwei=None, fwfl=None,
    )  # fmt: skip
    d = data.child(KURNIA_JAYA, born=datetime.date(2020, 8, 10))
    data.measure(d, "2025-08-05", stunted=True, tinggi="98.0")
    data.measure(d, "2025-08-15", stunted=False, tinggi="108.0")
    e = data.child(KURNIA_JAYA)
    data.measure(e, "2025-08-01", stunted=True)
    data.measure(
        e, "2025-08-25", needs_check=True, stunted=None, severely_stunted=None, tinggi="75.0"
    )
    f = data.child(LALANG_JAYA)
    data.measure(f, "2025-07-10", stunted=True)
    Child.objects.filter(pk=f.pk).update(desa_id=KURNIA_JAYA)  # moved
    data.measure(f, "2025-08-12", stunted=False)
    data.many(LALANG_JAYA, "2025-08-10", n=5, cases=1)
    data.many(BATU_PENYU, "2025-08-10", n=10, cases=3)
    summaries_rebuild()
    return kampung


def _sheet_rows(content, title):
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    return [list(r) for r in book[title].iter_rows(values_only=True)]


def test_the_dashboard_page_and_its_xlsx_show_the_hand_count(client, users, scenario):
    client.force_login(users["admin"])
    page = client.get(reverse("analytics:area", args=[KURNIA_JAYA]) + Q).content.decode()
    cases = re.search(r'data-testid="headline-cases">\s*(\d+) / (\d+)<', page)
    assert (int(cases[2]), int(cases[1])) == EXPECTED[KURNIA_JAYA]
    xlsx = client.get(reverse("analytics:area_xlsx", args=[MANGGAR]) + Q)
    rows = {r[0]: r for r in _sheet_rows(xlsx.content, "Sub-wilayah")}
    for kode in (KURNIA_JAYA, LALANG_JAYA):
        assert tuple(rows[kode][3:5]) == EXPECTED[kode]
    head = _sheet_rows(
        client.get(reverse("analytics:area_xlsx", args=["19.06"]) + Q).content, "Angka utama"
    )
    stunting = next(r for r in head if r[0] == "Stunting")
    assert tuple(stunting[1:3]) == (32, 11)


def test_the_priority_ranking_and_its_xlsx_show_the_hand_count(client, users, scenario):
    admin = users["admin"]
    area = Wilayah.objects.get(kode="19.06")
    sel = selection_parse({"periode": "penimbangan", "mulai": "2025-08-01"}, area=area)
    rows, _weights = priority_ranking(user=admin, area=area, sel=sel)
    got = {r.wilayah.kode: (r.n, r.cases) for r in rows if r.wilayah.kode in EXPECTED}
    assert got == EXPECTED
    client.force_login(admin)
    xlsx = client.get(reverse("analytics:priority_xlsx", args=["19.06"]) + Q)
    ranked = {r[1]: r for r in _sheet_rows(xlsx.content, "Desa prioritas")}
    assert {k: (ranked[k][9], ranked[k][8]) for k in EXPECTED} == EXPECTED


def test_the_published_tables_and_their_xlsx_show_the_hand_count(client, users, scenario):
    publication = publication_publish(
        user=users["admin"], period_type="penimbangan", period_start=AUG
    )
    raw = {
        (f.wilayah_kode, f.group): (f.n, f.cases)
        for f in publication.figures.filter(indicator="stunting")
    }
    assert {k: raw[(k, Group.ALL)] for k in EXPECTED} == EXPECTED
    assert raw[("19.06", Group.ALL)] == (32, 11)
    assert raw[("19.06", Group.KAMPUNG_KB)] == (17, 7)
    assert raw[("19.06", Group.OTHER)] == (15, 4)
    tables = public_tables(publication)
    shown = {r.kode: r.stunting for r in tables["desa"]}
    assert shown[LALANG_JAYA].suppressed  # 5 measured
    xlsx = client.get(reverse("analytics_public:xlsx", args=[publication.pk]))
    # The Kampung KB desa and the other desa, published on the page and in the PDF, are in
    # the xlsx too, with what the page shows of them.
    regency = {r[1]: r for r in _sheet_rows(xlsx.content, "Kabupaten")}
    assert len(tables["kampung_kb"]) == 2
    for row in tables["kampung_kb"]:
        cell = row.stunting
        name = str(Group(row.group).label)
        want = ("–" if cell.n is None else cell.n, "–" if cell.cases is None else cell.cases)
        assert tuple(regency[name][2:4]) == want
    villages = {r[0]: r for r in _sheet_rows(xlsx.content, "Desa-kelurahan")}
    for kode, cell in shown.items():
        want = ("–" if cell.n is None else cell.n, "–" if cell.cases is None else cell.cases)
        assert tuple(villages[kode][2:4]) == want
        if cell.n is not None and cell.cases is not None:
            assert (cell.n, cell.cases) == EXPECTED.get(kode, (cell.n, cell.cases))


def test_the_rapor_of_the_kampung_kb_shows_the_hand_count_of_the_year(users, scenario):
    rapor = kampung_kb_rapor(user=users["admin"], kampung=scenario, tahun=2025)
    year = next(o for o in rapor["outcomes"] if o["tahun"] == 2025)
    assert year["n"] == 17
    assert year["prevalence"] == pytest.approx(100 * 7 / 17)
