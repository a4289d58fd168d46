"""growth 0011: stored measurements with oedema get the statuses the new rule gives them."""

import datetime
import importlib
from decimal import Decimal

from django.apps import apps

from kampungkb.growth.kbm.recompute import measurements_recompute_all
from kampungkb.growth.models import Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA

migration = importlib.import_module("kampungkb.growth.migrations.0011_oedema_statuses")
STATUSES = ("wasted", "severely_wasted", "underweight", "bgm", "overweight", "stunted")


def _measured(day: int, **extra) -> Measurement:
    kid = factories.child(KURNIA_JAYA, tanggal_lahir=datetime.date(2022, 3, 1))
    return factories.measurement(
        kid, datetime.date(2024, 3, day), berat=Decimal("11.5"), tinggi=Decimal("86.0"),
        cara_ukur="TB", **extra,
    )  # fmt: skip


def test_rows_stored_before_the_rule_get_the_recomputed_statuses(beltim):
    swollen, checking, plain = _measured(10, oedema=True), _measured(11, oedema=True), _measured(12)
    # As an earlier version stored them: no weight statuses with oedema.
    Measurement.objects.filter(pk__in=[swollen.pk, checking.pk]).update(
        wasted=None, severely_wasted=None, underweight=None, bgm=None, overweight=None
    )
    Measurement.objects.filter(pk=checking.pk).update(needs_check=True)
    before = {m.pk: [getattr(m, s) for s in STATUSES] for m in Measurement.objects.all()}

    migration.statuses_set(apps, None)

    after = {m.pk: [getattr(m, s) for s in STATUSES] for m in Measurement.objects.all()}
    assert after[swollen.pk] == [True, True, True, True, False, False]
    assert after[checking.pk] == before[checking.pk]  # waiting to be checked: no status
    assert after[plain.pk] == before[plain.pk]
    # What the migration stored is what a recompute computes now.
    measurements_recompute_all(force=True)
    assert {m.pk: [getattr(m, s) for s in STATUSES] for m in Measurement.objects.all()}[
        swollen.pk
    ] == after[swollen.pk]
