import pytest

from kampungkb.accounts.models import Role
from kampungkb.convergence.models import Opd
from kampungkb.convergence.reference import reference_load
from tests.conftest import BATU_PENYU, KURNIA_JAYA


@pytest.fixture
def ref(beltim):
    """The convergence reference data (flushed between transactional tests, so reloaded)."""
    reference_load()
    return {o.kode: o for o in Opd.objects.all()}


@pytest.fixture
def kampungs(ref, make_kampung):
    return {"own": make_kampung(KURNIA_JAYA), "other": make_kampung(BATU_PENYU)}


@pytest.fixture
def mitra_dpupr(make_user):
    return make_user(Role.MITRA_OPD, "19.06", username="mitra-dpupr", organisation="DPUPR")
