"""Reads of the innovations of the desa in the user's area."""

from kampungkb.convergence.innovations.models import Innovation
from kampungkb.core.scoping import covered_kode
from kampungkb.wilayah.models import KODE_LENGTH, Level, Wilayah


def innovation_list(*, user):
    return (
        Innovation.objects.for_user(user)
        .select_related("desa", "desa__parent")
        .prefetch_related("direplikasi_di")
    )


def replica_desa_choices(*, user):
    """Return the desa an innovation of the user's area may be replicated in: those of the
    user's kabupaten (of their whole area for a wider one, a superuser's or a province's;
    the service then keeps each innovation to its own kabupaten)."""
    area = covered_kode(user)
    if area is None:
        return Wilayah.objects.none()
    desa = Wilayah.objects.desa().defer("boundary").order_by("kode")
    if area == "":  # a superuser without an area: everything
        return desa
    size = KODE_LENGTH[Level.KABUPATEN]
    return desa.within(area[:size] if len(area) >= size else area)
