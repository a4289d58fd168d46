"""HTTP responses for downloads: the content type and the file name the browser saves."""

from collections.abc import Iterable
from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from kampungkb.core.downloads.pdf import pdf_bytes
from kampungkb.core.downloads.xlsx import Sheet, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def download_response(
    content: bytes, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """Return ``content`` as a file named ``filename``: saved, or shown in the browser when
    ``inline``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def file_response(path: Path, *, filename: str, content_type: str) -> FileResponse:
    """Stream the stored file at ``path`` as a download named ``filename``."""
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def xlsx_response(sheets: Iterable[Sheet], *, filename: str) -> HttpResponse:
    """Return ``sheets`` as an xlsx download."""
    return download_response(xlsx_bytes(sheets), filename=filename, content_type=XLSX_TYPE)


def pdf_response(
    template: str, context: dict, *, request, filename: str, inline: bool = False
) -> HttpResponse:
    """Render ``template`` as a PDF download (shown in the browser when ``inline``)."""
    return download_response(
        pdf_bytes(template, context, request=request),
        filename=filename,
        content_type=PDF_TYPE,
        inline=inline,
    )
