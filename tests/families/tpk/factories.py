"""Synthetic TPK teams and targets for tests, made through the services (as the system)."""

import datetime

from django.utils import timezone

from kampungkb.convergence.cadres.services import cadre_save, tpk_member_assign
from kampungkb.families.tpk import services
from kampungkb.families.tpk.models import TargetKind
from tests import factories

NAMES = {"tpk_bidan": "Bidan Rahma", "tpk_pkk": "Kader Yanti", "tpk_kb": "Kader Sari"}
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    """The day the test runs (read at each call, never at import), as the product reads it."""
    return timezone.localdate()


def team(desa=factories.KURNIA_JAYA, *, roles=("tpk_bidan", "tpk_pkk", "tpk_kb"), nama=None):
    """A TPK team of ``desa`` whose members hold ``roles`` (cadres made for it)."""
    desa = factories.wilayah(desa)
    tim = services.team_save(user=None, desa=desa, nama=nama or f"TPK {desa.nama}")
    for role in roles:
        cadre = cadre_save(
            user=None, desa=desa, nama=f"{NAMES[role]} Sintetis {desa.nama}", peran=role
        )
        tpk_member_assign(user=None, team=tim, cadre=cadre)
    return tim


def pregnant(desa=factories.KURNIA_JAYA, *, nama="Ibu Hamil Sintetis", weeks=20, **extra):
    """A pregnant woman registered today (``weeks`` pregnant)."""
    return services.target_register(
        user=None,
        kind=TargetKind.IBU_HAMIL,
        desa=factories.wilayah(desa),
        nama=nama,
        hpht=today() - weeks * 7 * DAY,
        is_synthetic=True,
        **extra,
    )


def catin(desa=factories.KURNIA_JAYA, *, nama="Catin Sintetis", days_to_marriage=120, **extra):
    return services.target_register(
        user=None,
        kind=TargetKind.CATIN,
        desa=factories.wilayah(desa),
        nama=nama,
        nama_pasangan="Pasangan Sintetis",
        tanggal_rencana_nikah=today() + days_to_marriage * DAY,
        is_synthetic=True,
        **extra,
    )


def mother(desa=factories.KURNIA_JAYA, *, nama="Ibu Nifas Sintetis", days_since=10, **extra):
    """A mother after delivery (pasca persalinan), delivered ``days_since`` days ago."""
    delivered = today() - days_since * DAY
    return services.target_register(
        user=None,
        kind=TargetKind.PASCA_PERSALINAN,
        desa=factories.wilayah(desa),
        nama=nama,
        tanggal_persalinan=delivered,
        tanggal_daftar=delivered,
        is_synthetic=True,
        **extra,
    )


def closed(desa=factories.KURNIA_JAYA, *, nama="Ibu Pindah Sintetis", alasan="pindah"):
    """A pregnant woman registered today and closed by hand today (moved out, by default)."""
    target = pregnant(desa, nama=nama)
    return services.target_close(
        user=None, target=target, tanggal=today(), alasan=alasan, catatan="Pindah sintetis"
    )


def anc_contact(target, user=None, **kw):
    """Record an ANC contact of ``target`` through the service (today, at the puskesmas, by
    the bidan, unless ``kw`` says otherwise)."""
    from kampungkb.families.tpk.pregnancy import services as pregnancy

    values = {"tanggal": today(), "tempat": "Puskesmas Manggar", "pemeriksa": "bidan"} | kw
    return pregnancy.anc_contact_record(user=user, target=target, **values)


def error_messages(exc) -> dict:
    """A ValidationError's messages per field, as text."""
    return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
