"""The values an import writes are read from each instance's dict, and through its attributes
when one is not there (a deferred field): the same values either way."""

import pytest

from kampungkb.growth.importing.writing import _values
from kampungkb.growth.models import Measurement
from tests import factories

pytestmark = pytest.mark.django_db


def test_values_are_the_attributes_also_of_a_deferred_field(beltim):
    child = factories.child_row()
    stored = factories.measurement_row(child, "2024-06-01", berat="9.5", zlen=-1.25)
    names = ["child_id", "tanggal", "berat", "zlen"]
    whole = Measurement.objects.get(pk=stored.pk)
    deferred = Measurement.objects.defer("zlen").get(pk=stored.pk)
    assert "zlen" not in deferred.__dict__
    expected = (child.pk, stored.tanggal, whole.berat, -1.25)
    assert list(_values([whole, deferred], names)) == [expected, expected]
