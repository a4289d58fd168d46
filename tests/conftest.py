import pytest
from django.conf import settings
from django.utils import timezone, translation

from kampungkb.accounts.models import User
from kampungkb.wilayah.models import KampungKB, Level, Wilayah
from tests import factories
from tests.factories import (  # noqa: F401 - the place names tests import from here
    BATU_PENYU,
    GANTUNG,
    KURNIA_JAYA,
    LALANG_JAYA,
    MANGGAR,
    PADANG,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate the test database (pytest-django), then load Belitung Timur's wilayah once.

    Ordinary tests roll back to this state, so they find the wilayah there without reading the
    GeoJSON again; transactional tests flush every table and ``beltim`` loads it back.
    """
    with django_db_blocker.unblock():
        factories.reference_data_load()


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in the product's default language (Bahasa Indonesia): a request made
    in English by an earlier test must not leak into code that runs outside a request."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def today():
    """The day the test runs, in the kabupaten's time zone, as the product reads it.

    Read when the test runs, never at import: a run that starts before midnight and reaches a
    module after it must compare the pages' today with today, not with the day of collection
    (tests/test_no_day_at_collection.py keeps modules from reading it at import).
    """
    return timezone.localdate()


@pytest.fixture
def beltim(db):
    """Belitung Timur's wilayah, from the package's reference data."""
    factories.reference_data_load()
    return Wilayah.objects.get(kode=factories.BELTIM)


@pytest.fixture
def make_user(beltim):
    def make(role: str, kode: str, username: str | None = None, **extra) -> User:
        return factories.user(role, kode, username=username, **extra)

    return make


@pytest.fixture
def users(beltim):
    """One user per role: the kabupaten-wide ones, Manggar's operator, Kurnia Jaya's operator."""
    return factories.users_by_role()


@pytest.fixture
def make_kampung(beltim):
    def make(kode: str, nama: str | None = None, **profile) -> KampungKB:
        return factories.kampung_kb(kode, nama, **profile)

    return make


@pytest.fixture
def no_wilayah(db):
    """An empty wilayah table, for tests of loading it: the preloaded reference wilayah and
    the audit entry of their load are deleted inside the test's transaction (so they are
    back for the next test)."""
    from kampungkb.core.models import AuditEntry

    for level in (Level.DESA, Level.KECAMATAN, Level.KABUPATEN, Level.PROVINSI):
        Wilayah.objects.filter(level=level).delete()
    AuditEntry.objects.filter(action="load").delete()
