"""Pages to import a family-survey file: upload → preview → save → result, the rejected rows
as xlsx, and the empty layout.

The upload is stored as growth's uploads are (``growth.importing.uploads``: by its hash, as
its uploader's, purged after the retention period) and opened only by its uploader and the
admins of their area (``growth.importing.selectors.upload_get``). The save checks every row
again (the preview is never trusted).
"""

import re
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kampungkb.core.downloads import XLSX_TYPE
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.middleware import busy_response, upload_limit
from kampungkb.core.permissions import can_edit
from kampungkb.families.importing.commit import (
    FamilyImportBusyError,
    ImportFileError,
    families_import,
)
from kampungkb.families.importing.parse import EXTENSIONS
from kampungkb.families.importing.report import rejected_rows_xlsx, template_xlsx
from kampungkb.families.importing.selectors import family_import_batch_get
from kampungkb.growth.importing.selectors import upload_available, upload_get
from kampungkb.growth.importing.tasks import uploads_purge_enqueue
from kampungkb.growth.importing.uploads import upload_path, upload_store

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_LIMIT = 200  # rows of each list shown on a page; the xlsx has every rejected row


class FamilyUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Family survey file (xlsx or csv)"),
        help_text=gettext_lazy(
            "One row per family member with the family's columns repeated, as in the template."
        ),
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


def _require_importer(user) -> None:
    if not can_edit(user):
        raise PermissionDenied


def _stored(user, sha: str) -> tuple[Path, str]:
    upload = upload_get(user=user, sha=sha)
    return upload_path(upload), upload.file_name


def _upload_page(request, form, *, error: str = "", status: int = 200):
    context = {"form": form, "error": error}
    return render(request, "families/import_upload.html", context, status=status)


def _summary(report: dict) -> dict:
    cut = {k: report.get(k, [])[:PREVIEW_LIMIT] for k in ("errors", "conflicts", "ambiguous")}
    return {
        "report": report,
        **cut,
        "link_conflicts": report.get("link_conflicts", [])[:PREVIEW_LIMIT],
        "krs": report.get("krs", []),
        "errors_cut": max(0, len(report.get("errors", [])) - PREVIEW_LIMIT),
    }


@upload_limit(MAX_UPLOAD_BYTES)
def import_upload(request):
    _require_importer(request.user)
    if request.method == "POST":
        form = FamilyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = upload_store(user=request.user, upload=form.cleaned_data["file"])
            uploads_purge_enqueue()
            return redirect("families:import_preview", sha=upload.sha256)
        return _upload_page(request, form, status=400)
    return _upload_page(request, FamilyUploadForm())


def import_template(request):
    _require_importer(request.user)
    response = HttpResponse(content_type=XLSX_TYPE)
    template_xlsx(response)
    response["Content-Disposition"] = 'attachment; filename="templat-pendataan-keluarga.xlsx"'
    return response


def import_preview(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    try:
        result = families_import(user=request.user, path=path, dry_run=True, file_name=name)
    except ImportFileError as exc:
        return _upload_page(request, FamilyUploadForm(), error=str(exc), status=400)
    context = {"sha": sha, "file_name": name, **_summary(result.report())}
    return render(request, "families/import_preview.html", context)


@require_POST
def import_commit(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    try:
        result = families_import(user=request.user, path=path, file_name=name)
    except ImportFileError as exc:
        return _upload_page(request, FamilyUploadForm(), error=str(exc), status=400)
    except FamilyImportBusyError:  # nothing saved; the preview offers the save again
        return busy_response(request, retry_url=reverse("families:import_preview", args=[sha]))
    uploads_purge_enqueue()
    if result.batch is not None:
        return redirect("families:import_result", pk=result.batch.pk)
    context = {"sha": sha, "file_name": name, "batch": None, **_summary(result.report())}
    return render(request, "families/import_result.html", context)


def import_result(request, pk: int):
    _require_importer(request.user)
    batch = family_import_batch_get(user=request.user, pk=pk)
    available = upload_available(user=request.user, sha=batch.sha256)
    context = {
        "sha": batch.sha256 if available else "",
        "file_name": batch.file_name,
        "batch": batch,
        **_summary(batch.report),
    }
    return render(request, "families/import_result.html", context)


def import_errors_xlsx(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    try:
        result = families_import(user=request.user, path=path, dry_run=True, file_name=name)
    except ImportFileError as exc:
        return _upload_page(request, FamilyUploadForm(), error=str(exc), status=400)
    response = HttpResponse(content_type=XLSX_TYPE)
    rejected_rows_xlsx(result=result, path=path, out=response)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).stem)[:80] or "keluarga"
    response["Content-Disposition"] = f'attachment; filename="{stem}-ditolak.xlsx"'
    return response
