"""Synthetic test data: users per role, Kampung KB, posyandu, children and measurements.

Plain functions with defaults that make a valid record and keyword overrides for what a test
cares about. Records go through the real services (``child_register``, ``measurement_record``,
``kampung_kb_save``) so they are what the product itself would store; ``child_row`` and
``measurement_row`` write the models directly, for tests that set the stored (computed) values
by hand so every expected figure can be counted.

Areas are given as Kemendagri codes or ``Wilayah`` objects. Every record is synthetic: the
names say so and ``is_synthetic`` is set. They need the Belitung Timur wilayah, which the
test database holds from the start (see ``tests/conftest.py``).
"""

import datetime
import itertools
from decimal import Decimal

from django.conf import settings

from kampungkb.accounts.models import Role, User
from kampungkb.families.reference import default_rule_set_load
from kampungkb.families.tpk.screening.reference import default_thresholds_load
from kampungkb.growth.kbm.reference import kbm_tables_load
from kampungkb.growth.models import Child, Measurement, Posyandu
from kampungkb.growth.services import child_register, measurement_record
from kampungkb.wilayah.loading import wilayah_load
from kampungkb.wilayah.models import KampungKB, Wilayah
from kampungkb.wilayah.services import kampung_kb_save

# Belitung Timur (the reference wilayah the tests run on) and the places they use most.
BELTIM = "19.06"
MANGGAR = "19.06.01"
GANTUNG = "19.06.02"
KURNIA_JAYA = "19.06.01.2002"
LALANG_JAYA = "19.06.01.2001"
BATU_PENYU = "19.06.02.2010"
PADANG = "19.06.01.2003"

PASSWORD = "not-a-real-password-1"

_serial = itertools.count(1)


def reference_data_load() -> None:
    """Load Belitung Timur's wilayah and the KBM tables where they are missing.

    Cheap when they are there (two queries), so a fixture may call it for every test.
    """
    if not Wilayah.objects.filter(kode=BELTIM).exists():
        wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    # Migrations create the KBM tables and the default KRS rule set, but transactional tests
    # flush them with the rest.
    kbm_tables_load()
    default_rule_set_load()
    default_thresholds_load()


def wilayah(area: str | Wilayah) -> Wilayah:
    """Return the wilayah of a code (a ``Wilayah`` is returned as it is)."""
    return area if isinstance(area, Wilayah) else Wilayah.objects.get(kode=area)


# --- users ---------------------------------------------------------------------------------


def user(role: str, area: str | Wilayah, *, username: str | None = None, **extra) -> User:
    """A user with ``role`` covering ``area``; the username defaults to ``<role>-<kode>``."""
    area = wilayah(area)
    obj = User(username=username or f"{role}-{area.kode}", role=role, wilayah=area, **extra)
    obj.set_password(PASSWORD)
    obj.save()
    return obj


def admin_kabupaten(area: str | Wilayah = BELTIM, **extra) -> User:
    return user(Role.ADMIN_KABUPATEN, area, **extra)


def operator_kecamatan(area: str | Wilayah = MANGGAR, **extra) -> User:
    return user(Role.OPERATOR_KECAMATAN, area, **extra)


def operator_desa(area: str | Wilayah = KURNIA_JAYA, **extra) -> User:
    return user(Role.OPERATOR_DESA, area, **extra)


def mitra_opd(area: str | Wilayah = BELTIM, **extra) -> User:
    return user(Role.MITRA_OPD, area, **extra)


def viewer(area: str | Wilayah = BELTIM, **extra) -> User:
    return user(Role.VIEWER, area, **extra)


def superuser(username: str = "root", **extra) -> User:
    """The system administrator: no role, no area, every right (and Django's admin)."""
    obj = User(username=username, is_superuser=True, is_staff=True, **extra)
    obj.set_password(PASSWORD)
    obj.save()
    return obj


def users_by_role() -> dict[str, User]:
    """One user per role: the kabupaten-wide ones, Manggar's operator, Kurnia Jaya's operator."""
    return {
        "admin": admin_kabupaten(),
        "kecamatan": operator_kecamatan(),
        "desa": operator_desa(),
        "mitra": mitra_opd(),
        "viewer": viewer(),
    }


# --- wilayah -------------------------------------------------------------------------------


