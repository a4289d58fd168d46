"""What the import reader writes and what it refuses: shared by ``reader`` (the program, and
its csv) and ``reader_xlsx``. Standard library only: it runs in the reader's process.

A row is written as a JSON line ``[row number, cells]`` (``[row number, cells, [i, ...]]``
when the cells at those indexes are dates or times, written as text after a letter for their
type: d, t, h, s).
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


def write_row(out, number: int, cells: list, special) -> None:
    record = [number, cells] if special is None else [number, cells, special]
    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
    out.write(b"\n")
