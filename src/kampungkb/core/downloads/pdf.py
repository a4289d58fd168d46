"""One PDF renderer: WeasyPrint over the same HTML templates as the pages."""

from django.template.loader import render_to_string


def pdf_bytes(template: str, context: dict, *, request=None) -> bytes:
    """Render ``template`` with ``context`` and return it as a PDF."""
    # WeasyPrint is slow to import and only needed here.
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return HTML(string=html).write_pdf()
