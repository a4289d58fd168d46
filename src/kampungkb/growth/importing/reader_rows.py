"""What the import reader writes and what it refuses: shared by ``reader`` (the program, and
its csv) and ``reader_xlsx``. Standard library only: it runs in the reader's process.

The rows are written in frames of up to ``FRAME_ROWS`` rows, so that the server decodes a
frame with one call into C, not a row at a time. A frame is a header line, ASCII::

    KIND SIZE NUMBER,NUMBER,...\n

(``KIND`` ``s`` or ``j``; ``SIZE`` the bytes of the payload that follows; the row numbers of
its rows, ascending), then the payload, UTF-8:

- ``s`` (text): the rows joined by U+001E, each row's cells by U+001F; every cell is text
  and none holds either separator (what a csv gives);
- ``j`` (JSON): ``[rows, typed]``: the rows as lists of cells, and ``[[i, [j, ...]], ...]``
  for the rows whose cells at those indexes are dates or times, written as text after a
  letter for their type: d, t, h, s (what a sheet gives).

Never pickle or marshal: the server decodes text it checks, whatever the file made the reader
write.
"""

import datetime
import json

MAX_CELL_CHARS = 32_767  # what a spreadsheet cell holds


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


def encode(cells: list) -> list | None:
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


def is_blank(cells: list) -> bool:
    return not any(c not in (None, "") and str(c).strip() for c in cells)


CELL_SEP, ROW_SEP = "\x1f", "\x1e"  # the separators of a text frame
FRAME_ROWS = 2048
BLOCK_CHARS = 1 << 18  # what the csv's plain path reads at a time (a text frame: ~2,000 rows)
FRAME_CHARS = 1 << 20  # a frame ends after the row that brings its text past this


def _header(kind: bytes, size: int, numbers) -> bytes:
    return b"%s %d %s\n" % (kind, size, ",".join(map(str, numbers)).encode())


class Frames:
    """The rows as the reader writes them to ``out``, in frames (see the module's text)."""

    def __init__(self, out):
        self.out = out
        self._numbers: list[int] = []
        self._rows: list[list] = []
        self._typed: list = []
        self._chars = 0

    def row(self, number: int, cells: list, special, chars: int) -> None:
        """Add a row to the JSON frame being made (``special``: its typed cells; ``chars``:
        about how long its text is, so that a frame of long cells stays small)."""
        if special is not None:
            self._typed.append([len(self._rows), special])
        self._numbers.append(number)
        self._rows.append(cells)
        self._chars += chars
        if len(self._rows) >= FRAME_ROWS or self._chars >= FRAME_CHARS:
            self.flush()

    def text(self, numbers, payload: str) -> None:
        """Write a text frame: ``payload`` the rows of ``numbers``, already joined by
        ``ROW_SEP`` and ``CELL_SEP`` (no cell holding either)."""
        self.flush()
        if numbers:
            data = payload.encode()
            self.out.write(_header(b"s", len(data), numbers))
            self.out.write(data)

    def flush(self) -> None:
        if not self._rows:
            return
        data = json.dumps(
            [self._rows, self._typed], ensure_ascii=False, separators=(",", ":")
        ).encode()
        self.out.write(_header(b"j", len(data), self._numbers))
        self.out.write(data)
        self._numbers, self._rows, self._typed = [], [], []
        self._chars = 0

    def restart(self) -> None:
        """Forget every row written (the output is a plain file: it is cut back to nothing)."""
        self._numbers, self._rows, self._typed = [], [], []
        self._chars = 0
        self.out.flush()
        self.out.seek(0)
        self.out.truncate()


def write_row(out: Frames, number: int, cells: list, special, chars: int) -> None:
    out.row(number, cells, special, chars)
