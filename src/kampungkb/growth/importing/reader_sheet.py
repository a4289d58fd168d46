"""A sheet's XML turned into rows as the import reader streams it (``reader_xlsx`` feeds it
to expat): each cell's value as python-calamine gave it (``to_python``), which the reader used
before and which held the whole sheet in memory. Standard library only.
"""

import datetime
import math
import re

if __package__:
    from kampungkb.growth.importing.reader_rows import (
        MAX_CELL_CHARS,
        Refused,
        column_number,
        encode,
        is_blank,
        write_row,
    )
else:  # run by ``python -I reader.py``, whose folder it adds to the path
    from reader_rows import MAX_CELL_CHARS, Refused, column_number, encode, is_blank, write_row

_DATE_FORMAT_IDS = frozenset((*range(14, 23), 45, 47))
_DURATION_FORMAT_IDS = frozenset((46,))
_EPOCH = datetime.datetime(1899, 12, 30)
_DAY_MS = 86_400_000
_DAYS_1904 = 1462  # the 1904 date system's day 0 is day 1462 of the 1900 one
_DIGITS = "0123456789"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how a workbook writes a control character


def trim(text: str, preserve: bool) -> str:
    """The text of a ``<t>``: without the white space at its ends unless it says to keep it."""
    return text if preserve else text.strip(" \t\r\n")


def unescape(text: str) -> str:
    return _ESCAPED.sub(lambda found: chr(int(found.group(1), 16)), text) if "_x" in text else text


def builtin_kind(number_format: int) -> str | None:
    """What a built-in number format shows: a date or time (t), a duration (s), or a number."""
    if number_format in _DATE_FORMAT_IDS:
        return "t"
    return "s" if number_format in _DURATION_FORMAT_IDS else None


def format_kind(code: str) -> str | None:
    """``t`` when a custom number format shows a date or time, ``s`` a duration ([h]:mm),
    None a number: the rule python-calamine follows (only the first section counts; quoted
    text, escaped characters and [colours] or [conditions] do not)."""
    escaped = quoted = ampm = hms = False
    brackets = 0
    previous = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return None
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and hms:
            return "s"
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif brackets == 0 and not ampm and char in "aA":
            ampm = True
        elif (brackets == 0 and ampm and char in "pm/PM") or (
            brackets == 0 and not ampm and char in "dmhysDMHYS"
        ):
            return "t"
        elif not (hms and char.lower() == previous.lower()):
            hms = previous == "[" and char in "mhsMHS"
        previous = char
    return None


def local_name(name: str) -> str:
    return name.rpartition(":")[2]


def _number(text: str) -> float | str:
    """A number cell's value; text that is no number (Python would take " 1_0 ") as it is."""
    try:
        number = float(text)
    except ValueError:
        return text
    return text if "_" in text or text[0].isspace() or text[-1].isspace() else number


def _round_half_away(value: float) -> int:
    return math.floor(value + 0.5) if value >= 0 else math.ceil(value - 0.5)


def serial_value(number: float, kind: str, date1904: bool):
    """A serial number in a date (or duration) style, as python-calamine gives it: a time
    below 1, a date when whole, else a date and time; a duration as a timedelta. Excel's
    day 60 (29 February 1900, which never was) reads as the day before 1 March 1900."""
    if kind == "s":
        return datetime.timedelta(milliseconds=_round_half_away(number * _DAY_MS))
    days = number + _DAYS_1904 if date1904 else number
    if days < 60:
        days += 1
    try:
        moment = _EPOCH + datetime.timedelta(milliseconds=_round_half_away(days * _DAY_MS))
    except OverflowError:
        return number  # no date Python can hold: the number, which no date parser takes
    if number < 1.0:
        return moment.time()
    if number == math.trunc(number):
        return moment.date()
    return moment