def kampung_kb(
    desa: str | Wilayah = KURNIA_JAYA, nama: str | None = None, *, user=None, **profile
) -> KampungKB:
    """A Kampung KB in ``desa`` with a pokja chair and an active BKB group."""
    desa = wilayah(desa)
    return kampung_kb_save(
        user=user,
        kampung=None,
        profile={"desa": desa, "nama": nama or f"Kampung KB {desa.nama}", **profile},
        pokja=[{"nama": "Contoh Ketua", "jabatan": "ketua", "seksi": "", "telepon": "081234567"}],
        groups=[{"jenis": "bkb", "aktif": True, "tanggal_mulai": None}],
        partners=[],
        funding=[],
    )


# --- growth --------------------------------------------------------------------------------


def posyandu(desa: str | Wilayah = KURNIA_JAYA, nama: str | None = None, **extra) -> Posyandu:
    desa = wilayah(desa)
    return Posyandu.objects.create(nama=nama or f"Posyandu {desa.nama}", desa=desa, **extra)


def child(
    desa: str | Wilayah | None = None,
    *,
    posyandu: Posyandu | None = None,
    user=None,
    is_synthetic: bool = True,
    **values,
) -> Child:
    """A child registered through ``child_register`` (by the system unless ``user`` is given).

    The desa defaults to the posyandu's, else Kurnia Jaya; the child is a boy of about ten
    months with a numbered synthetic name unless ``values`` say otherwise.
    """
    if desa is None:
        desa = posyandu.desa if posyandu is not None else KURNIA_JAYA
    n = next(_serial)
    values = {
        "nama": f"Anak Sintetis {n}",
        "jenis_kelamin": "L",
        "tanggal_lahir": datetime.date.today() - datetime.timedelta(days=300),
        "nama_ibu": f"Ibu Sintetis {n}",
        **values,
    }
    if posyandu is not None:
        values["posyandu"] = posyandu
    return child_register(user=user, desa=wilayah(desa), is_synthetic=is_synthetic, **values)


def measurement(
    child: Child, tanggal: datetime.date | None = None, *, user=None, **values
) -> Measurement:
    """A weighing recorded through ``measurement_record``: today, 8 kg unless told otherwise."""
    values.setdefault("berat", Decimal("8.0"))
    return measurement_record(
        user=user, child=child, tanggal=tanggal or datetime.date.today(), **values
    )


def child_row(desa: str | Wilayah = KURNIA_JAYA, **values) -> Child:
    """A ``Child`` written straight to the table (no audit, no analytics refresh)."""
    n = next(_serial)
    values = {
        "nama": f"Anak Sintetis {n}",
        "jenis_kelamin": "L",
        "tanggal_lahir": datetime.date(2024, 1, 15),
        "match_key": f"test-{n}",
        "is_synthetic": True,
        **values,
    }
    return Child.objects.create(desa=wilayah(desa), **values)


def measurement_row(child: Child, tanggal: datetime.date | str, **values) -> Measurement:
    """A ``Measurement`` written straight to the table with whatever stored values the test
    sets (z-scores, flags, categories are not computed)."""
    tanggal = datetime.date.fromisoformat(tanggal) if isinstance(tanggal, str) else tanggal
    values = {
        "berat": "10.0",
        "umur_hari": (tanggal - child.tanggal_lahir).days,
        "is_synthetic": True,
        **values,
    }
    return Measurement.objects.create(child=child, tanggal=tanggal, **values)


def family_row(
    desa: str | Wilayah = KURNIA_JAYA,
    *,
    members: list[dict],
    tanggal: datetime.date | str = "2025-06-30",
    sumber_air: int | None = 2,
    jamban: int | None = 1,
    no_kk: str | None = None,
    **values,
):
    """A family with one survey round and its ``members`` (dicts of FamilyMember fields; a
    synthetic name and sex "P" unless given), written straight to the tables; the labels are
    not computed (``families.labels.labels_compute`` does it). Returns the survey round."""
    from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga

    tanggal = datetime.date.fromisoformat(tanggal) if isinstance(tanggal, str) else tanggal
    n = next(_serial)
    keluarga, _created = Keluarga.objects.get_or_create(
        no_kk=no_kk or f"1906{n:012d}",
        defaults={"desa": wilayah(desa), "is_synthetic": True, **values},
    )
    survey = FamilySurvey.objects.create(
        keluarga=keluarga,
        tahun=tanggal.year,
        tanggal_pendataan=tanggal,
        sumber_air=sumber_air,
        jamban=jamban,
    )
    for i, member in enumerate(members):
        member = {"nama": f"Anggota Sintetis {n}-{i}", "jenis_kelamin": "P", **member}
        for key in ("tanggal_lahir",):
            if isinstance(member.get(key), str):
                member[key] = datetime.date.fromisoformat(member[key])
        FamilyMember.objects.create(survey=survey, urutan=i, **member)
    return survey
