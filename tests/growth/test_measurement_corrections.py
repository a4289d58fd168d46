"""A measurement entered on the wrong date or at the wrong posyandu is corrected on its edit
page; a date the child already has a measurement on is refused (neither is lost)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kampungkb.core.models import AuditEntry
from kampungkb.growth.models import Measurement
from kampungkb.growth.services import measurement_update
from kampungkb.growth.skdn import skdn_table
from tests import factories
from tests.conftest import KURNIA_JAYA


@pytest.fixture
def first(today):
    """The first of this month."""
    return today.replace(day=1)


@pytest.fixture
def last_month(first):
    """The 15th of last month."""
    return (first - datetime.timedelta(days=1)).replace(day=15)


@pytest.fixture
def child(posyandu, today):
    return factories.child(posyandu=posyandu, tanggal_lahir=today - datetime.timedelta(days=400))


def test_a_measurement_moved_onto_a_date_the_child_has_one_is_refused(
    users, child, first, last_month
):
    earlier = factories.measurement(child, last_month, berat=Decimal("9.1"))
    later = factories.measurement(child, first, berat=Decimal("9.4"))
    with pytest.raises(ValidationError) as err:
        measurement_update(user=users["desa"], measurement=later, tanggal=last_month)
    assert "tanggal" in err.value.message_dict
    assert Measurement.objects.filter(pk__in=[earlier.pk, later.pk]).count() == 2


def _d(user, posyandu, day) -> int:
    table = skdn_table(user=user, tahun=day.year, month=day.month)
    return next((r.d for r in table.rows if r.posyandu_id == posyandu.pk), 0)


def test_a_measurements_date_and_posyandu_are_corrected_on_its_edit_page(
    client, users, posyandu, child, first, last_month
):
    mawar = factories.posyandu(KURNIA_JAYA, "Posyandu Mawar")
    m = factories.measurement(child, first, berat=Decimal("9.4"), posyandu=posyandu)
    assert _d(users["desa"], posyandu, first) == 1
    client.force_login(users["desa"])
    url = reverse("growth:measurement_edit", args=[m.pk])
    page = client.get(url).content.decode()
    assert 'name="tanggal"' in page and 'name="posyandu"' in page
    data = {"tanggal": last_month.isoformat(), "posyandu": mawar.pk, "berat": "9,4"}
    assert client.post(url, data).status_code == 302
    m.refresh_from_db()
    assert (m.tanggal, m.posyandu) == (last_month, mawar)
    assert _d(users["desa"], posyandu, first) == 0
    assert _d(users["desa"], mawar, last_month) == 1
    entry = AuditEntry.objects.filter(object_type="growth.measurement", action="update").latest(
        "id"
    )
    assert entry.changes["tanggal"] == [first.isoformat(), last_month.isoformat()]
    assert entry.changes["posyandu"] == [posyandu.pk, mawar.pk]


def test_the_edit_page_refuses_a_date_the_child_has_a_measurement_on(
    client, users, child, first, last_month
):
    factories.measurement(child, last_month, berat=Decimal("9.1"))
    m = factories.measurement(child, first, berat=Decimal("9.4"))
    client.force_login(users["desa"])
    url = reverse("growth:measurement_edit", args=[m.pk])
    response = client.post(url, {"tanggal": last_month.isoformat(), "berat": "9,4"})
    assert response.status_code == 400
    assert response.context["form"].errors["tanggal"]
    m.refresh_from_db()
    assert m.tanggal == first
