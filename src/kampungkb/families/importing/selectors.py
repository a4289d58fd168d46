"""Reads for the family import pages, scoped by the acting user."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kampungkb.core.scoping import covered_kode, kode_within
from kampungkb.families.models import FamilyImportBatch


def family_import_batch_get(*, user, pk: int) -> FamilyImportBatch:
    """An import the user made, or one made for an area inside the user's area."""
    batch = get_object_or_404(FamilyImportBatch, pk=pk)
    area = covered_kode(user)
    mine = batch.imported_by_id is not None and batch.imported_by_id == user.pk
    if not mine and (area is None or not kode_within(batch.wilayah_kode, area)):
        raise Http404
    return batch
