"""Hostile e-PPGBM files, built byte by byte for the tests (no binary is committed).

Each xlsx is a real zip with the parts a workbook has; what is hostile is in its first sheet:
a cell (or a claimed dimension) at XFD1048576, a part that unpacks a thousand times, a DTD
with nested entities, nesting without end. Each csv is written in the encoding or shape that
breaks a naive reader.
"""

import codecs
import io
import zipfile

from kampungkb.growth.importing.headers import TEMPLATE_HEADERS

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _column(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row(number: int, values) -> str:
    cells = "".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'


def row_xml(number: int, values) -> str:
    """A sheet row of inline strings."""
    return _row(number, values)


def header_xml() -> str:
    """The e-PPGBM header as the first row of a sheet."""
    return _row(1, TEMPLATE_HEADERS)


def sheet_xml(rows: str, *, dimension: str = "", prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{_MAIN}">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    )


def xlsx(
    sheet: str | bytes, *, shared: str = "", styles: str = "", date1904: bool = False
) -> bytes:
    """A workbook whose only sheet is ``sheet`` (its XML), with the shared strings and styles
    parts when given."""
    out = io.BytesIO()
    workbook = _WORKBOOK.replace("<sheets>", '<workbookPr date1904="1"/><sheets>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook if date1904 else _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared:
            archive.writestr("xl/sharedStrings.xml", shared)
        if styles:
            archive.writestr("xl/styles.xml", styles)
    return out.getvalue()


def shared_strings_xml(items: list[str]) -> str:
    """A shared strings part of these ``<si>`` bodies."""
    return f'<sst xmlns="{_MAIN}">' + "".join(f"<si>{i}</si>" for i in items) + "</sst>"


def many_strings(count: int, chars: int = 40) -> bytes:
    """The header, one row, and ``count`` different shared strings of ``chars`` characters
    (the one part of a workbook the reader holds whole)."""
    items = [f"<t>{n:0{chars}d}</t>" for n in range(count)]
    row = f'<row r="2"><c r="A2" t="s"><v>{count - 1}</v></c></row>'
    return xlsx(sheet_xml(header_xml() + row), shared=shared_strings_xml(items))


def far_cell(cell: str, *, claimed: bool) -> bytes:
    """The header, and one cell at ``cell`` (e.g. XFD1048576): written there, or only
    claimed by the sheet's ``<dimension>``."""
    letters = cell.rstrip("0123456789")
    number = int(cell[len(letters) :])
    if claimed:
        return xlsx(sheet_xml(header_xml(), dimension=f"A1:{cell}"))
    far = f'<row r="{number}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
    return xlsx(sheet_xml(header_xml() + far))


def zip_bomb(mb: int = 30) -> bytes:
    """A sheet of ``mb`` MB of blanks between its rows: packed, a few tens of kilobytes."""
    return xlsx(sheet_xml(header_xml() + " " * (mb * 2**20)))


def big_sheet(rows: int, *, entities: bool = False) -> bytes:
    """An ordinary sheet of ``rows`` rows of varied digits (packs about five times);
    ``entities``: each cell's text begins with a character reference (``&#65;``), which the
    reader's fast path leaves to expat, a cell at a time."""
    mark = "&#65;" if entities else ""
    body = "".join(_row(n, [f"{mark}{n * 7919 % 1000003:07d}"] * 20) for n in range(2, rows + 2))
    return xlsx(sheet_xml(header_xml() + body))


def billion_laughs() -> bytes:
    """A sheet whose DTD defines entities nine levels deep, ten of the level below each."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    laugh = '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return xlsx(sheet_xml(header_xml() + laugh, prolog=prolog))


def deep_xml(depth: int = 100_000) -> bytes:
    """A sheet whose data nests ``depth`` elements inside one another."""
    return xlsx(sheet_xml(header_xml() + "<x>" * depth + "</x>" * depth))


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def random_bytes(size: int = 4096) -> bytes:
    """Bytes that are no format at all (a fixed pseudo-random sequence)."""
    state, out = 20261129, bytearray()
    for _ in range(size):
        state = (state * 1103515245 + 12345) % 2**31
        out.append(state >> 23)
    return bytes(out)


def csv_text(rows: list[dict], delimiter: str = ";") -> str:
    """An e-PPGBM csv (header and ``rows`` by header) as text."""
    lines = [delimiter.join(TEMPLATE_HEADERS)]
    lines += [delimiter.join(str(row.get(h, "")) for h in TEMPLATE_HEADERS) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def utf16_without_mark(text: str) -> bytes:
    return text.encode("utf-16-le")


def utf16_with_mark(text: str) -> bytes:
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def long_line(chars: int) -> bytes:
    """A header, then one line of ``chars`` characters with no line break."""
    return (";".join(TEMPLATE_HEADERS) + "\n").encode() + b"x" * chars


def long_cell(chars: int) -> bytes:
    """A header, then a row whose name cell holds ``chars`` characters."""
    return (";".join(TEMPLATE_HEADERS) + "\n1906;" + "y" * chars + ";L\n").encode()


def many_rows_csv(rows: int) -> bytes:
    return (";".join(TEMPLATE_HEADERS) + "\n" + "1;Anak;L\n" * rows).encode()


def wide_csv(columns: int) -> bytes:
    return (";".join(TEMPLATE_HEADERS) + "\n" + ";".join(["1"] * columns) + "\n").encode()
