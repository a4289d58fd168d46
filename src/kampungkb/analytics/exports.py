"""xlsx downloads: every chart's numbers, one sheet per table (openpyxl)."""

import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pct_value(x):
    """A proportion as a percentage rounded to 0.1, or None (an empty cell)."""
    return None if x is None else round(x * 100, 1)


def workbook_response(filename: str, sheets: list[tuple[str, list[str], list[list]]]):
    """An xlsx download with one sheet per (title, headers, rows)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31])
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
                10, min(40, len(str(header)) + 2)
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
