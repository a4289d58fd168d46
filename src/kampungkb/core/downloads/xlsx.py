"""One xlsx writer: sheets described as data, rows streamed, text kept as text.

Every workbook is written with openpyxl's write-only mode, so a sheet's rows may be a
generator over a queryset iterator and never sit in memory together; small reports pay
nothing for it.
"""

import datetime
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BOLD = Font(bold=True)

# openpyxl reads a str as a formula when it starts with "=" and as an error value when it is
# one of the "#..." error codes; every other str is already stored as text. Cells whose text
# starts with one of these are written with their type forced to text.
_NOT_TEXT_STARTS = ("=", "#")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    """One worksheet, described as data.

    ``above`` holds lines written before the header (a title, the period shown), ``header``
    the column headings (bold unless ``bold_header`` is false), ``rows`` the body (any
    iterable of sequences; a generator is consumed once, row by row) and ``totals`` lines
    written after it in bold. ``widths`` maps a column index (0-based) to its width in
    characters; ``date_format`` is the number format of every date cell of the body. A
    :class:`~decimal.Decimal` is written as a number showing exactly its decimals.
    """

    title: str
    header: Sequence[Any] = ()
    rows: Iterable[Sequence[Any]] = ()
    above: Sequence[Sequence[Any]] = ()
    totals: Sequence[Sequence[Any]] = ()
    widths: Mapping[int, float] = field(default_factory=dict)
    date_format: str | None = None
    bold_header: bool = True


def header_widths(header: Sequence[Any], *, least: int = 10, most: int = 40) -> dict[int, int]:
    """Return column widths that fit each heading, between ``least`` and ``most``.

    >>> header_widths(["Kode", "Prevalensi stunting (%)"])
    {0: 10, 1: 25}
    """
    return {i: max(least, min(most, len(str(h)) + 2)) for i, h in enumerate(header)}


def sheet_title(title: str) -> str:
    """Return ``title`` as Excel accepts it: at most 31 characters, none of ``[]:*?/\\``.

    >>> sheet_title("Kampung KB vs lainnya: 2025/2026")
    'Kampung KB vs lainnya- 2025-202'
    """
    return _SHEET_TITLE_FORBIDDEN.sub("-", str(title))[:31]


def decimal_format(value: Decimal) -> str:
    """The number format that shows ``value`` with exactly its own decimals.

    A :class:`~decimal.Decimal` cell is written as a number with this format, so a figure
    rounded for the pages (``core.rounding``) shows the same digits in a spreadsheet.

    >>> [decimal_format(Decimal(v)) for v in ("16.7", "3", "0.25")]
    ['0.0', '0', '0.00']
    """
    places = -value.as_tuple().exponent
    return "0." + "0" * places if places > 0 else "0"


class _Row:
    """Turns one line of values into what the write-only sheet takes."""

    def __init__(self, sheet, *, bold: bool = False, date_format: str | None = None):
        self.sheet, self.bold, self.date_format = sheet, bold, date_format

    def __call__(self, values: Sequence[Any]) -> list:
        return [self._cell(v) for v in values]

    def _styled(self, value, **style):
        cell = WriteOnlyCell(self.sheet, value=value)
        for name, v in style.items():
            setattr(cell, name, v)
        if isinstance(value, str):
            cell.data_type = "s"
        return cell

    def _cell(self, value):
        if isinstance(value, Promise):
            value = str(value)
        if isinstance(value, Decimal):
            if not value.is_finite():
                value = None
            else:
                style = {"font": BOLD} if self.bold else {}
                return self._styled(value, number_format=decimal_format(value), **style)
        if self.bold:  # empty cells too, so the whole line reads as one
            return self._styled(value, font=BOLD)
        if isinstance(value, str):
            return self._styled(value) if value.startswith(_NOT_TEXT_STARTS) else value
        if self.date_format and isinstance(value, datetime.date):
            return self._styled(value, number_format=self.date_format)
        return value


def _write_sheet(workbook: Workbook, sheet: Sheet) -> int:
    ws = workbook.create_sheet(sheet_title(sheet.title))
    for index, width in sheet.widths.items():
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    plain, bold = _Row(ws), _Row(ws, bold=True)
    for line in sheet.above:
        ws.append(plain(line))
    if sheet.header:
        ws.append((bold if sheet.bold_header else plain)(sheet.header))
    body = _Row(ws, date_format=sheet.date_format)
    n = 0
    for line in sheet.rows:
        ws.append(body(line))
        n += 1
    for line in sheet.totals:
        ws.append(bold(line))
    return n


def xlsx_write(sheets: Iterable[Sheet], out: str | os.PathLike | IO[bytes]) -> list[int]:
    """Write ``sheets`` as one workbook to ``out`` (a path or a binary file object).

    Rows are written as they come, so a big export streams. Returns the number of body rows
    written to each sheet.
    """
    workbook = Workbook(write_only=True)
    counts = [_write_sheet(workbook, sheet) for sheet in sheets]
    workbook.save(out)
    return counts


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Return ``sheets`` as the bytes of one xlsx workbook."""
    buffer = io.BytesIO()
    xlsx_write(sheets, buffer)
    return buffer.getvalue()