def _iso_value(text: str):
    """A ``t="d"`` cell (ISO 8601 text): a date, a date and time, or a time."""
    for parse in (datetime.date.fromisoformat, datetime.datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            pass
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        return text


class SheetRows:
    """The expat handlers that turn a sheet's XML into rows written to ``out``.

    Called for every element of the sheet, millions of times: written for speed (the element
    names compared whole, with the namespace prefix the sheet uses; a cell's value kept while
    its row is read).
    """

    def __init__(self, out, limits: dict, strings: list[str], kinds, date1904: bool, prefix=""):
        self.out = out
        self.max_rows = limits["max_rows"]
        self.max_columns = limits["max_columns"]
        self.strings = strings
        self.kinds = kinds
        self.date1904 = date1904
        self.tags = {prefix + name: name for name in ("c", "v", "row", "is", "t", "rPh")}
        self.columns: dict[str, int] = {}
        self.number = 0  # the row being read
        self.cells: list = []
        self.column = -1  # of the cell being read (0 for A)
        self.type = "n"
        self.style = 0
        self.text: str | None = None  # the value's text while it is read
        self.inline = False
        self.preserve = False
        self.phonetic = 0
        self.value = None
        self.written = 0
        self.row_chars = 0  # of the text cells of the row being read (to size the frames)
        self.width = 0
        self.far = None  # (row, column) past a limit: only the sheet's extent is read on

    def start(self, name, attrs):
        tag = self.tags.get(name)
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                column = self.columns.get(ref.rstrip(_DIGITS))
                if column is None:
                    column = self._column(ref.rstrip(_DIGITS))
            else:
                column = self.column + 1
            self.column = column
            self.type = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.value = None
            self.inline = False
        elif tag == "v":
            self.text = ""
        elif tag == "row":
            ref = attrs.get("r")
            number = int(ref) if ref else self.number + 1
            if number <= self.number:  # rows come in order (the spool is searched by number)
                raise Refused("not_xlsx")
            self.number = number
            self.cells = []
            self.row_chars = 0
            self.column = -1
        elif tag == "is":
            self.inline = True
            self.value = ""
        elif tag == "t" and self.inline and not self.phonetic:
            self.text = ""
            self.preserve = attrs.get("xml:space") == "preserve"
        elif tag == "rPh":
            self.phonetic += 1

    def _column(self, letters: str) -> int:
        column = column_number(letters) - 1
        if column < self.max_columns:
            self.columns[letters] = column
        return column

    def chars(self, data):
        if self.text is not None:
            text = self.text + data
            if len(text) > MAX_CELL_CHARS:
                raise Refused("cell", row=self.number, limit=MAX_CELL_CHARS)
            self.text = text

    def end(self, name):
        tag = self.tags.get(name)
        if tag == "c":
            if self.value is not None:
                self._cell(self.value)
        elif tag == "v":
            self.value = self.text or None  # a formula not yet computed: empty
            self.text = None
        elif tag == "row":
            cells = self.cells
            if cells and not self.far and not is_blank(cells):
                write_row(self.out, self.number, cells, encode(cells), self.row_chars)
                self.written += 1
        elif tag == "t" and self.text is not None and self.inline:
            self.value += trim(self.text, self.preserve)
            self.text = None
            if len(self.value) > MAX_CELL_CHARS:
                raise Refused("cell", row=self.number, limit=MAX_CELL_CHARS)
        elif tag == "rPh":
            self.phonetic -= 1

    def _cell(self, text: str) -> None:
        column = self.column
        if self.number > self.max_rows or column >= self.max_columns or self.far:
            far = self.far or (0, 0)
            self.far = (max(far[0], self.number), max(far[1], column))
            return
        kind = self.type
        try:
            if kind == "n":
                value = _number(text)
                if self.style:
                    style = int(self.style)
                    style = self.kinds[style] if style < len(self.kinds) else None
                    if style is not None and not isinstance(value, str):
                        value = serial_value(value, style, self.date1904)
            elif kind == "s":
                value = self.strings[int(text)]
                if len(value) > MAX_CELL_CHARS:
                    raise Refused("cell", row=self.number, limit=MAX_CELL_CHARS)

            elif kind == "inlineStr":
                value = unescape(text)

            elif kind == "b":
                value = text != "0"
            elif kind == "e":
                value = ""
            elif kind == "d":
                value = _iso_value(text)
            else:  # str: a formula's text
                value = text
        except (ValueError, IndexError):
            raise Refused("not_xlsx") from None
        if type(value) is str:
            self.row_chars += len(value)
        cells = self.cells
        if column == len(cells):
            cells.append(value)
        elif column > len(cells):
            cells.extend([""] * (column - len(cells)))
            cells.append(value)
        else:
            cells[column] = value
        if column >= self.width:
            self.width = column + 1
