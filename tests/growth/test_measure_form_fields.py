"""The session's measure form keeps its empty fields rendered once per process for each
language and initial method and vitamin A (their widgets were a quarter of the form's CPU);
what it shows must be exactly what rendering them afresh shows, and a form with errors or
values is never one kept."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse

from tests import factories
from tests.conftest import KURNIA_JAYA

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "entry"}


@pytest.fixture
def kids(beltim, today):
    pos = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    baby = factories.child(posyandu=pos, nama="Bayi", tanggal_lahir=today - datetime.timedelta(300))
    toddler = factories.child(
        posyandu=pos, nama="Balita", tanggal_lahir=today - datetime.timedelta(1000)
    )
    return pos, baby, toddler


def _form(client, pos, kid, *, today) -> str:
    url = reverse("growth:session_measure", args=[pos.pk, today.isoformat(), kid.pk])
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def _fields(body: str) -> str:
    return body[body.index('<div class="row g-2">') : body.index('type="submit"')]


def _checked_method(body: str) -> str:
    return re.search(r'<input type="radio" name="cara_ukur" value="(\w+)"[^>]*checked', body)[1]


@pytest.mark.django_db
def test_the_kept_fields_are_those_rendered_afresh_for_each_child_and_language(
    client, users, kids, today
):
    pos, baby, toddler = kids
    client.force_login(users["desa"])
    cache.clear()
    fresh = {kid.nama: _fields(_form(client, pos, kid, today=today)) for kid in (baby, toddler)}
    kept = {kid.nama: _fields(_form(client, pos, kid, today=today)) for kid in (baby, toddler)}
    assert kept == fresh
    # Kept indeed: the baby's empty fields, in Indonesian, without vitamin A (not its month).
    held = cache.get(
        make_template_fragment_key("measure_fields", ["id", "PB", today.month in (2, 8)])
    )
    assert held is not None and held.strip() in kept["Bayi"]
    # Lying length for the baby, standing height for the toddler: the method is in the key.
    assert _checked_method(kept["Bayi"]) == "PB" and _checked_method(kept["Balita"]) == "TB"
    assert "Berat badan (kg)" in kept["Bayi"]
    # The language too: English after Indonesian, not the Indonesian fields kept.
    client.cookies["django_language"] = "en"
    english = _fields(_form(client, pos, baby, today=today))
    assert "Weight (kg)" in english and "Berat badan (kg)" not in english
    cache.clear()
    assert _fields(_form(client, pos, baby, today=today)) == english


@pytest.mark.django_db
def test_a_form_with_errors_shows_its_values_and_errors_not_the_kept_fields(
    client, users, kids, today
):
    pos, baby, _toddler = kids
    client.force_login(users["desa"])
    _form(client, pos, baby, today=today)  # the empty fields now kept
    url = reverse("growth:session_measure", args=[pos.pk, today.isoformat(), baby.pk])
    response = client.post(url, {"berat": "0,2", "tinggi": "71", "cara_ukur": "PB"}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="0,2"' in body and 'value="71"' in body
    assert "Harus di antara 0.5 dan 60." in body
