"""What the posyandu-session pages (a kader's weighing, ~3 requests) cost the database and the
web process: a fixed number of queries however many children and weighings the posyandu has,
and no desa boundary (GeoJSON, kilobytes per desa) read where nothing draws a map.

Real pages through the test client on the real database; the ceilings are today's counts (a
new N+1 or an extra lookup per request fails them). The CPU per request is measured by
``bench/requests_cpu.py``, not here.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kampungkb.growth.models import Measurement
from kampungkb.wilayah.models import Wilayah
from tests import factories
from tests.conftest import KURNIA_JAYA

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "entry"}


def _posyandu_with(children: int, weighings: int, *, today):
    """A posyandu of Kurnia Jaya whose children were weighed monthly ``weighings`` times."""
    pos = factories.posyandu(KURNIA_JAYA, f"Posyandu {children}")
    kids = []
    for i in range(children):
        kid = factories.child(
            posyandu=pos, tanggal_lahir=today - datetime.timedelta(days=400 + 9 * i)
        )
        for month in range(weighings, 0, -1):
            factories.measurement(
                kid, today - datetime.timedelta(days=30 * month), berat=Decimal(8 + i % 3)
            )
        kids.append(kid)
    return pos, kids


def _url(name, pos, *args, today):
    return reverse(f"growth:{name}", args=[pos.pk, today.isoformat(), *args])


def _entry_queries(client, pos, kid, *, today) -> dict[str, list[str]]:
    """The SQL of each request of a kader's weighing of ``kid``."""
    pages = {
        "session page": lambda: client.get(_url("session", pos, today=today)),
        "children list": lambda: client.get(_url("session_search", pos, today=today), **HTMX),
        "measure form": lambda: client.get(
            _url("session_measure", pos, kid.pk, today=today), **HTMX
        ),
        "measure submit": lambda: client.post(
            _url("session_measure", pos, kid.pk, today=today),
            {"berat": "9,1", "tinggi": "", "cara_ukur": ""},
            **HTMX,
        ),
        "register form": lambda: client.get(_url("session_register", pos, today=today), **HTMX),
    }
    sql = {}
    for name, request in pages.items():
        with CaptureQueriesContext(connection) as captured:
            response = request()
        assert response.status_code == 200, (name, response.status_code)
        sql[name] = [q["sql"] for q in captured]
    return sql


#: Queries per request today (session, auth user, scoping, the page's reads, the audit of
#: what was shown, and for the save its checks, write, recompute and audit). The save also
#: answers with the session's two lists (children still to weigh, children weighed; read and
#: audited: 4 queries), which spares the next child the children-list request (5 queries) and,
#: in a browser, the session page (5). The save reads the child's measurements once (for the
#: correction check, the plausibility rules and the recompute: 3 reads before), inserts the
#: new row computed (an INSERT and an UPDATE before) and checks its constraints in Python
#: (a savepoint and a query before): 21 queries before that. Whether the save replaced a row
#: of the weighed list comes from the service, which read the child's measurements anyway
#: (an EXISTS query of its own before: 15).
CEILINGS = {
    "session page": 5,
    "children list": 5,
    "measure form": 5,
    "measure submit": 14,
    "register form": 3,
}
#: A weighing after the first (its form, its save; the list came with the previous save).
#: Before the save carried the lists: children list 5 + form 5 + save 18 = 28; then 26, 20.
WEIGHING = 19


