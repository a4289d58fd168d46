"""The download layer: every xlsx and PDF the product hands out is made here.

An app describes its sheets as data (:class:`Sheet`) in its own ``reports.py``; its views pick
the report and return one of the responses below. PDFs are WeasyPrint renderings of the same
HTML templates as the pages.

Text cells are always written as text: a name typed as ``=HYPERLINK(...)`` reaches the
spreadsheet as that string, never as a formula (spreadsheet formula injection).
"""

from kampungkb.core.downloads.http import (
    PDF_TYPE,
    XLSX_TYPE,
    download_response,
    file_response,
    pdf_response,
    xlsx_response,
)
from kampungkb.core.downloads.pdf import pdf_bytes
from kampungkb.core.downloads.xlsx import Sheet, header_widths, xlsx_bytes, xlsx_write

__all__ = [
    "PDF_TYPE",
    "XLSX_TYPE",
    "Sheet",
    "download_response",
    "file_response",
    "header_widths",
    "pdf_bytes",
    "pdf_response",
    "xlsx_bytes",
    "xlsx_response",
    "xlsx_write",
]
