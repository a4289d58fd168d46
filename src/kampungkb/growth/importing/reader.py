"""The program that reads an uploaded xlsx or csv, run by ``sandbox`` in a child process.

Never imported by the server: it runs as ``python -I reader.py PATH KIND LIMITS`` with the
memory and CPU time it may use capped by the kernel, so a file that makes a parser allocate
without end (a cell at XFD1048576 asks python-calamine for 550 GB and it aborts the process)
or loop without end ends this process only. It uses the standard library and python-calamine
and nothing of kampungkb or Django.

Before reading, it checks what can be checked cheaply: an xlsx's parts from the zip directory
(how many, their unpacked size, their compression ratio), that no XML part declares a DTD
(entities: "billion laughs"), and the first sheet's ``<dimension>``; a csv's size, its
encoding, its line and cell lengths. Then it streams the non-blank rows to the file
descriptor it is given, as JSON lines ``[row number, cells]`` (``[row number, cells, [i,
...]]`` when the cells at those indexes are dates or times, written as text after a letter
for their type: d, t, h, s), and prints one JSON line on stdout: ``{"rows": n}``, or
``{"refused": reason, ...}`` naming what broke which limit. The server turns that into a
message in the user's language.
"""

import codecs
import csv
import datetime
import json
import os
import re
import resource
import sys
import zipfile

MAX_PARTS = 10_000  # an xlsx has a dozen; thousands means something else
MAX_RATIO = 200  # unpacked / packed size of a big part; sheets pack 5-30 times, bombs 1000
RATIO_FROM_BYTES = 10 * 2**20
PROLOG_BYTES = 64 * 1024  # where an XML part's DOCTYPE would be
SMALL_PART_BYTES = 16 * 2**20  # workbook.xml and its relationships
MAX_CELL_CHARS = 32_767  # what a spreadsheet cell holds
MAX_LINE_CHARS = 1_048_576  # one line of a csv
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?\s\w+:id=\"([^\"]*)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb"(\w+)=\"([^\"]*)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]*)(\d*)(?::([A-Za-z]+)(\d+))?\"")


class Refused(Exception):
    """The file breaks a limit or cannot be read; ``args[0]`` is the reason, ``details``
    what the message names."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.details = details


def column_number(letters: str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """A for 1, XFD for 16384."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# xlsx ------------------------------------------------------------------------------------


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part that declares a DTD (entities expand without bound)."""
    with archive.open(info) as part:
        head = part.read(PROLOG_BYTES)
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise Refused("dtd", part=info.filename)


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first sheet, as the workbook lists it (None: unknown).

    Read with two regular expressions, not an XML parser: nothing in these parts is expanded.
    """
    try:
        workbook = _small_part(archive, "xl/workbook.xml")
        rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    sheet = _SHEET.search(workbook)
    if sheet is None:
        return None
    for rel in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(rel.group(0)))
        if attributes.get(b"Id") == sheet.group(1):
            target = attributes.get(b"Target", b"").decode(errors="replace")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


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


_PLAIN = (str, float, int, bool, type(None))


def _kind(cell) -> str | None:
    # datetime before date: a datetime is a date too.
    for type_, kind in (
        (datetime.datetime, "t"),
        (datetime.date, "d"),
        (datetime.time, "h"),
        (datetime.timedelta, "s"),
    ):
        if isinstance(cell, type_):
            return kind
    return None


def _encode(cells: list) -> list | None:
    """Write date and time cells as typed text in place; return their indexes (or None)."""
    special = None
    for i, cell in enumerate(cells):
        if isinstance(cell, _PLAIN):
            continue
        kind = _kind(cell)
        if kind is None:
            cells[i] = str(cell)
            continue
        cells[i] = kind + (repr(cell.total_seconds()) if kind == "s" else cell.isoformat())
        special = special or []
        special.append(i)
    return special


def _blank(cells: list) -> bool:
    return not any(c not in (None, "") and str(c).strip() for c in cells)


