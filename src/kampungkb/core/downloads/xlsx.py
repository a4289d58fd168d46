"""One xlsx writer: sheets described as data, rows streamed, text kept as text.

The workbook's XML is written here directly (SpreadsheetML, as Excel, LibreOffice, openpyxl
and calamine read it), row by row into the zip, so a sheet's rows may be a generator over a
queryset iterator and never sit in memory together. openpyxl's write-only mode did the same
at about a thousand e-PPGBM rows a second; a district's 157,000 measurements took minutes.

Every text cell is an inline string (``t="inlineStr"``): a spreadsheet never reads it as a
formula or an error value, whatever it starts with (spreadsheet formula injection).
"""

import datetime
import io
import math
import numbers
import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl.utils import get_column_letter

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# XML 1.0 cannot hold these at all (an xlsx with them does not open): they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = frozenset(" \t\n\r")
_EPOCH = datetime.datetime(1899, 12, 30)
_EPOCH_DATE = _EPOCH.date()
_FLUSH_ROWS = 500  # rows joined into one write to the zip
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_APPLY_FORMAT = ' applyNumberFormat="1"'
_APPLY_FONT = ' applyFont="1"'


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


def _escape(text: str) -> str:
    if _SPECIAL.search(text) is None:  # most text: nothing to do
        return text
    text = _NOT_XML.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A parser turns a carriage return into a newline unless it is a character reference.
    return text.replace("\r", "&#13;")


def _text(value: str) -> str:
    """``value`` as the ``<t>`` element of an inline string (spaces at its ends kept)."""
    if value[0] in _SPACES or value[-1] in _SPACES:
        return f'<t xml:space="preserve">{_escape(value)}</t>'
    return f"<t>{_escape(value)}</t>"


class _Styles:
    """The cell formats a workbook uses (bold or not × number format), numbered as they come."""

    DATE = "yyyy-mm-dd"
    DATETIME = "yyyy-mm-dd h:mm:ss"
    BUILTIN = {"0": 1, "0.00": 2}

    def __init__(self):
        self.xfs: dict[tuple[str | None, bool], int] = {(None, False): 0, (None, True): 1}
        self.formats: dict[str, int] = {}

    def index(self, number_format: str | None, bold: bool) -> int:
        key = (number_format, bold)
        found = self.xfs.get(key)
        if found is None:
            if number_format is not None and number_format not in self.BUILTIN:
                self.formats.setdefault(number_format, 164 + len(self.formats))
            found = self.xfs[key] = len(self.xfs)
        return found

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_escape(code).replace(chr(34), "&quot;")}"/>'
            for code, i in self.formats.items()
        )
        if formats:  # an empty list is left out, as Excel writes it
            formats = f'<numFmts count="{len(self.formats)}">{formats}</numFmts>'
        xfs = []
        for number_format, bold in self.xfs:
            fmt = 0 if number_format is None else self.BUILTIN.get(number_format)
            fmt = self.formats[number_format] if fmt is None else fmt
            applied = (_APPLY_FORMAT if fmt else "") + (_APPLY_FONT if bold else "")
            xfs.append(
                f'<xf numFmtId="{fmt}" fontId="{int(bold)}" fillId="0" borderId="0" xfId="0"'
                f"{applied}/>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<styleSheet xmlns="{_NS}">'
            f"{formats}"
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


class _RowWriter:
    """Turns lines of values into ``<row>`` elements with one format (bold or not, the date
    format of the body)."""

    def __init__(self, styles: _Styles, *, bold: bool = False, date_format: str | None = None):
        self.styles, self.bold = styles, bold
        self.plain = f' s="{styles.index(None, True)}"' if bold else ""
        self.date = f' s="{styles.index(date_format or _Styles.DATE, bold)}"'
        self.datetime = f' s="{styles.index(date_format or _Styles.DATETIME, bold)}"'
        self.columns: list[str] = []

    def _column(self, i: int) -> str:
        while len(self.columns) <= i:
            self.columns.append(get_column_letter(len(self.columns) + 1))
        return self.columns[i]

    def __call__(self, number: int, values: Sequence[Any]) -> str:
        cells = []
        plain, columns, row = self.plain, self.columns, str(number)
        if len(columns) < len(values):
            self._column(len(values) - 1)
        for i, value in enumerate(values):
            ref = columns[i] + row
            kind = type(value)
            if kind is str:
                if value:
                    cells.append(f'<c r="{ref}"{plain} t="inlineStr"><is>{_text(value)}</is></c>')
                elif plain:
                    cells.append(f'<c r="{ref}"{plain}/>')
            elif value is None:
                if plain:
                    cells.append(f'<c r="{ref}"{plain}/>')
            elif kind is int:
                cells.append(f'<c r="{ref}"{plain}><v>{value}</v></c>')
            elif kind is float:
                if math.isfinite(value):
                    cells.append(f'<c r="{ref}"{plain}><v>{value!r}</v></c>')
                elif plain:
                    cells.append(f'<c r="{ref}"{plain}/>')
            elif kind is datetime.date:
                days = (value - _EPOCH_DATE).days
                cells.append(f'<c r="{ref}"{self.date}><v>{days}</v></c>')
            else:
                cells.append(self._other(ref, value))
        return f'<row r="{number}">{"".join(cells)}</row>'

    def _other(self, ref: str, value) -> str:
        plain = self.plain
        if isinstance(value, bool):
            return f'<c r="{ref}"{plain} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, Decimal):
            if not value.is_finite():
                return f'<c r="{ref}"{plain}/>' if plain else ""
            style = self.styles.index(decimal_format(value), self.bold)
            return f'<c r="{ref}" s="{style}"><v>{value:f}</v></c>'
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value)
            serial = (value - _EPOCH) / datetime.timedelta(days=1)
            return f'<c r="{ref}"{self.datetime}><v>{serial!r}</v></c>'
        if isinstance(value, datetime.date):
            return f'<c r="{ref}"{self.date}><v>{(value - _EPOCH_DATE).days}</v></c>'
        if isinstance(value, numbers.Integral):
            return f'<c r="{ref}"{plain}><v>{int(value)}</v></c>'
        if isinstance(value, numbers.Real):
            number = float(value)
            if not math.isfinite(number):
                return f'<c r="{ref}"{plain}/>' if plain else ""
            return f'<c r="{ref}"{plain}><v>{number!r}</v></c>'
        text = str(value)  # a lazy translation (Promise), or anything else shown as text
        if not text:
            return f'<c r="{ref}"{plain}/>' if plain else ""
        return f'<c r="{ref}"{plain} t="inlineStr"><is>{_text(text)}</is></c>'


