"""Reads for the family import pages, scoped by the acting user."""

from django.shortcuts import get_object_or_404

from kampungkb.core.scoping import scope_q
from kampungkb.families.models import FamilyImportBatch


def family_import_batch_get(*, user, pk: int) -> FamilyImportBatch:
    """An import made for an area inside the user's area. Its importer's own too only while
    that holds: its report lists the families of the area it was made for (at risk of
    stunting, members by name), which an importer moved elsewhere no longer covers."""
    return get_object_or_404(FamilyImportBatch.objects.filter(scope_q(user, "wilayah_kode")), pk=pk)