def read_xlsx(path: str, limits: dict, out) -> int:
    check_xlsx(path, limits)
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    except Exception:  # calamine raises several unrelated types for a bad file
        raise Refused("not_xlsx") from None
    if sheet.start is None or sheet.height == 0 or sheet.width == 0:
        return 0
    first_col, (last_row, last_col) = sheet.start[1], sheet.end
    if last_row + 1 > limits["max_rows"] or last_col + 1 > limits["max_columns"]:
        raise Refused("dimension", cell=f"{column_letters(last_col + 1)}{last_row + 1}")
    pad = [""] * first_col
    written = 0
    # iter_rows yields rows from the first row of the sheet, cells from the first column used.
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if _blank(cells):
            continue
        for cell in cells:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise Refused("cell", row=number, limit=MAX_CELL_CHARS)
        cells = pad + cells if pad else cells
        _write(out, number, cells, _encode(cells))
        written += 1
    return written


def _write(out, number: int, cells: list, special) -> None:
    record = [number, cells] if special is None else [number, cells, special]
    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
    out.write(b"\n")


# csv -------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decodes_as(path: str, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                if "\x00" in decoder.decode(block):
                    raise Refused("nul")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_encoding(path: str) -> str:
    """The file's encoding: from its byte order mark, else UTF-8, else Windows-1252, else
    Latin-1 (which reads any bytes). A NUL character is refused: binary, or UTF-16 saved
    without its mark."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    marked = next((encoding for bom, encoding in _BOMS if head.startswith(bom)), None)
    if marked is None:
        return next(e for e in ("utf-8", "cp1252", "latin-1") if _decodes_as(path, e))
    if not _decodes_as(path, marked):
        raise Refused("not_csv")
    return marked


def _lines(fh):
    """The lines of ``fh``, none longer than MAX_LINE_CHARS (read no further than that)."""
    while line := fh.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise Refused("line", limit=MAX_LINE_CHARS)
        yield line


def read_csv(path: str, limits: dict, out) -> int:
    size = os.path.getsize(path)
    if size > limits["max_uncompressed_mb"] * 2**20:
        raise Refused("uncompressed", mb=-(-size // 2**20))
    encoding = csv_encoding(path)
    csv.field_size_limit(MAX_CELL_CHARS)
    written = 0
    with open(path, encoding=encoding, newline="") as fh:
        first = fh.readline(MAX_LINE_CHARS + 1)
        delimiter = max((";", ",", "\t"), key=first.count)
        fh.seek(0)
        reader = csv.reader(_lines(fh), delimiter=delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if number > limits["max_rows"]:
                    raise Refused("rows", limit=limits["max_rows"])
                if len(cells) > limits["max_columns"]:
                    raise Refused("columns", row=number, limit=limits["max_columns"])
                if not _blank(cells):
                    _write(out, number, cells, None)
                    written += 1
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise Refused("cell", row=number + 1, limit=MAX_CELL_CHARS) from None
            raise Refused("not_csv") from None
    return written


# the process -----------------------------------------------------------------------------


def _cap(limit: int, value: int) -> None:
    """Lower a resource limit, soft and hard (never above what this process may have)."""
    hard = resource.getrlimit(limit)[1]
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, value))


def _peak_mb() -> float:
    """This process's largest resident size since it started this program (VmHWM: the
    rusage figure would count the server's pages it was forked from)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    path, kind, limits = argv[1], argv[2], json.loads(argv[3])
    # No core file: this process holds children's NIKs and names.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _cap(resource.RLIMIT_AS, limits["memory_mb"] * 2**20)
    _cap(resource.RLIMIT_CPU, limits["seconds"])
    with os.fdopen(limits["fd"], "wb", buffering=1 << 16) as out:
        try:
            rows = (read_xlsx if kind == "xlsx" else read_csv)(path, limits, out)
        except Refused as refused:
            print(json.dumps({"refused": refused.args[0], **refused.details}))
            return 0
        except MemoryError:
            print(json.dumps({"refused": "memory"}))
            return 0
    print(json.dumps({"rows": rows, "peak_mb": _peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
