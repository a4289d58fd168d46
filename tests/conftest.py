import pytest
from django.conf import settings
from django.utils import translation

from kampungkb.accounts.models import Role, User
from kampungkb.growth.kbm.reference import kbm_tables_load
from kampungkb.wilayah.loading import wilayah_load
from kampungkb.wilayah.models import KampungKB, Wilayah
from kampungkb.wilayah.services import kampungkb_save

MANGGAR = "19.06.01"
GANTUNG = "19.06.02"
KURNIA_JAYA = "19.06.01.2002"
LALANG_JAYA = "19.06.01.2001"
BATU_PENYU = "19.06.02.2010"
PADANG = "19.06.01.2003"


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in the product's default language (Bahasa Indonesia): a request made
    in English by an earlier test must not leak into code that runs outside a request."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def beltim(db):
    """Belitung Timur's wilayah, loaded from the package's reference data."""
    if not Wilayah.objects.exists():
        wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    # Transactional (browser) tests flush every table, migrations' reference data included.
    kbm_tables_load()
    return Wilayah.objects.get(kode="19.06")


@pytest.fixture
def make_user(beltim):
    def make(role: str, kode: str, username: str | None = None, **extra) -> User:
        user = User(
            username=username or f"{role}-{kode}",
            role=role,
            wilayah=Wilayah.objects.get(kode=kode),
            **extra,
        )
        user.set_password("not-a-real-password-1")
        user.save()
        return user

    return make


@pytest.fixture
def users(make_user):
    """One user per role: the kabupaten-wide ones, Manggar's operator, Kurnia Jaya's operator."""
    return {
        "admin": make_user(Role.ADMIN_KABUPATEN, "19.06"),
        "kecamatan": make_user(Role.OPERATOR_KECAMATAN, MANGGAR),
        "desa": make_user(Role.OPERATOR_DESA, KURNIA_JAYA),
        "mitra": make_user(Role.MITRA_OPD, "19.06"),
        "viewer": make_user(Role.VIEWER, "19.06"),
    }


@pytest.fixture
def make_kampung(beltim):
    def make(kode: str, nama: str | None = None, **profile) -> KampungKB:
        desa = Wilayah.objects.get(kode=kode)
        return kampungkb_save(
            user=None,
            kampung=None,
            profile={"desa": desa, "nama": nama or f"Kampung KB {desa.nama}", **profile},
            pokja=[
                {"nama": "Contoh Ketua", "jabatan": "ketua", "seksi": "", "telepon": "081234567"}
            ],
            groups=[{"jenis": "bkb", "aktif": True, "tanggal_mulai": None}],
            partners=[],
            funding=[],
        )

    return make
