"""Reads for the import and export pages, scoped by the acting user."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kampungkb.core.scoping import covered_kode, kode_within
from kampungkb.growth.models import ImportBatch
from kampungkb.wilayah.models import Wilayah


def import_batch_get(*, user, pk: int) -> ImportBatch:
    """An import the user made, or one made for an area inside the user's area."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    area = covered_kode(user)
    mine = batch.imported_by_id is not None and batch.imported_by_id == user.pk
    if not mine and (area is None or not kode_within(batch.wilayah_kode, area)):
        raise Http404
    return batch


def export_desa_choices(*, user) -> list[tuple[str, str]]:
    """(code, "Desa · Kecamatan") of the desa the user may export."""
    qs = Wilayah.objects.for_user(user).desa().select_related("parent").order_by("kode")
    return [(w.kode, f"{w.nama} · {w.parent.nama}") for w in qs]
