"""Reads for the import and export pages, scoped by the acting user."""

import re

from django.http import Http404
from django.shortcuts import get_object_or_404

from kampungkb.core.permissions import can_edit, is_district_admin
from kampungkb.core.scoping import NOTHING, own_in_scope_q, scope_q
from kampungkb.growth.importing.parse import EXTENSIONS
from kampungkb.growth.importing.uploads import imports_dir
from kampungkb.growth.models import ImportBatch, PosyanduAlias, Upload
from kampungkb.wilayah.models import Wilayah

_SHA = re.compile(r"^[0-9a-f]{64}$")


def import_batch_get(*, user, pk: int) -> ImportBatch:
    """An import made for an area inside the user's area. Its importer's own too only while
    that holds: its report names the children of the area it was made for, which an importer
    moved elsewhere no longer covers."""
    return get_object_or_404(ImportBatch.objects.filter(scope_q(user, "wilayah_kode")), pk=pk)


def upload_get(*, user, sha: str) -> Upload:
    """The stored upload with this hash that the user may open: their own, or (for an Admin
    Kabupaten) one whose uploader's area lies inside theirs. Anything else is a 404, whoever
    else uploaded it; a file that no upload names (stored before uploads had owners) is
    nobody's: only a superuser opens it.

    The file holds the names and NIKs of the area it was uploaded from, so its own uploader
    opens it only while they could upload it now: a role that may still import and an area
    that still covers the upload's (moved elsewhere or made Viewer, it is a 404)."""
    if not _SHA.match(sha) or user is None or not user.is_authenticated or not can_edit(user):
        raise Http404
    uploads = Upload.objects.filter(sha256=sha)
    visible = scope_q(user, "wilayah_kode") if is_district_admin(user) else NOTHING
    found = (
        uploads.filter(own_in_scope_q(user, "uploaded_by")).first()
        or uploads.filter(visible).order_by("-created_at").first()
    )
    if found is None and user.is_superuser and not uploads.exists():
        found = _unowned(sha)
    if found is None or not (imports_dir() / f"{found.sha256}.{found.ext}").is_file():
        raise Http404
    return found


def upload_available(*, user, sha: str) -> bool:
    """Whether :func:`upload_get` would give the user this upload (still kept and theirs to
    open)."""
    try:
        upload_get(user=user, sha=sha)
    except Http404:
        return False
    return True


def _unowned(sha: str) -> Upload | None:
    folder = imports_dir()
    for ext in EXTENSIONS:
        if (folder / f"{sha}.{ext}").is_file():
            name_file = folder / f"{sha}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.is_file() else f"{sha}.{ext}"
            return Upload(sha256=sha, ext=ext, file_name=name[:255])
    return None


def export_desa_choices(*, user) -> list[tuple[str, str]]:
    """(code, "Desa · Kecamatan") of the desa the user may export."""
    qs = Wilayah.objects.for_user(user).desa().select_related("parent").order_by("kode")
    return [(w.kode, f"{w.nama} · {w.parent.nama}") for w in qs]


def posyandu_alias_list(*, user):
    """The posyandu aliases of the user's area, by desa and name."""
    return (
        PosyanduAlias.objects.for_user(user)
        .select_related("desa", "posyandu", "created_by")
        .order_by("desa_id", "name_key")
    )


def posyandu_alias_get(*, user, pk: int) -> PosyanduAlias:
    """An alias of the user's area; another area's is a 404."""
    return get_object_or_404(posyandu_alias_list(user=user), pk=pk)
