"""The xlsx part of the import reader: checks made before a sheet is read, then its rows,
streamed. Standard library only: it runs in the reader's process (``reader``).

Before reading, what can be checked cheaply: the parts from the zip directory (how many,
their unpacked size, their compression ratio), that no XML part declares a DTD (entities:
"billion laughs"; expat refuses one met later too), and the first sheet's ``<dimension>``.

The first sheet is then read as it is unpacked, one row at a time, written as it ends: its
plain rows (cells of the usual kinds, text with no markup or entity) by regular expressions,
rows of one shape a batch at a time (``reader_sheet``), everything else by expat, which is
given the whole part but those rows and so checks it is well formed (``_parse_sheet``).
What its cells point to is read first: the shared strings (a list of str, the one thing held
whole, at most max_rows x max_columns of them) and the number format of each cell
style, which tells a date from a number. Cells come out as python-calamine gives them
(``to_python``), which read the sheets before and held a whole sheet in memory (500 MB for
200,000 rows); the tests compare the two.
"""

import html
import re
import sys
import zipfile
from xml.parsers import expat

if __package__:
    from kampungkb.growth.importing.reader_rows import (
        MAX_CELL_CHARS,
        Refused,
        column_letters,
        column_number,
    )
    from kampungkb.growth.importing.reader_sheet import (
        SheetRows,
        builtin_kind,
        format_kind,
        local_name,
        trim,
        unescape,
    )
else:  # run by ``python -I reader.py``, whose folder it adds to the path
    from reader_rows import (
        MAX_CELL_CHARS,
        Refused,
        column_letters,
        column_number,
    )
    from reader_sheet import SheetRows, builtin_kind, format_kind, local_name, trim, unescape

MAX_PARTS = 10_000  # an xlsx has a dozen; thousands means something else
MAX_RATIO = 200  # unpacked / packed size of a big part; sheets pack 5-30 times, bombs 1000
RATIO_FROM_BYTES = 10 * 2**20
PROLOG_BYTES = 64 * 1024  # where an XML part's DOCTYPE would be
SMALL_PART_BYTES = 16 * 2**20  # workbook.xml and its relationships
# A <sheet> element, its relationship id among its attributes wherever it is (first or not).
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s(?:[^>]*?\s)?\w+:id=\"([^\"]*)\"[^>]*>")
_HIDDEN = re.compile(rb"\sstate=\"(?:hidden|veryHidden)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb"(\w+)=\"([^\"]*)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]*)(\d*)(?::([A-Za-z]+)(\d+))?\"")


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part that declares a DTD (entities expand without bound)."""
    with archive.open(info) as part:
        head = part.read(PROLOG_BYTES)
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise Refused("dtd", part=info.filename)


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first visible sheet, as the workbook lists it (None:
    unknown). A hidden sheet (the lists behind a template's drop-downs, often put first) is
    one the user never sees: the first sheet they see is the one they filled in. A workbook
    whose sheets are all hidden (Excel allows none) gives its first.

    Read with regular expressions, not an XML parser: nothing in these parts is expanded.
    """
    try:
        workbook = _small_part(archive, "xl/workbook.xml")
        rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    sheets = list(_SHEET.finditer(workbook))
    if not sheets:
        return None
    visible = [s for s in sheets if not _HIDDEN.search(s.group(0))]
    sheet = (visible or sheets)[0]
    for rel in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(rel.group(0)))
        if attributes.get(b"Id") == sheet.group(1):
            target = attributes.get(b"Target", b"").decode(errors="replace")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


_NAME = re.compile(rb"\sname=\"([^\"]*)\"")


