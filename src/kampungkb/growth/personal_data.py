"""Who was shown which children's personal data: one VIEW entry in the audit trail per page
or download (never one per row). Lists and searches record what was asked (a NIK typed in
masked) and how many, or which, children were shown; never a name or a whole NIK.
"""

from kampungkb.core.audit import audit_read, mask_search
from kampungkb.core.scoping import covered_kode, user_covers
from kampungkb.growth.models import Child, Measurement, Upload


def list_area(user, desa: str = "") -> str:
    """The area a list covered: the desa (or kecamatan) filtered on when it lies in the
    user's area (anything else typed in filters nothing), else the user's own; so that the
    entry is always in the trail of the user's Admin Kabupaten."""
    if desa and user_covers(user, desa):
        return desa
    return covered_kode(user) or ""


def child_shown(*, user, child: Child, page: str, full_nik: bool = False) -> None:
    """``page`` showed one child's record (``"edit"``, ``"chart_pdf"``, ...)."""
    details = {"page": page}
    if full_nik:
        details["full_nik"] = True
    audit_read(actor=user, obj=child, wilayah_kode=child.desa_id, details=details)


def measurement_shown(*, user, measurement: Measurement, page: str) -> None:
    audit_read(
        actor=user,
        obj=measurement,
        wilayah_kode=measurement.child.desa_id,
        details={"page": page},
    )


def children_listed(*, user, search: str, desa: str, count: int, page: str = "list") -> None:
    """A list or search of children: what was asked and how many matched."""
    audit_read(
        actor=user,
        obj=Child,
        wilayah_kode=list_area(user, desa),
        details={"page": page, "q": mask_search(search), "desa": desa, "count": count},
    )


def merge_candidates_shown(*, user, child: Child, search: str, children) -> None:
    """The page that merges ``child`` into another record offered ``children`` (of its
    desa) to choose from: which ones, by id."""
    audit_read(
        actor=user,
        obj=Child,
        wilayah_kode=child.desa_id,
        details={
            "page": "merge",
            "child": child.pk,
            "q": mask_search(search),
            "ids": [c.pk for c in children],
        },
    )


def session_children_shown(*, user, posyandu, tanggal, search: str, children) -> None:
    """The children offered (or found) at a posyandu session: which ones, by id."""
    audit_read(
        actor=user,
        obj=Child,
        wilayah_kode=posyandu.desa_id,
        details={
            "page": "session_search",
            "posyandu": posyandu.pk,
            "tanggal": tanggal,
            "q": mask_search(search),
            "ids": [c.pk for c in children],
        },
    )


def skdn_children_shown(*, user, desa: str, tahun: int, month: int, ids: list[int]) -> None:
    """The SKDN page named the children whose weighing has no growth code yet."""
    audit_read(
        actor=user,
        obj=Child,
        wilayah_kode=list_area(user, desa),
        details={"page": "skdn", "bulan": f"{tahun:04d}-{month:02d}", "desa": desa, "ids": ids},
    )


def session_shown(*, user, posyandu, tanggal, measurements) -> None:
    """A posyandu session's page: the children measured there that day, by measurement id."""
    audit_read(
        actor=user,
        obj=Measurement,
        wilayah_kode=posyandu.desa_id,
        details={
            "page": "session",
            "posyandu": posyandu.pk,
            "tanggal": tanggal,
            "ids": [m.pk for m in measurements],
        },
    )


def measurements_exported(*, user, filters: dict, rows: int, full_nik: bool) -> None:
    """An e-PPGBM export: the area, the filters, how many rows, and whether NIKs were whole."""
    audit_read(
        actor=user,
        obj=Measurement,
        wilayah_kode=list_area(user, filters.get("desa", "")),
        details={"page": "eppgbm_export", **filters, "rows": rows, "full_nik": full_nik},
        object_repr="e-PPGBM export",
    )


def export_file_downloaded(*, user, job) -> None:
    """A finished export's file was handed out (each download: the file holds names and
    whole NIKs)."""
    audit_read(
        actor=user,
        obj=job,
        wilayah_kode=job.wilayah_kode,
        details={"page": "eppgbm_export_download", **job.params, "rows": job.done},
        object_repr=job.download_name,
    )


def import_rows_shown(*, user, upload_sha: str, file_name: str, page: str, rows: int) -> None:
    """An import's preview, result or rejected rows (names, NIKs of the file's rows)."""
    audit_read(
        actor=user,
        obj=Upload,
        wilayah_kode=covered_kode(user) or "",
        details={"page": page, "sha256": upload_sha, "rows": rows},
        object_repr=file_name,
    )


def import_result_shown(*, user, batch) -> None:
    """A saved import's result page: its report names children and families of the area it
    was made for (possible duplicates, members not linked, families at risk)."""
    audit_read(
        actor=user,
        obj=batch,
        wilayah_kode=batch.wilayah_kode,
        details={"page": "import_result", "sha256": batch.sha256, "rows": batch.n_rows},
        object_repr=batch.file_name,
    )
