"""The rejected rows of an import as an xlsx in the file's own template, to fix and re-upload."""

import datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from kampungkb.growth.importing.commit import ImportResult

REASON_HEADER = "Alasan Penolakan"


def _cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e15:
        return str(int(value))  # a NIK typed as a number: keep every digit visible
    return value


def rejected_rows_xlsx(*, result: ImportResult, out) -> int:
    """Write the rejected rows (their cells as read) with a last "Alasan Penolakan" column.

    ``out`` is a path or a binary file object. Returns the number of rows written.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows"))
    width = len(result.headers)
    sheet.append([*result.headers, REASON_HEADER])
    reasons = result.reasons_by_row()
    for number in sorted(result.rejected_cells):
        cells = list(result.rejected_cells[number])[:width]
        cells += [None] * (width - len(cells))
        why = "; ".join(f"{e.column}: {e.reason}" for e in reasons.get(number, []))
        sheet.append([*(_cell(sheet, c) for c in cells), why])
    workbook.save(out)
    return len(result.rejected_cells)
