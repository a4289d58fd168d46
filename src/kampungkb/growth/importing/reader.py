"""The program that reads an uploaded xlsx or csv, run by ``sandbox`` in a child process.

Never imported by the server: it runs as ``python -I reader.py PATH KIND LIMITS`` with the
memory and CPU time it may use capped by the kernel, so a file that makes the reader allocate
or loop without end ends this process only. It uses the standard library only (its modules
``reader_rows``, ``reader_xlsx`` and ``reader_sheet``), nothing of kampungkb or Django.

Before reading, it checks what can be checked cheaply: an xlsx's parts from the zip directory
(how many, their unpacked size, their compression ratio), that no XML part declares a DTD
(entities: "billion laughs"), and the first sheet's ``<dimension>``; a csv's size, its
encoding, its line and cell lengths. Then it streams the non-blank rows to the file
descriptor it is given, in frames of rows (``reader_rows``): an xlsx sheet is read as it
unpacks (plain rows by regular expressions, the rest by expat), so the reader holds a block
of rows and the shared strings, never the sheet; a csv
without quotes is read a block of lines at a time, each line split by C code (a csv with
quotes, or with a line longer than a cell may be, is read by the ``csv`` module). It prints
one JSON line on stdout: ``{"rows": n, "width": w}`` (an xlsx's rows are written without
their empty cells at the end; ``w`` is the widest; ``"merges"``, its merged ranges: four
numbers a range, top row, first column, bottom row, last column), or
``{"refused": reason, ...}`` naming what broke which limit. The server turns that into a
message in the user's language.
"""

import codecs
import csv
import json
import os
import resource
import sys
from collections import Counter
from itertools import repeat

sys.path.append(os.path.dirname(os.path.abspath(__file__)))  # its two modules, by name

from reader_rows import (
    BLOCK_CHARS,
    CELL_SEP,
    MAX_CELL_CHARS,
    ROW_SEP,
    Frames,
    Refused,
    is_blank,
    write_row,
)
from reader_xlsx import read_xlsx, sheet_facts

MAX_LINE_CHARS = 1_048_576  # one line of a csv


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


class _NotPlain(Exception):
    """The csv needs the ``csv`` module: it quotes, or a line may hold a cell too long."""


def _plain_csv(fh, delimiter: str, limits: dict, out: Frames) -> int:
    """Read a csv without quotes a block at a time; raise _NotPlain as soon as it has any.

    Without quotes a record is a line (ended by LF, CR LF or CR, as the ``csv`` module and
    a file read with ``newline=""`` end them) and its cells are what lies between the
    delimiters: one ``str.split`` a block, no Python a cell. A line no longer than a cell may
    be holds no cell and no line past their limits, so the refusals left are the csv
    module's own (too many rows, too many columns), made in the same order.
    """
    max_rows, max_columns = limits["max_rows"], limits["max_columns"]
    number = written = 0
    carry = ""
    while True:
        block = fh.read(BLOCK_CHARS)
        text = carry + block
        if block:
            # A CR at the very end may be the first half of CR LF: left for the next block.
            end = len(text) - 1 if text.endswith("\r") else len(text)
            cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
            carry, text = text[cut:], text[:cut]
            if len(carry) > MAX_CELL_CHARS:
                raise _NotPlain
            if not text:
                continue
        elif not text:
            return written
        else:
            carry = ""  # the last line, without a line end
        if '"' in text or CELL_SEP in text or ROW_SEP in text:
            raise _NotPlain
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()  # what follows the last line end
        if max(map(len, lines)) > MAX_CELL_CHARS:
            raise _NotPlain
        counts = list(map(str.count, lines, repeat(delimiter)))
        if max(counts) >= max_columns or number + len(lines) > max_rows:
            for i, count in enumerate(counts, start=number + 1):
                if i > max_rows:
                    raise Refused("rows", limit=max_rows)
                if count >= max_columns:
                    raise Refused("columns", row=i, limit=max_columns)
        # A line is blank when all its cells are white space: without the delimiters, it is.
        filled = list(map(str.strip, map(str.replace, lines, repeat(delimiter), repeat(""))))
        if all(filled):
            numbers = range(number + 1, number + 1 + len(lines))
        else:
            numbers = [n for n, kept in enumerate(filled, start=number + 1) if kept]
            lines = [line for line, kept in zip(lines, filled, strict=True) if kept]
        number += len(filled)
        payload = ROW_SEP.join(lines)
        if delimiter != CELL_SEP:
            payload = payload.replace(delimiter, CELL_SEP)
        out.text(numbers, payload)
        written += len(numbers)


