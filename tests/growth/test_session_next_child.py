"""A saved weighing answers with the session's lists refreshed (htmx out-of-band swaps): the
children still to weigh and those weighed that day. The kader taps the next child at once; the
page needs neither a reload nor a second request for its list. Without JavaScript the saved
weighing shows the whole session page, as before."""

import datetime
import re

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.growth.models import Measurement
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "entry"}
SEARCH_URL = re.compile(r'hx-get="/pertumbuhan/sesi/\d+/[\d-]+/ukur/(\d+)/"')


@pytest.fixture
def children(posyandu, today):
    return [
        factories.child(
            posyandu=posyandu,
            nama=name,
            tanggal_lahir=today - datetime.timedelta(days=500 + i),
        )
        for i, name in enumerate(["Ani Lestari", "Budi Santoso", "Citra Dewi"])
    ]


def _url(name, posyandu, *args, today):
    return reverse(f"growth:{name}", args=[posyandu.pk, today.isoformat(), *args])


def _save(client, posyandu, kid, *, today, **headers):
    return client.post(
        _url("session_measure", posyandu, kid.pk, today=today),
        {"berat": "10,2", "tinggi": "80", "cara_ukur": "TB"},
        **headers,
    )


def _oob(body: str, element_id: str) -> str:
    """The out-of-band element ``element_id`` of an htmx answer (its opening tag to the end
    of the answer, enough to look inside)."""
    found = re.search(rf'<div id="{element_id}"[^>]*hx-swap-oob="true"', body)
    assert found, f"no out-of-band #{element_id} in the answer"
    return body[found.start() :]


def _weighed_part(body: str) -> str:
    """What the answer brings the weighed list: its count and rows (after the finder)."""
    return body[body.index('id="done-count"') - 4 :]


def _count(body: str) -> str:
    return re.search(r'id="done-count" hx-swap-oob="true">([^<]*)</h2>', body).group(1).strip()


@pytest.mark.django_db
def test_a_saved_weighing_lists_the_children_still_to_weigh_and_those_weighed(
    client, users, posyandu, children, today
):
    client.force_login(users["desa"])
    ani, budi, citra = children
    response = _save(client, posyandu, budi, **HTMX, today=today)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="result"' in body
    finder = _oob(body, "finder")
    listed = {int(pk) for pk in SEARCH_URL.findall(finder[: finder.index("done-count")])}
    assert listed == {ani.pk, citra.pk}  # Budi was just weighed: not offered again
    # The list comes filled: the search box must not fetch it again when htmx swaps it in.
    search_box = re.search(r'<input id="child-search"[^>]*>', finder).group(0)
    assert "load" not in re.search(r'hx-trigger="([^"]*)"', search_box).group(1)
    # The weighed list: its count, Budi's row added on top, the "none yet" line removed.
    budi_m = Measurement.objects.get(child=budi, tanggal=today)
    weighed = _weighed_part(body)
    assert _count(body) == "1 anak diukur hari ini"
    assert re.search(
        rf'<ul hx-swap-oob="afterbegin:#done-list">\s*<li [^>]*id="done-{budi_m.pk}"', weighed
    )
    assert '<li id="done-empty" hx-swap-oob="delete">' in weighed

    # The next child from that list: the list shrinks again; the weighed list gets Ani's
    # row alone (not Budi's again: it does not grow with the day's weighings).
    body = _save(client, posyandu, ani, **HTMX, today=today).content.decode()
    finder = _oob(body, "finder")
    assert {int(pk) for pk in SEARCH_URL.findall(finder[: finder.index("done-count")])} == {
        citra.pk
    }
    weighed = _weighed_part(body)
    assert _count(body) == "2 anak diukur hari ini"
    assert "Ani Lestari" in weighed and "Budi Santoso" not in weighed
    assert "done-empty" not in weighed

    # A correction of Budi's weighing replaces his row; the count stays.
    body = _save(client, posyandu, budi, **HTMX, today=today).content.decode()
    weighed = _weighed_part(body)
    assert _count(body) == "2 anak diukur hari ini"
    assert re.search(rf'<li [^>]*id="done-{budi_m.pk}" hx-swap-oob="true"', weighed)
    assert "afterbegin" not in weighed
    # The page, loaded again, shows what the swaps built.
    page = client.get(_url("session", posyandu, today=today)).content.decode()
    assert "2 anak diukur hari ini" in page
    assert f'id="done-{budi_m.pk}"' in page and "done-empty" not in page


