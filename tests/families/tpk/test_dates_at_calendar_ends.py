"""TPK dates at the ends of the calendar (year 1, year 9999), as a mistyped year gives them:
refused with the field named where the form takes them, and never a page that answers 500,
even for a record stored before such dates were refused."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from kampungkb.families.tpk.models import Target
from tests import factories
from tests.families.tpk import factories as tpk

ENDS = ["0001-01-01", "0001-01-10", "0001-02-01", "9999-12-31"]


def _client(users) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(users["desa"])
    return client


def _broken_pages(client, target, team) -> list:
    urls = [
        reverse(name)
        for name in ("families:tpk_home", "families:tpk_overdue", "families:tpk_pregnant_list",
                     "families:catin_list", "families:scorecard_start")
    ] + [
        reverse("families:tpk_target", args=[target.pk]),
        reverse("families:tpk_team", args=[team.pk]),
        reverse("families:tpk_team_overdue", args=[team.pk]),
        reverse("families:scorecard_desa", args=[factories.KURNIA_JAYA]),
        reverse("families:tpk_visit_create", args=[target.pk]),
    ]  # fmt: skip
    return [(url, code) for url in urls if (code := client.get(url).status_code) >= 500]


@pytest.mark.parametrize("day", ENDS)
@pytest.mark.parametrize(
    "field", ["tanggal_rencana_nikah", "tanggal_persalinan", "hpl", "hpht", "tanggal_lahir"]
)
def test_a_target_registered_with_such_a_date_is_refused_or_shown(users, field, day, today):
    team = tpk.team()
    kind = {"tanggal_persalinan": "pasca_persalinan", "hpl": "ibu_hamil", "hpht": "ibu_hamil"}
    data = {
        "kind": kind.get(field, "catin"), "desa": factories.KURNIA_JAYA, "nama": "Sasaran Ujung",
        "nama_pasangan": "Pasangan",
        "tanggal_rencana_nikah": (today + datetime.timedelta(days=100)).isoformat(),
        "hpht": (today - datetime.timedelta(days=60)).isoformat(),
        "tanggal_persalinan": (today - datetime.timedelta(days=3)).isoformat(),
        "hasil_persalinan": "lahir_hidup", field: day,
    }  # fmt: skip
    client = _client(users)
    response = client.post(reverse("families:tpk_target_create"), data)
    target = Target.objects.filter(nama="Sasaran Ujung").first()
    if target is None:
        assert response.status_code == 400  # refused, the form shown again with the reason
    else:
        assert response.status_code == 302 and _broken_pages(client, target, team) == []
    if field == "tanggal_rencana_nikah":
        assert target is None


@pytest.mark.parametrize("day", ["0001-01-01", "0001-02-01"])
def test_a_marriage_long_before_the_registration_is_refused(users, day):
    tpk.team()
    target = tpk.catin()
    response = _client(users).post(
        reverse("families:tpk_marriage_create", args=[target.pk]), {"tanggal_nikah": day}
    )
    assert response.status_code == 400 and "periksa tanggalnya" in response.content.decode()
    assert Target.objects.get(pk=target.pk).tanggal_nikah is None


@pytest.mark.parametrize("field", ["tanggal_rencana_nikah", "tanggal_nikah"])
def test_pages_answer_for_a_catin_stored_with_a_year_1_date(users, field):
    """Stored before such dates were refused (or by hand): the pages still answer."""
    team = tpk.team()
    target = tpk.catin()
    Target.objects.filter(pk=target.pk).update(**{field: datetime.date(1, 1, 10)})
    assert _broken_pages(_client(users), target, team) == []
