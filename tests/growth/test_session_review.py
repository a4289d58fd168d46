"""A posyandu session's pages with odd input and without JavaScript: no server error, no
impossible value stored, and every list of children shown is in the audit trail."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.growth.models import Measurement
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def child(posyandu, today):
    return factories.child(
        posyandu=posyandu,
        nama="Putri Contoh",
        jenis_kelamin="P",
        tanggal_lahir=today - datetime.timedelta(days=400),
        nama_ibu="Ibu Contoh",
    )


def _url(name, posyandu, day, *args):
    return reverse(f"growth:{name}", args=[posyandu.pk, day, *args])


@pytest.mark.parametrize("day", ["0001-01-01", "0005-01-31"])
def test_a_session_dated_in_the_calendars_first_years_lists_and_searches(
    client, users, posyandu, child, day
):
    # The start form takes any date not in the future; the children listed are those under
    # five on that day, whose earliest birth date lay before the calendar's first day (500).
    client.force_login(users["desa"])
    assert client.get(_url("session", posyandu, day), {"q": "putri"}).status_code == 200
    assert client.get(_url("session_search", posyandu, day), **HTMX).status_code == 200
    found = client.get(_url("session_search", posyandu, day), {"q": "putri"}, **HTMX)
    assert found.status_code == 200 and "Putri Contoh" not in found.content.decode()


@pytest.mark.parametrize("pmt", ["-5", "-0,01"])
def test_a_negative_pmt_is_refused_as_an_import_refuses_it(
    client, users, posyandu, child, pmt, today
):
    client.force_login(users["desa"])
    url = _url("session_measure", posyandu, today.isoformat(), child.pk)
    response = client.post(url, {"berat": "8,5", "pmt_kg": pmt, "confirm": "1"}, **HTMX)
    assert response.status_code == 400
    assert "Harus di antara 0 dan 9999" in response.content.decode()
    assert not Measurement.objects.exists()
    client.post(url, {"berat": "8,5", "pmt_kg": "0,5"}, **HTMX)
    m = Measurement.objects.get()
    edit = client.post(
        reverse("growth:measurement_edit", args=[m.pk]), {"berat": "8,5", "pmt_kg": pmt}
    )
    assert edit.status_code == 400
    m.refresh_from_db()
    assert m.pmt_kg == Decimal("0.5")


def _session_reads(user):
    return [
        e.changes["ids"]
        for e in AuditEntry.objects.filter(
            action="view", actor=user, object_type="growth.measurement"
        )
        if e.changes.get("page") == "session"
    ]


@pytest.mark.parametrize("step", ["measure_form", "measure_save", "register_form", "register_bad"])
def test_each_session_page_without_javascript_records_the_weighed_children_it_lists(
    client, users, posyandu, child, step, today
):
    weighed = factories.child(posyandu=posyandu, nama="Bayu Ditimbang", nama_ibu="Ibu Bayu")
    done = factories.measurement(weighed, today, posyandu=posyandu)
    user = users["desa"]
    client.force_login(user)
    day = today.isoformat()
    if step == "measure_form":
        response = client.get(_url("session_measure", posyandu, day, child.pk))
    elif step == "measure_save":
        response = client.post(_url("session_measure", posyandu, day, child.pk), {"berat": "8,5"})
    elif step == "register_form":
        response = client.get(_url("session_register", posyandu, day))
    else:
        response = client.post(_url("session_register", posyandu, day), {"nama": "Tanpa Ibu"})
    assert response.status_code in (200, 400)
    assert "Bayu Ditimbang" in response.content.decode()
    [ids] = _session_reads(user)
    assert done.pk in ids