@pytest.mark.django_db
def test_a_weighing_moved_here_from_another_posyandu_that_day_adds_its_row(
    client, users, posyandu, children, today
):
    """The same child weighed that day at another posyandu of the desa is corrected at this
    session: the row moves here, so this session's weighed list gains it (not a replacement
    of a row it never had)."""
    other = factories.posyandu(KURNIA_JAYA, "Posyandu Kenanga")
    client.force_login(users["desa"])
    ani = children[0]
    _save(client, other, ani, **HTMX, today=today)
    moved = Measurement.objects.get(child=ani, tanggal=today)
    body = _save(client, posyandu, ani, **HTMX, today=today).content.decode()
    assert Measurement.objects.get(child=ani, tanggal=today).posyandu_id == posyandu.pk
    weighed = _weighed_part(body)
    assert _count(body) == "1 anak diukur hari ini"
    assert re.search(
        rf'<ul hx-swap-oob="afterbegin:#done-list">\s*<li [^>]*id="done-{moved.pk}"', weighed
    )
    # Weighed again here, it is a correction of this session's row: replaced in place.
    weighed = _weighed_part(_save(client, posyandu, ani, **HTMX, today=today).content.decode())
    assert re.search(rf'<li [^>]*id="done-{moved.pk}" hx-swap-oob="true"', weighed)
    assert "afterbegin" not in weighed


@pytest.mark.django_db
def test_the_session_page_still_fetches_its_list_when_it_loads(
    client, users, posyandu, children, today
):
    client.force_login(users["desa"])
    body = client.get(_url("session", posyandu, today=today)).content.decode()
    search_box = re.search(r'<input id="child-search"[^>]*>', body).group(0)
    assert "load" in re.search(r'hx-trigger="([^"]*)"', search_box).group(1)
    assert "hx-swap-oob" not in body


@pytest.mark.django_db
def test_a_weighing_the_rules_question_answers_without_the_lists(
    client, users, posyandu, children, today
):
    client.force_login(users["desa"])
    response = client.post(
        _url("session_measure", posyandu, children[0].pk, today=today),
        {"berat": "900", "tinggi": "80", "cara_ukur": "TB"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "hx-swap-oob" not in response.content.decode()


@pytest.mark.django_db
def test_without_javascript_a_saved_weighing_shows_the_whole_session_page(
    client, users, posyandu, children, today
):
    client.force_login(users["desa"])
    body = _save(client, posyandu, children[1], today=today).content.decode()
    assert "<html" in body and 'data-testid="result"' in body
    assert "hx-swap-oob" not in body


@pytest.mark.django_db
def test_the_refreshed_lists_are_recorded_in_the_audit_trail(
    client, users, posyandu, children, today
):
    client.force_login(users["desa"])
    ani, budi, citra = children
    _save(client, posyandu, budi, **HTMX, today=today)
    views = AuditEntry.objects.filter(action="view", actor=users["desa"])
    offered = views.get(object_type="growth.child")
    assert offered.changes["page"] == "session_search"
    assert sorted(offered.changes["ids"]) == sorted([ani.pk, citra.pk])
    # The weighed list's new row is the measurement just saved (its creation is in the
    # trail): no list of the day's weighings was shown.
    assert not views.filter(object_type="growth.measurement").exists()


@pytest.mark.django_db
def test_the_refreshed_list_holds_only_the_posyandus_own_children(
    client, users, posyandu, children, today
):
    elsewhere = factories.posyandu(BATU_PENYU, "Posyandu Anggrek")
    stranger = factories.child(
        posyandu=elsewhere, nama="Dewi Lain", tanggal_lahir=today - datetime.timedelta(days=600)
    )
    client.force_login(users["desa"])
    body = _save(client, posyandu, children[0], **HTMX, today=today).content.decode()
    finder = _oob(body, "finder")
    assert stranger.nama not in finder
    listed = {int(pk) for pk in SEARCH_URL.findall(finder[: finder.index("done-count")])}
    assert listed == {children[1].pk, children[2].pk}


@pytest.mark.django_db
def test_the_session_page_lists_the_weighed_children_however_it_is_asked(
    client, users, posyandu, children, today
):
    # Its htmx parts (a form, a result) leave the weighed list out; the page, even asked
    # by htmx (a boosted link), lists it.
    client.force_login(users["desa"])
    _save(client, posyandu, children[1], **HTMX, today=today)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        body = client.get(_url("session", posyandu, today=today), **headers).content.decode()
        done = re.search(r'id="done-list".*?</ul>', body, re.S).group(0)
        assert "Budi Santoso" in done and "Ani Lestari" not in done
