"""Pages to import an e-PPGBM file (upload → preview → save → result, the shared import pages
of ``importing.pages`` with the posyandu-mapping step) and to export one (a big export runs in
the background: ``growth.jobs``).

The uploaded file is kept under MEDIA_ROOT/imports/<sha256>.<ext> as its uploader's
(``importing.uploads``); the preview, the save and the rejected rows name it by its hash and
answer only to the uploader (while their area still covers it) and the admins of their area
(``selectors.upload_get``). The save
checks every row again (the preview is never trusted).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kampungkb.core.downloads import XLSX_TYPE, file_response
from kampungkb.core.forms_style import StyledFormMixin
from kampungkb.core.permissions import can_view_personal_data
from kampungkb.growth.importing.aliases import (
    PosyanduDecision,
    posyandu_alias_delete,
    posyandu_names_decide,
)
from kampungkb.growth.importing.commit import (
    ImportBusyError,
    PosyanduChoices,
    measurements_import,
)
from kampungkb.growth.importing.pages import (
    PREVIEW_LIMIT,
    ImportPages,
    ImportUploadForm,
    require_importer,
)
from kampungkb.growth.importing.report import rejected_rows_xlsx
from kampungkb.growth.importing.selectors import (
    export_desa_choices,
    import_batch_get,
    posyandu_alias_get,
    posyandu_alias_list,
)
from kampungkb.growth.importing.tasks import uploads_purge_enqueue
from kampungkb.growth.jobs.selectors import file_job_file
from kampungkb.growth.jobs.services import measurements_export_request
from kampungkb.growth.jobs.tasks import file_job_start

MAX_POSYANDU_DECISIONS = 5000  # names decided in one post; a file names far fewer


class UploadForm(ImportUploadForm):
    file_label = gettext_lazy("e-PPGBM file (xlsx or csv)")
    file_help = gettext_lazy("The “entri pengukuran” export of e-PPGBM, or a sheet like it.")


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


class MeasurementImportPages(ImportPages):
    """The e-PPGBM import: the shared pages, with the importer's posyandu choices (kept in the
    session) given to the preview and the save, and its reading of personal data logged."""

    namespace = templates = "growth"
    form_class = UploadForm
    busy_error = ImportBusyError
    rejected_stem = "impor"

    def run(self, request, sha, *, path, name, dry_run, step):
        # The rejected-rows workbook checks the file without the session's posyandu choices.
        choices = None if step == "rejected" else _posyandu_choices(request, sha)
        return measurements_import(
            user=request.user, path=path, dry_run=dry_run, file_name=name, posyandu=choices
        )

    def summary(self, report: dict) -> dict:
        errors, warnings = report["errors"], report["warnings"]
        return {
            "report": report,
            "errors": errors[:PREVIEW_LIMIT],
            "errors_cut": max(0, len(errors) - PREVIEW_LIMIT),
            "warnings": warnings[:PREVIEW_LIMIT],
            "warnings_cut": max(0, len(warnings) - PREVIEW_LIMIT),
            "duplicates": report["duplicates"][:PREVIEW_LIMIT],
        }

    def rejected_rows_write(self, *, result, path, out) -> None:
        rejected_rows_xlsx(result=result, out=out)

    def batch_get(self, *, user, pk):
        return import_batch_get(user=user, pk=pk)

    def preview_context(self, request, sha):
        return {"posyandu_chosen_new": bool(_posyandu_choices(request, sha).create)}

    def saved(self, request, sha, *, result):
        if result.waits_for_posyandu:
            messages.warning(
                request, _("Nothing was saved: choose a posyandu for every name below first.")
            )
            return redirect("growth:import_preview", sha=sha)
        request.session.pop(_new_posyandu_session_key(sha), None)
        return None


pages = MeasurementImportPages()


@require_POST
def import_posyandu_map(request, sha: str):
    """Store the importer's decisions on unknown posyandu names, then show the preview again:
    a posyandu chosen is remembered as an alias; "new" is kept in the session until the save."""
    require_importer(request.user)
    pages.stored(request.user, sha)
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


def posyandu_aliases(request):
    require_importer(request.user)
    aliases = posyandu_alias_list(user=request.user)
    return render(request, "growth/posyandu_aliases.html", {"aliases": aliases})


@require_POST
def posyandu_alias_remove(request, pk: int):
    require_importer(request.user)
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
