"""Writes of the innovations of a desa, by whoever edits the desa (``user=None``: the system)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kampungkb.convergence.guards import ensure_area_editor
from kampungkb.convergence.innovations.models import Innovation
from kampungkb.core.audit import audited_save
from kampungkb.core.scoping import kode_within
from kampungkb.wilayah.models import KODE_LENGTH, Level


@transaction.atomic
def innovation_save(
    *,
    user,
    desa,
    nama: str,
    tahun: int,
    deskripsi: str,
    bukti: str,
    direplikasi_di=(),
    is_demo: bool = False,
) -> Innovation:
    if desa.level != Level.DESA:
        raise ValidationError({"desa": _("Choose a desa.")})
    ensure_area_editor(user, desa.kode)
    replicas = [d for d in direplikasi_di if d.level == Level.DESA]
    # A district records its own innovations and where in it they spread: another
    # kabupaten's desa is that kabupaten's to record.
    kabupaten = desa.kode[: KODE_LENGTH[Level.KABUPATEN]]
    if any(not kode_within(d.kode, kabupaten) for d in replicas):
        raise ValidationError(
            {"direplikasi_di": _("Choose desa of the innovation's own kabupaten.")}
        )
    innovation = Innovation(
        desa=desa, nama=nama, tahun=tahun, deskripsi=deskripsi, bukti=bukti, is_demo=is_demo
    )
    audited_save(
        innovation,
        actor=user,
        fields=["nama", "tahun"],
        wilayah_kode=desa.kode,
        created_as="values",
    )
    innovation.direplikasi_di.set(replicas)
    return innovation
