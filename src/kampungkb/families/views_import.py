"""Pages to import a family-survey file: upload → preview → save → result, the rejected rows
as xlsx (growth's import pages, ``growth.importing.pages``), and the empty layout.

The upload is stored as growth's uploads are (``growth.importing.uploads``: by its hash, as
its uploader's, purged after the retention period) and opened only by its uploader (while
their area still covers it) and the admins of their area
(``growth.importing.selectors.upload_get``). The save checks every row
again (the preview is never trusted).
"""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy

from kampungkb.core.downloads import XLSX_TYPE
from kampungkb.families.importing.commit import FamilyImportBusyError, families_import
from kampungkb.families.importing.report import rejected_rows_xlsx, template_xlsx
from kampungkb.families.importing.selectors import family_import_batch_get
from kampungkb.growth import personal_data
from kampungkb.growth.importing.pages import (
    PREVIEW_LIMIT,
    ImportPages,
    ImportUploadForm,
    require_importer,
)


class FamilyUploadForm(ImportUploadForm):
    file_label = gettext_lazy("Family survey file (xlsx or csv)")
    file_help = gettext_lazy(
        "One row per family member with the family's columns repeated, as in the template."
    )


class FamilyImportPages(ImportPages):
    namespace = templates = "families"
    form_class = FamilyUploadForm
    busy_error = FamilyImportBusyError
    rejected_stem = "keluarga"

    def run(self, request, sha, *, path, name, dry_run, step):
        return families_import(user=request.user, path=path, dry_run=dry_run, file_name=name)

    def summary(self, report: dict) -> dict:
        cut = {k: report.get(k, [])[:PREVIEW_LIMIT] for k in ("errors", "conflicts", "ambiguous")}
        return {
            "report": report,
            **cut,
            "link_conflicts": report.get("link_conflicts", [])[:PREVIEW_LIMIT],
            "krs": report.get("krs", []),
            "errors_cut": max(0, len(report.get("errors", [])) - PREVIEW_LIMIT),
        }

    def rejected_rows_write(self, *, result, path, out) -> None:
        rejected_rows_xlsx(result=result, path=path, out=out)

    def rows_shown(self, request, sha, *, name, page, result) -> None:
        if page != "rejected_xlsx":
            return super().rows_shown(request, sha, name=name, page=page, result=result)
        # The rejected rows' workbook also holds the other rows of their families.
        personal_data.import_rows_shown(
            user=request.user,
            upload_sha=sha,
            file_name=name,
            page=page,
            rows=result.n_rejected + len(result.beside_rejected),
        )

    def batch_get(self, *, user, pk):
        return family_import_batch_get(user=user, pk=pk)


pages = FamilyImportPages()


def import_template(request):
    require_importer(request.user)
    response = HttpResponse(content_type=XLSX_TYPE)
    template_xlsx(response)
    response["Content-Disposition"] = 'attachment; filename="templat-pendataan-keluarga.xlsx"'
    return response