def sheet_facts(path: str) -> tuple[str, int]:
    """The name of the sheet read (the first visible one) and how many sheets the user sees:
    what a message says when that sheet holds no header ("only the first sheet is read")."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = _small_part(archive, "xl/workbook.xml")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, Refused):
        return "", 0
    sheets = list(_SHEET.finditer(workbook))
    visible = [s for s in sheets if not _HIDDEN.search(s.group(0))] or sheets
    if not visible:
        return "", 0
    name = _NAME.search(visible[0].group(0))
    text = html.unescape(name.group(1).decode("utf-8", errors="replace")) if name else ""
    return text, len(visible)


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        data = part.read(SMALL_PART_BYTES + 1)
    if len(data) > SMALL_PART_BYTES:
        raise Refused("not_xlsx")
    return data


def _check_dimension(archive: zipfile.ZipFile, name: str, limits: dict) -> None:
    """Refuse a sheet whose ``<dimension>`` reaches past the row or column limit."""
    try:
        with archive.open(name) as part:
            head = part.read(PROLOG_BYTES)
    except KeyError:
        return
    found = _DIMENSION.search(head)
    if found is None:
        return
    first_col, first_row, last_col, last_row = (g.decode() for g in found.groups(b""))
    letters, row = (last_col, last_row) if last_col else (first_col, first_row)
    if not letters or not row:
        return
    if int(row) > limits["max_rows"] or column_number(letters) > limits["max_columns"]:
        raise Refused("dimension", cell=f"{letters.upper()}{int(row)}")


def check_xlsx(path: str, limits: dict) -> None:
    """The checks made before python-calamine reads a byte of the sheet."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused("not_xlsx") from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise Refused("parts", count=len(parts), limit=MAX_PARTS)
        unpacked = sum(info.file_size for info in parts)
        if unpacked > limits["max_uncompressed_mb"] * 2**20:
            raise Refused("uncompressed", mb=-(-unpacked // 2**20))
        for info in parts:
            if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise Refused("bomb", part=info.filename, ratio=MAX_RATIO)
        try:
            for info in parts:
                if info.filename.endswith((".xml", ".rels")):
                    _check_prolog(archive, info)
            sheet = _first_sheet(archive)
            if sheet is not None:
                _check_dimension(archive, sheet, limits)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            raise Refused("not_xlsx") from None


_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
_RELS_TYPE = re.compile(rb"/(sharedStrings|styles)$")
_DATE_1904 = re.compile(rb"<(?:\w+:)?workbookPr\s[^>]*?date1904=\"(?:1|true)\"")


def _expat(handlers: dict):
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.ordered_attributes = False

    def refuse_dtd(*_args):
        raise Refused("dtd", part="")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    return parser


def _refusal_raise(error: Exception, name: str) -> None:
    """Raise what expat's ``error`` reading the part ``name`` means to the reader: a DTD
    refusal naming the part, memory for expat's own out-of-memory, else a file that is not
    an xlsx (a refusal of ours passes as it is)."""
    if isinstance(error, Refused):
        if error.args[0] == "dtd":
            raise Refused("dtd", part=name) from None
        raise error
    if error.code == expat.errors.codes[expat.errors.XML_ERROR_NO_MEMORY]:
        raise MemoryError from None
    raise Refused("not_xlsx") from None


def _parse(archive: zipfile.ZipFile, name: str, handlers: dict) -> None:
    """Feed the part ``name`` to expat block by block (never the whole part at once)."""
    parser = _expat(handlers)
    try:
        with archive.open(name) as part:
            while block := part.read(1 << 16):
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except (Refused, expat.ExpatError) as error:
        _refusal_raise(error, name)


FAST_HEAD_BYTES = 1 << 20  # where <sheetData> must start for the fast path to be taken
FAST_PENDING_BYTES = 1 << 22  # a row longer than this is left to expat
SHEET_BLOCK_BYTES = 1 << 19  # the rows read at a time: batches of hundreds of rows
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[^>]*?\?>)?")
_ENCODING = re.compile(rb"encoding=[\"']([^\"']*)")


def _plain_head(head: bytes) -> bool:
    """Whether what comes before ``<sheetData>`` lets the fast path read the rows: UTF-8,
    and no comment, CDATA, processing instruction or DTD (nothing in which a ``<row`` would
    not be a row)."""
    declaration = _DECLARATION.match(head).group(0)
    encoding = _ENCODING.search(declaration)
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    rest = head[len(declaration) :]
    return rest.startswith(b"<") and b"<?" not in rest and b"<!" not in rest


def _parse_sheet(archive: zipfile.ZipFile, name: str, reader: SheetRows, *, fast: bool) -> None:
    """Feed the sheet to ``reader`` as it unpacks: its plain rows by ``reader.fast``, the
    rest by expat, in order.

    Expat is given the whole part but the rows read fast: each is an element on its own
    (its start and end tags, plain cells, text with no markup or entity), so the document
    expat sees is well formed when the part is, and expat checks everything else (the
    prolog, DTDs, other rows, what follows the rows). A row is read fast only while expat
    is in ``<sheetData>`` (no comment or CDATA in which it would be text) and the part is
    UTF-8; anything unusual goes to expat, and after a comment or processing instruction
    among the rows, all the rest.
    """
    parser = _expat(
        {
            "StartElementHandler": reader.start,
            "EndElementHandler": reader.end,
            "CharacterDataHandler": reader.chars,
        }
    )
    prefix = re.escape(reader.prefix).encode()
    opening = re.compile(rb"<" + prefix + rb"sheetData[ \t\r\n]*>")
    closing = re.compile(rb"[ \t\r\n]*</" + prefix + rb"sheetData[ \t\r\n]*>")
    close_row = reader.close_row.encode()
    mode = "head" if fast else "expat"  # then "rows" (the fast path), or "expat" for the rest

    def to_expat(data: bytes) -> tuple[str, bytes]:
        """Give expat ``data`` and, from now on, the rest of the part."""
        parser.Parse(data, False)
        return "expat", b""

    pending = b""
    depth = 0  # expat's in <sheetData>
    try:
        with archive.open(name) as part:
            while block := part.read(SHEET_BLOCK_BYTES):
                if mode == "expat":
                    parser.Parse(block, False)
                    continue
                pending += block
                if mode == "head":
                    found = opening.search(pending)
                    if found is None:
                        if len(pending) > FAST_HEAD_BYTES:
                            mode, pending = to_expat(pending)
                        continue
                    head, pending = pending[: found.end()], pending[found.end() :]
                    parser.Parse(head, False)
                    if not _plain_head(head):
                        mode, pending = to_expat(pending)
                        continue
                    mode, depth = "rows", reader.depth
                cut = pending.rfind(close_row)
                if cut >= 0:
                    cut += len(close_row)
                    if not _rows(parser, reader, pending[:cut], depth):
                        mode, pending = to_expat(pending[cut:])
                        continue
                    pending = pending[cut:]
                if closing.match(pending) or len(pending) > FAST_PENDING_BYTES:
                    mode, pending = to_expat(pending)
            parser.Parse(pending, False)
            parser.Parse(b"", True)
    except (Refused, expat.ExpatError) as error:
        _refusal_raise(error, name)


def _rows(parser, reader: SheetRows, chunk: bytes, depth: int) -> bool:
    """Read the rows of ``chunk`` (whole rows), plain ones fast, others by expat; False when
    the rest of the part must go to expat (given what of ``chunk`` was not read)."""
    try:
        text = chunk.decode()
    except UnicodeDecodeError:
        parser.Parse(chunk, False)  # expat refuses it
        return False
    pos, end = 0, len(text)
    while pos < end:
        if reader.depth == depth:
            pos = reader.fast(text, pos)
            if pos >= end:
                break
        stop = text.find(reader.close_row, pos) + len(reader.close_row)
        piece = text[pos:stop]
        if "<!" in piece or "<?" in piece:
            parser.Parse(text[pos:].encode(), False)
            return False
        parser.Parse(piece.encode(), False)
        pos = stop
    return True


def _parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The zip paths of the shared strings and styles, as the workbook's relationships name
    them (else where every workbook has them)."""
    found = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
    try:
        rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return found
    for rel in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(rel.group(0)))
        kind = _RELS_TYPE.search(attributes.get(b"Type", b""))
        if kind is not None:
            target = attributes.get(b"Target", b"").decode(errors="replace")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            found[kind.group(1).decode()] = path
    return found


def shared_strings(archive: zipfile.ZipFile, name: str, limits: dict) -> list[str]:
    """The workbook's shared strings in order (the text of an ``<si>``, its phonetic runs
    left out); one longer than a cell holds is kept one character too long, to be refused
    with its row when a cell uses it."""
    strings: list[str] = []
    limit = limits["max_rows"] * limits["max_columns"]
    text: list[str] = []
    run: list[str] = []  # the text of the <t> being read
    size = 0
    state = {"in_t": False, "phonetic": 0, "preserve": False}

    def start(name, attrs):
        local = local_name(name)
        if local == "t":
            state["in_t"] = True
            state["preserve"] = attrs.get("xml:space") == "preserve"
            run.clear()
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "si":
            nonlocal size
            text.clear()
            size = 0

    def end(name):
        local = local_name(name)
        if local == "t":
            state["in_t"] = False
            if not state["phonetic"]:
                text.append(trim("".join(run), state["preserve"]))
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            if len(strings) >= limit:
                raise Refused("strings", limit=limit)
            strings.append(sys.intern(unescape("".join(text))))

    def chars(data):
        nonlocal size
        if state["in_t"] and not state["phonetic"] and size <= MAX_CELL_CHARS:
            run.append(data[: MAX_CELL_CHARS + 1 - size])
            size += len(run[-1])

    if name in archive.NameToInfo:
        handlers = {
            "StartElementHandler": start,
            "EndElementHandler": end,
            "CharacterDataHandler": chars,
        }
        _parse(archive, name, handlers)
    return strings


def style_kinds(archive: zipfile.ZipFile, name: str) -> list[str | None]:
    """For each cell style (``s`` of a cell), whether its number format is a date (t), a
    duration (s) or anything else (None)."""
    custom: dict[int, str] = {}
    ids: list[int] = []
    depth = {"cellXfs": False}

    def start(name, attrs):
        local = local_name(name)
        if local == "numFmt":
            number = attrs.get("numFmtId", "")
            if number.isascii() and number.isdigit():
                custom[int(number)] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            depth["cellXfs"] = True
        elif local == "xf" and depth["cellXfs"]:
            try:
                ids.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                ids.append(0)

    def end(name):
        if local_name(name) == "cellXfs":
            depth["cellXfs"] = False

    if name in archive.NameToInfo:
        _parse(archive, name, {"StartElementHandler": start, "EndElementHandler": end})
    kinds = []
    for id_ in ids:
        kinds.append(format_kind(custom[id_]) if id_ in custom else builtin_kind(id_))
    return kinds


def _prefix(archive: zipfile.ZipFile, name: str) -> str:
    """The namespace prefix of the sheet's elements ("x:" in <x:worksheet>, usually none)."""
    with archive.open(name) as part:
        found = _ROOT.search(part.read(PROLOG_BYTES))
    return found.group(1).decode() if found and found.group(1) else ""