def _module_csv(fh, delimiter: str, limits: dict, out: Frames) -> int:
    """Read a csv row by row with the ``csv`` module (quotes, long lines)."""
    reader = csv.reader(_lines(fh), delimiter=delimiter)
    number = written = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number > limits["max_rows"]:
                raise Refused("rows", limit=limits["max_rows"])
            if len(cells) > limits["max_columns"]:
                raise Refused("columns", row=number, limit=limits["max_columns"])
            if not is_blank(cells):
                write_row(out, number, cells, None, sum(map(len, cells)))
                written += 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise Refused("cell", row=number + 1, limit=MAX_CELL_CHARS) from None
        raise Refused("not_csv") from None
    out.flush()
    return written


DELIMITERS = (";", ",", "\t")  # in this order when lines use them alike
DELIMITER_LINES = 10  # the lines the header is looked for in (``parse.HEADER_SEARCH_ROWS``)


def _delimiter(fh) -> str:
    """The delimiter the first lines use alike: the one that parts the most of them into the
    same number of cells (more cells first, then ``DELIMITERS``' order). The header and the
    rows below it agree, a title above them does not ("Data Keluarga, Desa Kurnia Jaya" above
    a header split by semicolons; a title without any, or a blank line, above one split by
    commas), nor do the commas of an address in a row of a tab-separated file."""
    counts: dict[str, list[int]] = {d: [] for d in DELIMITERS}
    for _ in range(DELIMITER_LINES):
        line = fh.readline(MAX_LINE_CHARS + 1)
        if not line:
            break
        if line.strip():
            for delimiter in DELIMITERS:
                counts[delimiter].append(line.count(delimiter))

    def agreement(delimiter: str) -> tuple[int, int, int]:
        seen = Counter(n for n in counts[delimiter] if n)
        lines, cells = max(((k, n) for n, k in seen.items()), default=(0, 0))
        return lines, cells, -DELIMITERS.index(delimiter)

    return max(DELIMITERS, key=agreement)


def read_csv(path: str, limits: dict, out: Frames) -> int:
    size = os.path.getsize(path)
    if size > limits["max_uncompressed_mb"] * 2**20:
        raise Refused("uncompressed", mb=-(-size // 2**20))
    encoding = csv_encoding(path)
    csv.field_size_limit(MAX_CELL_CHARS)
    with open(path, encoding=encoding, newline="") as fh:
        delimiter = _delimiter(fh)
        fh.seek(0)
        try:
            return _plain_csv(fh, delimiter, limits, out)
        except _NotPlain:
            out.restart()
            fh.seek(0)
        return _module_csv(fh, delimiter, limits, out)


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
    with os.fdopen(limits["fd"], "wb", buffering=1 << 16) as fd:
        out = Frames(fd)
        try:
            sheet, sheets, merges = "", 0, []
            if kind == "xlsx":
                rows, width, merges = read_xlsx(path, limits, out)
                sheet, sheets = sheet_facts(path)
            else:
                rows, width = read_csv(path, limits, out), 0
            out.flush()
        except Refused as refused:
            print(json.dumps({"refused": refused.args[0], **refused.details}))
            return 0
        except MemoryError:
            print(json.dumps({"refused": "memory"}))
            return 0
    facts = {"rows": rows, "width": width, "sheet": sheet, "sheets": sheets}
    if merges:
        facts["merges"] = merges
    print(json.dumps({**facts, "peak_mb": _peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