@pytest.mark.django_db
def test_a_weighing_costs_the_same_queries_for_a_small_and_a_big_posyandu(client, users, today):
    Wilayah.objects.filter(kode=KURNIA_JAYA).update(
        boundary={"type": "Polygon", "coordinates": [[[108.2, -2.9], [108.3, -2.9], [108.2, -2.8]]]}
    )
    client.force_login(users["desa"])
    small_pos, small = _posyandu_with(children=2, weighings=1, today=today)
    big_pos, big = _posyandu_with(children=26, weighings=6, today=today)
    small_sql = _entry_queries(client, small_pos, small[0], today=today)
    big_sql = _entry_queries(client, big_pos, big[-1], today=today)
    assert Measurement.objects.filter(tanggal=today).count() == 2
    counts = {name: (len(small_sql[name]), len(big_sql[name])) for name in CEILINGS}
    for name, ceiling in CEILINGS.items():
        assert counts[name][1] == counts[name][0], counts  # no query per child or per weighing
        assert counts[name][1] <= ceiling, counts
    weighing = counts["measure form"][1] + counts["measure submit"][1]
    assert weighing <= WEIGHING, counts
    # "Weighed today?" is a yes/no per child listed, not a count over every weighing of
    # every child of the posyandu grouped by the whole row.
    assert not [q for q in big_sql["children list"] if "GROUP BY" in q]
    for name, queries in big_sql.items():
        # The desa (and kecamatan) come with the posyandu and the children; their boundary is
        # GeoJSON that only the maps draw: decoding it per child cost half the list's CPU.
        reading_boundary = [q for q in queries if '"boundary"' in q and "SELECT" in q]
        assert not reading_boundary, (name, reading_boundary)


@pytest.mark.django_db
def test_a_search_marks_the_children_weighed_today_and_only_them(client, users, today):
    client.force_login(users["desa"])
    pos, kids = _posyandu_with(children=3, weighings=1, today=today)
    weighed = kids[1]
    factories.measurement(weighed, today, berat=Decimal("9.2"))
    url = _url("session_search", pos, today=today)
    body = client.get(url, {"q": weighed.nama}, **HTMX).content.decode()
    assert weighed.nama in body and "selesai" in body
    others = client.get(url, {"q": kids[0].nama}, **HTMX).content.decode()
    assert kids[0].nama in others and "selesai" not in others
    # Without a search: the children not weighed yet today, none marked.
    listed = client.get(url, **HTMX).content.decode()
    assert weighed.nama not in listed and kids[2].nama in listed and "selesai" not in listed


@pytest.mark.django_db
def test_a_kaders_htmx_steps_read_only_what_they_show(client, users, today):
    """The list of children to weigh (sent again with every saved weighing) reads what it
    shows of each child, not their NIKs or other columns, and no table for "weighed today?"
    (none of them is: the list is of those not yet weighed); the form and the save read the
    child and the posyandu alone, not their desa, kecamatan or posyandu."""
    client.force_login(users["desa"])
    pos, kids = _posyandu_with(children=3, weighings=1, today=today)
    sql = _entry_queries(client, pos, kids[0], today=today)
    listing = [q for q in sql["children list"] if 'FROM "growth_child"' in q]
    assert len(listing) == 1, sql["children list"]
    columns = listing[0].split(" FROM ")[0]
    assert '"nik"' not in columns and '"nik_ibu"' not in columns and '"alamat"' not in columns
    assert '"growth_posyandu"' not in listing[0]
    assert "EXISTS" not in listing[0].split(" WHERE ")[0]
    for name in ("measure form", "measure submit"):
        child_reads = [
            q for q in sql[name] if q.startswith('SELECT "growth_child"."id", "growth_child"."nik"')
        ]
        assert child_reads and all("JOIN" not in q for q in child_reads), (name, child_reads)
        posyandu_reads = [q for q in sql[name] if 'FROM "growth_posyandu"' in q]
        assert posyandu_reads and all("JOIN" not in q for q in posyandu_reads), (
            name,
            posyandu_reads,
        )
    # The list the save sends along shows the same children as the list's own request.
    body = client.post(
        _url("session_measure", pos, kids[1].pk, today=today),
        {"berat": "9,3", "cara_ukur": ""},
        **HTMX,
    ).content.decode()
    assert (
        kids[2].nama in body
        and reverse("growth:session_measure", args=[pos.pk, today.isoformat(), kids[2].pk]) in body
    )
