"""Hand-made children and measurements for the analytics tests.

The stored booleans and flags are set directly (that is what analytics read), so every
expected figure can be counted by hand.
"""

import datetime

import pytest

from kampungkb.analytics.reference import national_targets_load
from kampungkb.growth.models import Child
from tests import factories

BORN = datetime.date(2024, 1, 15)


class Data:
    def child(self, desa: str, born: datetime.date = BORN, **extra) -> Child:
        return factories.child_row(desa, tanggal_lahir=born, **extra)

    def measure(self, child, tanggal, *, stunted=False, flen=False, tinggi="80.3", **extra):
        """A measurement whose stunting status is ``stunted`` (None when flagged)."""
        values = {
            "stunted": None if flen else stunted,
            "severely_stunted": None if flen else False,
            "wasted": False,
            "severely_wasted": False,
            "underweight": False,
            "overweight": False,
            "flen": flen,
            "fwei": False,
            "fwfl": False,
            **extra,
        }
        return factories.measurement_row(child, tanggal, berat="10.0", tinggi=tinggi, **values)

    def many(self, desa, tanggal, *, n, cases):
        """``n`` children measured once, ``cases`` of them stunted."""
        for i in range(n):
            self.measure(self.child(desa), tanggal, stunted=i < cases)


@pytest.fixture
def data(beltim):
    national_targets_load()
    return Data()
