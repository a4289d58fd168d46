"""A saved weighing answers with the session's lists refreshed (htmx out-of-band swaps): the
children still to weigh and those weighed that day. The kader taps the next child at once; the
page needs neither a reload nor a second request for its list. Without JavaScript the saved
weighing shows the whole session page, as before."""

import datetime
import re

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from tests import factories
from tests.conftest import BATU_PENYU, KURNIA_JAYA

TODAY = datetime.date.today()
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "entry"}
SEARCH_URL = re.compile(r'hx-get="/pertumbuhan/sesi/\d+/[\d-]+/ukur/(\d+)/"')


@pytest.fixture
def posyandu(beltim):
    return factories.posyandu(KURNIA_JAYA, "Posyandu Melati")


@pytest.fixture
def children(posyandu):
    return [
        factories.child(
            posyandu=posyandu,
            nama=name,
            tanggal_lahir=TODAY - datetime.timedelta(days=500 + i),
        )
        for i, name in enumerate(["Ani Lestari", "Budi Santoso", "Citra Dewi"])
    ]


def _url(name, posyandu, *args):
    return reverse(f"growth:{name}", args=[posyandu.pk, TODAY.isoformat(), *args])


def _save(client, posyandu, kid, **headers):
    return client.post(
        _url("session_measure", posyandu, kid.pk),
        {"berat": "10,2", "tinggi": "80", "cara_ukur": "TB"},
        **headers,
    )


def _oob(body: str, element_id: str) -> str:
    """The out-of-band element ``element_id`` of an htmx answer (its opening tag to the end
    of the answer, enough to look inside)."""
    found = re.search(rf'<div id="{element_id}"[^>]*hx-swap-oob="true"', body)
    assert found, f"no out-of-band #{element_id} in the answer"
    return body[found.start() :]


@pytest.mark.django_db
def test_a_saved_weighing_lists_the_children_still_to_weigh_and_those_weighed(
    client, users, posyandu, children
):
    client.force_login(users["desa"])
    ani, budi, citra = children
    response = _save(client, posyandu, budi, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="result"' in body
    finder = _oob(body, "finder")
    listed = {int(pk) for pk in SEARCH_URL.findall(finder)}
    assert listed == {ani.pk, citra.pk}  # Budi was just weighed: not offered again
    # The list comes filled: the search box must not fetch it again when htmx swaps it in.
    search_box = re.search(r'<input id="child-search"[^>]*>', finder).group(0)
    assert "load" not in re.search(r'hx-trigger="([^"]*)"', search_box).group(1)
    done = _oob(body, "done")
    assert "Budi Santoso" in done and "1 anak diukur hari ini" in done

    # The next child from that list: the list shrinks again, the weighed list grows.
    body = _save(client, posyandu, ani, **HTMX).content.decode()
    assert {int(pk) for pk in SEARCH_URL.findall(_oob(body, "finder"))} == {citra.pk}
    assert "2 anak diukur hari ini" in _oob(body, "done")


@pytest.mark.django_db
def test_the_session_page_still_fetches_its_list_when_it_loads(client, users, posyandu, children):
    client.force_login(users["desa"])
    body = client.get(_url("session", posyandu)).content.decode()
    search_box = re.search(r'<input id="child-search"[^>]*>', body).group(0)
    assert "load" in re.search(r'hx-trigger="([^"]*)"', search_box).group(1)
    assert "hx-swap-oob" not in body


@pytest.mark.django_db
def test_a_weighing_the_rules_question_answers_without_the_lists(client, users, posyandu, children):
    client.force_login(users["desa"])
    response = client.post(
        _url("session_measure", posyandu, children[0].pk),
        {"berat": "900", "tinggi": "80", "cara_ukur": "TB"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "hx-swap-oob" not in response.content.decode()


@pytest.mark.django_db
def test_without_javascript_a_saved_weighing_shows_the_whole_session_page(
    client, users, posyandu, children
):
    client.force_login(users["desa"])
    body = _save(client, posyandu, children[1]).content.decode()
    assert "<html" in body and 'data-testid="result"' in body
    assert "hx-swap-oob" not in body


@pytest.mark.django_db
def test_the_refreshed_lists_are_recorded_in_the_audit_trail(client, users, posyandu, children):
    client.force_login(users["desa"])
    ani, budi, citra = children
    _save(client, posyandu, budi, **HTMX)
    views = AuditEntry.objects.filter(action="view", actor=users["desa"])
    offered = views.get(object_type="growth.child")
    assert offered.changes["page"] == "session_search"
    assert sorted(offered.changes["ids"]) == sorted([ani.pk, citra.pk])
    weighed = views.get(object_type="growth.measurement")
    assert len(weighed.changes["ids"]) == 1


@pytest.mark.django_db
def test_the_refreshed_list_holds_only_the_posyandus_own_children(
    client, users, posyandu, children
):
    elsewhere = factories.posyandu(BATU_PENYU, "Posyandu Anggrek")
    stranger = factories.child(
        posyandu=elsewhere, nama="Dewi Lain", tanggal_lahir=TODAY - datetime.timedelta(days=600)
    )
    client.force_login(users["desa"])
    body = _save(client, posyandu, children[0], **HTMX).content.decode()
    finder = _oob(body, "finder")
    assert stranger.nama not in finder
    assert {int(pk) for pk in SEARCH_URL.findall(finder)} == {children[1].pk, children[2].pk}
