"""The pages every file import has: upload → preview → save → result, and the rejected rows as
xlsx. growth's e-PPGBM import and families' survey import are both this flow.

An import is a subclass of :class:`ImportPages` naming its URL namespace, its templates
(``<app>/import_upload.html``, ``import_preview.html``, ``import_result.html``), its upload
form and its service, and saying what its pages show of a report; the app routes to the
methods of one instance. What only one import has stays in that app and plugs in through the
hooks: growth's posyandu-mapping step, families' empty layout.

The upload is stored as its uploader's (``uploads``: by its hash, purged after the retention
period); the preview, the save and the rejected rows name it by its hash and answer only to
the uploader while they may still import it (an importer's role, the upload's area still
inside theirs) and the admins of their area (``selectors.upload_get``, a 404 for anyone
else).
The save checks every row again (the preview is never trusted).
"""

import re
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path as route
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampungkb.core.downloads import XLSX_TYPE
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.middleware import busy_response, upload_limit
from kampungkb.core.permissions import can_edit
from kampungkb.growth import personal_data
from kampungkb.growth.importing.commit import ImportFileError
from kampungkb.growth.importing.parse import EXTENSIONS
from kampungkb.growth.importing.selectors import upload_available, upload_get
from kampungkb.growth.importing.tasks import uploads_purge_enqueue
from kampungkb.growth.importing.uploads import UploadStoreError, upload_path, upload_store

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_LIMIT = 200  # rows of each list shown on a page; the xlsx has every rejected row