def _write_sheet(zf: zipfile.ZipFile, name: str, sheet: Sheet, styles: _Styles) -> int:
    plain, bold = _RowWriter(styles), _RowWriter(styles, bold=True)
    body = _RowWriter(styles, date_format=sheet.date_format)
    with zf.open(name, "w", force_zip64=True) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        out.write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">'
        )
        if sheet.widths:
            cols = "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{width}" customWidth="1"/>'
                for i, width in sorted(sheet.widths.items())
            )
            out.write(f"<cols>{cols}</cols>")
        out.write("<sheetData>")
        number = 0
        for line in sheet.above:
            number += 1
            out.write(plain(number, line))
        if sheet.header:
            number += 1
            out.write((bold if sheet.bold_header else plain)(number, sheet.header))
        n, pending = 0, []
        for line in sheet.rows:
            number += 1
            n += 1
            pending.append(body(number, line))
            if len(pending) >= _FLUSH_ROWS:
                out.write("".join(pending))
                pending.clear()
        out.write("".join(pending))
        for line in sheet.totals:
            number += 1
            out.write(bold(number, line))
        out.write("</sheetData></worksheet>")
        out.flush()
        out.detach()
    return n


def xlsx_write(sheets: Iterable[Sheet], out: str | os.PathLike | IO[bytes]) -> list[int]:
    """Write ``sheets`` as one workbook to ``out`` (a path or a binary file object).

    Rows are written as they come, so a big export streams. Returns the number of body rows
    written to each sheet.
    """
    styles = _Styles()
    titles, counts = [], []
    # Level 1: about the size of the default level's file, several times faster on a
    # district's export (the XML repeats itself).
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for sheet in sheets:
            titles.append(_unique_title(sheet_title(sheet.title), titles))
            name = f"xl/worksheets/sheet{len(titles)}.xml"
            counts.append(_write_sheet(zf, name, sheet, styles))
        if not titles:
            titles.append("Sheet")
            with zf.open("xl/worksheets/sheet1.xml", "w") as raw:
                raw.write(_empty_sheet().encode())
        zf.writestr("[Content_Types].xml", _content_types(len(titles)))
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _workbook(titles))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(titles)))
        zf.writestr("xl/styles.xml", styles.xml())
    return counts


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Return ``sheets`` as the bytes of one xlsx workbook."""
    buffer = io.BytesIO()
    xlsx_write(sheets, buffer)
    return buffer.getvalue()


def _unique_title(title: str, taken: list[str]) -> str:
    title = title or "Sheet"
    base, n = title, 1
    while title.lower() in {t.lower() for t in taken}:
        suffix = str(n)
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


def _empty_sheet() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS}"><sheetData/></worksheet>'
    )


_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_escape(t).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>'
    )


def _workbook_rels(n: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{sheets}<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
