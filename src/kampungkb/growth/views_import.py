"""Pages to import an e-PPGBM file (upload → preview → save → result) and to export one.

The uploaded file is kept under MEDIA_ROOT/imports/<sha256>.<ext> as its uploader's
(``importing.uploads``); the preview, the save and the rejected rows name it by its hash and
answer only to the uploader and the admins of their area (``selectors.upload_get``). The save
checks every row again (the preview is never trusted).
"""

import re
import tempfile
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.middleware import upload_limit
from kampungkb.core.permissions import can_edit, can_view_personal_data
from kampungkb.growth import personal_data
from kampungkb.growth.importing.commit import ImportFileError, measurements_import
from kampungkb.growth.importing.export import measurements_export_xlsx
from kampungkb.growth.importing.parse import EXTENSIONS
from kampungkb.growth.importing.report import rejected_rows_xlsx
from kampungkb.growth.importing.selectors import (
    export_desa_choices,
    import_batch_get,
    upload_available,
    upload_get,
)
from kampungkb.growth.importing.tasks import uploads_purge_enqueue
from kampungkb.growth.importing.uploads import upload_path, upload_store

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_LIMIT = 200  # rows of errors/warnings shown on a page; the xlsx has them all
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("e-PPGBM file (xlsx or csv)"),
        help_text=gettext_lazy("The “entri pengukuran” export of e-PPGBM, or a sheet like it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in EXTENSIONS:
            raise forms.ValidationError(_("Only xlsx and csv files can be imported."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


class ExportForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    desa = forms.ChoiceField(label=gettext_lazy("Desa"), required=False)

    def __init__(self, *args, desa_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].choices = [("", _("All desa in your area")), *desa_choices]


def _require_importer(user) -> None:
    if not can_edit(user):
        raise PermissionDenied


def _stored(user, sha: str) -> tuple[Path, str]:
    """The user's upload with this hash and its original name; 404 when they have none."""
    upload = upload_get(user=user, sha=sha)
    return upload_path(upload), upload.file_name


def _upload_page(request, form, *, error: str = "", status: int = 200):
    return render(
        request, "growth/import_upload.html", {"form": form, "error": error}, status=status
    )


@upload_limit(MAX_UPLOAD_BYTES)
def import_upload(request):
    _require_importer(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = upload_store(user=request.user, upload=form.cleaned_data["file"])
            uploads_purge_enqueue()
            return redirect("growth:import_preview", sha=upload.sha256)
        return _upload_page(request, form, status=400)
    return _upload_page(request, UploadForm())


def _summary(report: dict) -> dict:
    errors, warnings = report["errors"], report["warnings"]
    return {
        "report": report,
        "errors": errors[:PREVIEW_LIMIT],
        "errors_cut": max(0, len(errors) - PREVIEW_LIMIT),
        "warnings": warnings[:PREVIEW_LIMIT],
        "warnings_cut": max(0, len(warnings) - PREVIEW_LIMIT),
        "duplicates": report["duplicates"][:PREVIEW_LIMIT],
    }


def import_preview(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    try:
        result = measurements_import(user=request.user, path=path, dry_run=True, file_name=name)
    except ImportFileError as exc:
        return _upload_page(request, UploadForm(), error=str(exc), status=400)
    context = {"sha": sha, "file_name": name, **_summary(result.report())}
    personal_data.import_rows_shown(
        user=request.user, upload_sha=sha, file_name=name, page="preview", rows=result.n_rows
    )
    return render(request, "growth/import_preview.html", context)


@require_POST
def import_commit(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    try:
        result = measurements_import(user=request.user, path=path, dry_run=False, file_name=name)
    except ImportFileError as exc:
        return _upload_page(request, UploadForm(), error=str(exc), status=400)
    uploads_purge_enqueue()
    if result.batch is not None:
        return redirect("growth:import_result", pk=result.batch.pk)
    context = {"sha": sha, "file_name": name, "batch": None, **_summary(result.report())}
    return render(request, "growth/import_result.html", context)


def import_result(request, pk: int):
    _require_importer(request.user)
    batch = import_batch_get(user=request.user, pk=pk)
    # The rejected rows are offered only while the file is kept and is the user's to open.
    available = upload_available(user=request.user, sha=batch.sha256)
    context = {
        "sha": batch.sha256 if available else "",
        "file_name": batch.file_name,
        "batch": batch,
        **_summary(batch.report),
    }
    return render(request, "growth/import_result.html", context)


def import_errors_xlsx(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    try:
        result = measurements_import(user=request.user, path=path, dry_run=True, file_name=name)
    except ImportFileError as exc:
        return _upload_page(request, UploadForm(), error=str(exc), status=400)
    response = HttpResponse(content_type=XLSX)
    rejected_rows_xlsx(result=result, out=response)
    personal_data.import_rows_shown(
        user=request.user,
        upload_sha=sha,
        file_name=name,
        page="rejected_xlsx",
        rows=result.n_rejected,
    )
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).stem)[:80] or "impor"
    response["Content-Disposition"] = f'attachment; filename="{stem}-ditolak.xlsx"'
    return response


def export_page(request):
    if not can_view_personal_data(request.user):
        raise PermissionDenied
    form = ExportForm(request.GET or None, desa_choices=export_desa_choices(user=request.user))
    if "unduh" in request.GET and form.is_valid():
        data = form.cleaned_data
        out = tempfile.SpooledTemporaryFile(max_size=20 * 2**20)  # noqa: SIM115 - FileResponse closes it
        measurements_export_xlsx(
            user=request.user,
            out=out,
            date_from=data["date_from"],
            date_to=data["date_to"],
            desa=data["desa"],
        )
        out.seek(0)
        return FileResponse(
            out, as_attachment=True, filename="e-ppgbm-pengukuran.xlsx", content_type=XLSX
        )
    return render(request, "growth/export.html", {"form": form}, status=400 if form.errors else 200)
