"""No input makes the server answer 500: every URL pattern, junk ids and junk form data,
as each kind of user. A 500 on any input is a bug (README, "Bad input")."""

import datetime
import itertools
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kampungkb.growth.models import Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA


def _junk_values(today):
    """The values put in each kind of URL parameter; a day is today's, read when the test runs."""
    return {
        "int": ["1", "2", "999999"],
        "str": ["19.06.01.2002", today.isoformat(), "2026-13-45", "..%2F..", "x" * 300],
        "slug": ["x", "a-b"],
        "path": ["a/b"],
    }


JUNK_POST = {
    "nama": "x" * 5000,
    "desa": "../../etc",
    "tanggal": "31/02/2020",
    "tanggal_lahir": "kemarin",
    "berat": "NaN",
    "tinggi": "-1e309",
    "cara_ukur": "XX",
    "jenis_kelamin": "?",
    "nik": "19060101'; DROP TABLE",
    "tingkat": "legendaris",
    "sumber": "\x01",  # a NUL would stop every POST at NulCharacterMiddleware: JUNK_NUL
    "q": "%" * 50,
    "posyandu": "abc",
    "page": "-1",
    "form-TOTAL_FORMS": "99999999",
    "pokja-TOTAL_FORMS": "-5",
    "groups-TOTAL_FORMS": "x",
}


JUNK_GET = {"q": "%%", "bulan": "2026-99", "kind": "../x"}
# PostgreSQL refuses a NUL in any text value: refused (400) before a view or query sees it.
JUNK_NUL = {"q": "\x00", "tahun": "1\x00", "nama": "a\x00b"}
JUNK_YEARS = {"bulan": "0001-01", "tahun": "1", "dari": "0001-01-01", "sampai": "9999-12-31"}
# Filters read as numbers, given digits int() refuses though str.isdigit() takes them
# (superscripts, circled), another script's, and a number past any key.
JUNK_DIGITS = dict(
    zip(
        ("tahun", "tim", "halaman", "page", "wilayah", "desa", "posyandu", "bulan", "urut"),
        itertools.cycle(["²", "①", "١٩٠٦", str(2**70)]),
        strict=False,
    )
)


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route


def _urls(today):
    junk_values = _junk_values(today)
    for route in sorted(set(_patterns())):
        if route.startswith(("admin/", "^static", "static/")) or "(?P" in route:
            continue
        parts = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        choices = [junk_values.get(conv or "str", ["x"]) for conv, _ in parts]
        for combo in itertools.product(*choices):
            url = route
            for value in combo:
                url = re.sub(r"<(?:\w+:)?\w+>", value, url, count=1)
            yield "/" + url.lstrip("^").rstrip("$")


@pytest.fixture
def world(users, make_kampung):
    make_kampung(KURNIA_JAYA)
    child = factories.child(
        posyandu=factories.posyandu(KURNIA_JAYA, "Posyandu Uji"),
        nama="Anak Uji",
        jenis_kelamin="L",
        tanggal_lahir=datetime.date.today() - datetime.timedelta(days=300),
        nama_ibu="Ibu Uji",
    )
    factories.measurement(child, datetime.date.today(), berat=8)
    assert Measurement.objects.exists()
    return users


@pytest.mark.parametrize("who", ["anonymous", "admin", "desa", "mitra"])
def test_no_url_answers_500_to_junk(world, who, today):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(world[who])
    failures = []
    for url in _urls(today):
        for method, data in (
            ("get", JUNK_GET), ("get", JUNK_DIGITS), ("get", JUNK_YEARS), ("post", JUNK_POST),
            ("get", JUNK_NUL), ("post", JUNK_NUL),
        ):  # fmt: skip
            response = getattr(client, method)(url, data)
            if who != "anonymous" and "_auth_user_id" not in client.session:
                client.force_login(world[who])  # a logout URL: the next ones as the user again
            if response.status_code >= 500:
                failures.append(
                    f"{method.upper()} {url} {sorted(data)[:2]} -> {response.status_code}"
                )
    assert failures == []