class ImportUploadForm(StyledFormMixin, forms.Form):
    """An xlsx or csv file of at most ``MAX_UPLOAD_BYTES``; an import's subclass says what
    file it wants in ``file_label`` and ``file_help``."""

    file_label = ""
    file_help = ""

    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label
        self.fields["file"].help_text = self.file_help

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in EXTENSIONS:
            raise forms.ValidationError(_("Only xlsx and csv files can be imported."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


def require_importer(user) -> None:
    """Refuse a user who may not import (the pages of every import ask the same)."""
    if not can_edit(user):
        raise PermissionDenied


class ImportPages:
    """The pages of one import. A subclass sets the attributes and implements :meth:`run`,
    :meth:`summary`, :meth:`rejected_rows_write` and :meth:`batch_get`; the other hooks do
    nothing unless it overrides them."""

    namespace: str  # the URL namespace of the import's pages: "<namespace>:import_preview"...
    templates: str  # the folder of its templates: "<templates>/import_upload.html"...
    form_class: type[ImportUploadForm]
    busy_error: type[Exception]  # what the service raises when the database gave no turn
    rejected_stem: str  # the rejected rows' file name when the upload's name gives none

    # The import's own parts.

    def run(self, request, sha: str, *, path: Path, name: str, dry_run: bool, step: str):
        """Check (``dry_run``) or save the file at ``path``; ``step`` is the page asking:
        "preview", "commit" or "rejected"."""
        raise NotImplementedError

    def summary(self, report: dict) -> dict:
        """What the preview and result pages show of a report (long lists cut)."""
        raise NotImplementedError

    def rejected_rows_write(self, *, result, path: Path, out) -> None:
        raise NotImplementedError

    def batch_get(self, *, user, pk: int):
        """The user's saved import with this key (scoped: 404 otherwise)."""
        raise NotImplementedError

    # Hooks.

    def preview_context(self, request, sha: str) -> dict:
        """More for the preview page's context."""
        return {}

    def rows_shown(self, request, sha: str, *, name: str, page: str, result) -> None:
        """Called when ``page`` ("preview", "commit" when nothing was saved, or
        "rejected_xlsx") shows the file's rows (names, NIKs): one VIEW entry in the audit
        trail, with how many rows were shown."""
        rows = result.n_rejected if page == "rejected_xlsx" else result.n_rows
        personal_data.import_rows_shown(
            user=request.user, upload_sha=sha, file_name=name, page=page, rows=rows
        )

    def saved(self, request, sha: str, *, result) -> HttpResponse | None:
        """Called after the save ran: a response to answer instead of the result (nothing
        was saved, say), or None."""
        return None

    # Shared steps.

    def urlpatterns(self, prefix: str = "") -> list:
        """The routes of the pages under ``prefix`` (an app's other routes that a hash could
        match, such as ``<prefix>ekspor/``, go before them)."""
        by_hash = prefix + "<str:sha>/"
        return [
            route(prefix, self.upload, name="import_upload"),
            route(prefix + "hasil/<int:pk>/", self.result, name="import_result"),
            route(by_hash, self.preview, name="import_preview"),
            route(by_hash + "simpan/", self.commit, name="import_commit"),
            route(by_hash + "ditolak.xlsx", self.errors_xlsx, name="import_errors_xlsx"),
        ]

    def url(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    def stored(self, user, sha: str) -> tuple[Path, str]:
        """The user's upload with this hash and its original name; 404 when they have none."""
        upload = upload_get(user=user, sha=sha)
        return upload_path(upload), upload.file_name

    def checked(self, request, sha: str, *, dry_run: bool, step: str):
        """The importer's upload with this hash run through the service: its path, its name
        and the result. Raises ImportFileError when the file cannot be read."""
        require_importer(request.user)
        path, name = self.stored(request.user, sha)
        result = self.run(request, sha, path=path, name=name, dry_run=dry_run, step=step)
        return path, name, result

    def upload_page(self, request, form, *, error: str = "", status: int = 200):
        context = {"form": form, "error": error}
        return render(request, f"{self.templates}/import_upload.html", context, status=status)

    def file_error(self, request, exc: ImportFileError):
        return self.upload_page(request, self.form_class(), error=str(exc), status=400)

    # The pages.

    @upload_limit(MAX_UPLOAD_BYTES)  # an attribute the bound method shows as its own
    def upload(self, request):
        require_importer(request.user)
        if request.method == "POST":
            form = self.form_class(request.POST, request.FILES)
            if form.is_valid():
                try:
                    upload = upload_store(user=request.user, upload=form.cleaned_data["file"])
                except UploadStoreError as exc:
                    return self.upload_page(request, self.form_class(), error=str(exc), status=503)
                uploads_purge_enqueue()
                return redirect(self.url("import_preview"), sha=upload.sha256)
            return self.upload_page(request, form, status=400)
        return self.upload_page(request, self.form_class())

    def preview(self, request, sha: str):
        try:
            _path, name, result = self.checked(request, sha, dry_run=True, step="preview")
        except ImportFileError as exc:
            return self.file_error(request, exc)
        context = {
            "sha": sha,
            "file_name": name,
            **self.preview_context(request, sha),
            **self.summary(result.report()),
        }
        self.rows_shown(request, sha, name=name, page="preview", result=result)
        return render(request, f"{self.templates}/import_preview.html", context)

    @method_decorator(require_POST)
    def commit(self, request, sha: str):
        try:
            _path, name, result = self.checked(request, sha, dry_run=False, step="commit")
        except ImportFileError as exc:
            return self.file_error(request, exc)
        except self.busy_error:
            # Nothing saved; the preview offers the save again.
            retry_url = reverse(self.url("import_preview"), args=[sha])
            return busy_response(request, retry_url=retry_url)
        answer = self.saved(request, sha, result=result)
        if answer is not None:
            return answer
        uploads_purge_enqueue()
        if result.batch is not None:
            return redirect(self.url("import_result"), pk=result.batch.pk)
        context = {"sha": sha, "file_name": name, "batch": None, **self.summary(result.report())}
        self.rows_shown(request, sha, name=name, page="commit", result=result)
        return render(request, f"{self.templates}/import_result.html", context)

    def result(self, request, pk: int):
        require_importer(request.user)
        batch = self.batch_get(user=request.user, pk=pk)
        # The rejected rows are offered only while the file is kept and is the user's to open.
        available = upload_available(user=request.user, sha=batch.sha256)
        context = {
            "sha": batch.sha256 if available else "",
            "file_name": batch.file_name,
            "batch": batch,
            **self.summary(batch.report),
        }
        personal_data.import_result_shown(user=request.user, batch=batch)
        return render(request, f"{self.templates}/import_result.html", context)

    def errors_xlsx(self, request, sha: str):
        try:
            path, name, result = self.checked(request, sha, dry_run=True, step="rejected")
        except ImportFileError as exc:
            return self.file_error(request, exc)
        response = HttpResponse(content_type=XLSX_TYPE)
        self.rejected_rows_write(result=result, path=path, out=response)
        self.rows_shown(request, sha, name=name, page="rejected_xlsx", result=result)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).stem)[:80] or self.rejected_stem
        response["Content-Disposition"] = f'attachment; filename="{stem}-ditolak.xlsx"'
        return response
