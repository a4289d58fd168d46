"""The rejected rows of an import as an xlsx in the file's own template, to fix and re-upload."""

from django.utils.translation import gettext as _

from kampungkb.core.downloads import Sheet, xlsx_write
from kampungkb.growth.importing.commit import ImportResult
from kampungkb.growth.importing.export import DATE_FORMAT

REASON_HEADER = "Alasan Penolakan"


def _value(value):
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e15:
        return str(int(value))  # a NIK typed as a number: keep every digit visible
    return value


def rejected_rows_xlsx(*, result: ImportResult, out) -> int:
    """Write the rejected rows (their cells as read) with a last "Alasan Penolakan" column.

    ``out`` is a path or a binary file object. Returns the number of rows written.
    """
    width = len(result.headers)
    reasons = result.reasons_by_row()

    def rows():
        for number in sorted(result.rejected_cells):
            cells = list(result.rejected_cells[number])[:width]
            cells += [None] * (width - len(cells))
            why = "; ".join(f"{e.column}: {e.reason}" for e in reasons.get(number, []))
            yield [*(_value(c) for c in cells), why]

    sheet = Sheet(
        _("Rejected rows"),
        header=[*result.headers, REASON_HEADER],
        rows=rows(),
        date_format=DATE_FORMAT,
        bold_header=False,
    )
    xlsx_write([sheet], out)
    return len(result.rejected_cells)
