"""Pages to import an e-PPGBM file (upload → preview → save → result) and to export one
(a big export runs in the background: ``growth.jobs``).

The uploaded file is kept under MEDIA_ROOT/imports/<sha256>.<ext> as its uploader's
(``importing.uploads``); the preview, the save and the rejected rows name it by its hash and
answer only to the uploader and the admins of their area (``selectors.upload_get``). The save
checks every row again (the preview is never trusted).
"""

import re
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kampungkb.core.downloads import XLSX_TYPE, file_response
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.middleware import busy_response, upload_limit
from kampungkb.core.permissions import can_edit, can_view_personal_data
from kampungkb.growth import personal_data
from kampungkb.growth.importing.aliases import (
    PosyanduDecision,
    posyandu_alias_delete,
    posyandu_names_decide,
)
from kampungkb.growth.importing.commit import (
    ImportBusyError,
    ImportFileError,
    PosyanduChoices,
    measurements_import,
)
from kampungkb.growth.importing.parse import EXTENSIONS
from kampungkb.growth.importing.report import rejected_rows_xlsx
from kampungkb.growth.importing.selectors import (
    export_desa_choices,
    import_batch_get,
    posyandu_alias_get,
    posyandu_alias_list,
    upload_available,
    upload_get,
)
from kampungkb.growth.importing.tasks import uploads_purge_enqueue
from kampungkb.growth.importing.uploads import upload_path, upload_store
from kampungkb.growth.jobs.selectors import file_job_file
from kampungkb.growth.jobs.services import measurements_export_request
from kampungkb.growth.jobs.tasks import file_job_start

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_LIMIT = 200  # rows of errors/warnings shown on a page; the xlsx has them all
MAX_POSYANDU_DECISIONS = 5000  # names decided in one post; a file names far fewer
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


def _new_posyandu_session_key(sha: str) -> str:
    return f"import-posyandu-baru-{sha}"


def _posyandu_choices(request, sha: str) -> PosyanduChoices:
    """The names this user chose to make as new posyandu for this upload (kept in their
    session until the import is saved; the choices of a posyandu are aliases already)."""
    stored = request.session.get(_new_posyandu_session_key(sha), [])
    return PosyanduChoices(create=frozenset((desa, key) for desa, key in stored))


def _posted_decisions(post) -> list[PosyanduDecision]:
    desa, nama, choice = post.getlist("desa"), post.getlist("nama"), post.getlist("pilihan")
    n = min(len(desa), len(nama), len(choice), MAX_POSYANDU_DECISIONS)
    return [
        PosyanduDecision(desa_kode=desa[i][:13], nama=nama[i][:150], choice=choice[i][:20])
        for i in range(n)
    ]


def import_preview(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    choices = _posyandu_choices(request, sha)
    try:
        result = measurements_import(
            user=request.user, path=path, dry_run=True, file_name=name, posyandu=choices
        )
    except ImportFileError as exc:
        return _upload_page(request, UploadForm(), error=str(exc), status=400)
    context = {
        "sha": sha,
        "file_name": name,
        "posyandu_chosen_new": bool(choices.create),
        **_summary(result.report()),
    }
    personal_data.import_rows_shown(
        user=request.user, upload_sha=sha, file_name=name, page="preview", rows=result.n_rows
    )
    return render(request, "growth/import_preview.html", context)


@require_POST
def import_posyandu_map(request, sha: str):
    """Store the importer's decisions on unknown posyandu names, then show the preview again:
    a posyandu chosen is remembered as an alias; "new" is kept in the session until the save."""
    _require_importer(request.user)
    _stored(request.user, sha)
    session_key = _new_posyandu_session_key(sha)
    if "batal" in request.POST:
        request.session.pop(session_key, None)
        return redirect("growth:import_preview", sha=sha)
    try:
        create = posyandu_names_decide(user=request.user, decisions=_posted_decisions(request.POST))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("growth:import_preview", sha=sha)
    stored = {tuple(k) for k in request.session.get(session_key, [])}
    request.session[session_key] = sorted(stored | create)
    return redirect("growth:import_preview", sha=sha)


@require_POST
def import_commit(request, sha: str):
    _require_importer(request.user)
    path, name = _stored(request.user, sha)
    try:
        result = measurements_import(
            user=request.user,
            path=path,
            dry_run=False,
            file_name=name,
            posyandu=_posyandu_choices(request, sha),
        )
    except ImportFileError as exc:
        return _upload_page(request, UploadForm(), error=str(exc), status=400)
    except ImportBusyError:
        # Nothing saved; the preview offers the save again.
        return busy_response(request, retry_url=reverse("growth:import_preview", args=[sha]))
    if result.waits_for_posyandu:
        messages.warning(
            request, _("Nothing was saved: choose a posyandu for every name below first.")
        )
        return redirect("growth:import_preview", sha=sha)
    request.session.pop(_new_posyandu_session_key(sha), None)
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


def posyandu_aliases(request):
    _require_importer(request.user)
    aliases = posyandu_alias_list(user=request.user)
    return render(request, "growth/posyandu_aliases.html", {"aliases": aliases})


@require_POST
def posyandu_alias_remove(request, pk: int):
    _require_importer(request.user)
    alias = posyandu_alias_get(user=request.user, pk=pk)
    posyandu_alias_delete(user=request.user, alias=alias)
    messages.success(
        request,
        _("“%(name)s” is forgotten: the next import asks about it again.") % {"name": alias.nama},
    )
    return redirect("growth:posyandu_aliases")


def export_page(request):
    """The export form. A small export is handed out at once; a bigger one runs in the
    background and the user is sent to its progress page."""
    if not can_view_personal_data(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ExportForm(
        request.POST if posted else None, desa_choices=export_desa_choices(user=request.user)
    )
    if posted and form.is_valid():
        job = measurements_export_request(user=request.user, **form.cleaned_data)
        uploads_purge_enqueue()  # old exports go as new ones come
        if file_job_start(job):
            job, path = file_job_file(user=request.user, pk=job.pk)
            return file_response(path, filename=job.download_name, content_type=XLSX_TYPE)
        return redirect("growth:job", pk=job.pk)
    return render(request, "growth/export.html", {"form": form}, status=400 if form.errors else 200)