def read_xlsx(path: str, limits: dict, out) -> tuple[int, int, list[int]]:
    """Write the first sheet's non-blank rows to ``out``; return how many, the width of
    the widest (the rows are written without their empty cells at the end) and the merged
    ranges (``SheetRows.merges``: four numbers a range)."""
    reader = read_sheet(path, limits, out)
    if reader.far:
        row, column = reader.far  # the furthest cell past a limit; the widest row may be before
        width = max(column + 1, reader.width)
        raise Refused("dimension", cell=f"{column_letters(width)}{row}")
    return reader.written, reader.width, reader.merges.tolist()


def read_sheet(path: str, limits: dict, out, *, fast: bool = True) -> SheetRows:
    """Check the workbook, then write its first sheet's rows within the limits to ``out``;
    return the reader, which knows what it read. ``fast=False`` gives every row to expat (what
    the tests compare the fast path with)."""
    check_xlsx(path, limits)
    try:
        archive = zipfile.ZipFile(path)
        with archive:
            sheet = _first_sheet(archive)
            if sheet is None or sheet not in archive.NameToInfo:
                raise Refused("not_xlsx")
            workbook = _small_part(archive, "xl/workbook.xml")
            parts = _parts(archive)
            strings = shared_strings(archive, parts["sharedStrings"], limits)
            kinds = style_kinds(archive, parts["styles"])
            date1904 = _DATE_1904.search(workbook) is not None
            reader = SheetRows(out, limits, strings, kinds, date1904, _prefix(archive, sheet))
            _parse_sheet(archive, sheet, reader, fast=fast)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, NotImplementedError):
        raise Refused("not_xlsx") from None
    return reader
