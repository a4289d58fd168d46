"""A sheet's XML turned into rows as the import reader streams it: each cell's value as
python-calamine gave it (``to_python``), which the reader used before and which held the whole
sheet in memory. Standard library only.

``SheetRows`` has expat's handlers (three Python calls a cell) and ``fast``, which
``reader_xlsx`` gives the plain rows: one regular expression a row, and for rows of one shape
(an export's) one a row and the cells turned into values a column at a time. The tests
compare the two on every kind of cell.
"""

import datetime
import functools
import math
import re
from array import array
from itertools import repeat

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
    from reader_rows import (
        MAX_CELL_CHARS,
        Refused,
        column_number,
        encode,
        is_blank,
        write_row,
    )

_DATE_FORMAT_IDS = frozenset((*range(14, 23), 45, 47))
_DURATION_FORMAT_IDS = frozenset((46,))
_EPOCH = datetime.datetime(1899, 12, 30)
_DAY_MS = 86_400_000
_DAYS_1904 = 1462  # the 1904 date system's day 0 is day 1462 of the 1900 one
_DIGITS = "0123456789"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how a workbook writes a control character


_W = "[ \t\r\n]"  # XML's white space
_NAME = "[A-Za-z_][A-Za-z0-9_.:-]*"
_VALUE = '"[^"<&\x00-\x1f]*"'  # an attribute's value with nothing to expand or normalise
# Text as it is: no markup, no entity, no CR (expat turns CR LF into LF), no character XML refuses
_TEXT = "[^<&\x00-\x08\x0b-\x1f\ufffe\uffff]*"
_NUMBER = "-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"  # what float() reads as _number does
_TYPED = ("number", "bool", "t", "s")  # how a batch reads a column that is never blank
_FIRST_R = re.compile(' r="[0-9]+"(.*)', re.DOTALL)
_MERGE_REF = re.compile("([A-Za-z]{1,3})([0-9]{1,7}):([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_ATTRIBUTE = re.compile(f'({_NAME})="([^"]*)"')


def _formula(prefix: str) -> str:
    """A cell's ``<f>``: its text is not read (its value is the ``<v>`` that follows)."""
    p = re.escape(prefix)
    text = "[^<&\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]*"
    return f"<{p}f(?:{_W}+{_NAME}={_VALUE})*{_W}*(?:/>|>{text}</{p}f>)"


def _fast_patterns(prefix: str):
    """The regular expressions of the fast path for a sheet whose elements carry ``prefix``:
    a row's start tag, a cell of the plain kinds (groups: column letters, style, type, an
    ``<f>``, the ``<v>`` text, an ``<is>``, its ``xml:space``, its ``<t>`` text), a row's body
    made of such cells only."""
    p = re.escape(prefix)
    row = re.compile(f"{_W}*<{p}row((?:{_W}+{_NAME}={_VALUE})*){_W}*(/?)>")
    formula = _formula(prefix)
    cell = (
        f'<{p}c(?: r="([A-Z]{{1,3}})[0-9]+")?(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?{_W}*'
        f"(?:/>|>({formula})?(?:<{p}v>({_TEXT})</{p}v>|<{p}v/>|(<{p}is>)"
        f'<{p}t( xml:space="preserve")?>({_TEXT})</{p}t></{p}is>)?</{p}c>)'
    )
    return row, re.compile(cell), re.compile(f"(?:{_W}*{cell})*{_W}*")


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
        try:
            return datetime.timedelta(milliseconds=_round_half_away(number * _DAY_MS))
        except OverflowError:
            return number  # no duration Python can hold: the number, read as the cell's
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


def _first_long(column, keep: int) -> int:
    """``keep``, or fewer: the index of the first cell longer than a cell may be."""
    if max(map(len, column)) <= MAX_CELL_CHARS:
        return keep
    return min(keep, next(i for i, text in enumerate(column) if len(text) > MAX_CELL_CHARS))


def _typed_serial(kind: str, date1904: bool):
    """A number in a date style read as ``SheetRows._cell`` and ``encode`` write it (dates
    repeat down a column: each is worked out once)."""

    @functools.lru_cache(maxsize=1 << 14)
    def typed(text: str):
        cells = [serial_value(float(text), kind, date1904)]
        encode(cells)
        return cells[0]

    return typed


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
        self.tags = {
            prefix + name: name for name in ("c", "v", "row", "is", "t", "rPh", "mergeCell")
        }
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
        self.read_fast = 0  # rows read by ``fast``
        self.read_batched = 0  # of which in batches of one shape
        self.depth = 0  # of the element expat is in (the fast path reads rows in sheetData only)
        self.close_row = f"</{prefix}row>"
        self._row, self._cell_re, self._body = _fast_patterns(prefix)
        self.prefix = prefix
        self._templates: dict = {}  # a row's shape: the regex of rows of that shape, its columns
        self._template = None  # that of the last row read
        self._shape = None  # the last row's shape
        self._serials: dict = {}  # the dates of a date (t) or duration (s) style, worked out
        # The merged ranges within the limits (``<mergeCell>``, listed after the rows): top
        # row, first column (0 for A), bottom row, last column of each, one after another.
        self.merges = array("q")
        self.merged_cells = 0  # how many cells they cover

    def start(self, name, attrs):
        self.depth += 1
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
        elif tag == "mergeCell":
            self._merge(attrs.get("ref") or "")

    def _merge(self, ref: str) -> None:
        """Keep a merged range (``A2:C4``), which the import reads as the user sees it: the
        value of its first cell in each of its cells (``sandbox.RowSpool.fill_merged``).

        Only its part within the limits is kept (a range whose first cell is past them holds
        no value read). More ranges than ``max_rows``, or more merged cells than a sheet of
        ``max_rows`` rows and ``max_columns`` columns holds, is refused: no workbook typed
        by hand has them, and each is kept until the rows are filled.
        """
        found = _MERGE_REF.fullmatch(ref)
        if found is None:
            return  # one cell ("A2"), or no reference: nothing to fill
        left, top, right, bottom = found.groups()
        top, bottom = sorted((int(top), int(bottom)))
        first, last = sorted((column_number(left) - 1, column_number(right) - 1))
        if top < 1 or top > self.max_rows or first >= self.max_columns:
            return
        bottom, last = min(bottom, self.max_rows), min(last, self.max_columns - 1)
        if top == bottom and first == last:
            return
        self.merged_cells += (bottom - top + 1) * (last - first + 1)
        if (
            len(self.merges) >= 4 * self.max_rows
            or self.merged_cells > self.max_rows * self.max_columns
        ):
            raise Refused("merges", limit=self.max_rows)
        self.merges.extend((top, first, bottom, last))

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
        self.depth -= 1
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

    def fast(self, text: str, pos: int) -> int:
        """Read the rows of ``text`` from ``pos`` while they are plain, without expat; return
        where it stopped: the end of ``text``, or a row to give expat (one with anything but
        plain cells: entities, rich or phonetic text, comments, odd attributes...).

        A plain row is read to exactly what expat's handlers make of it, a regular expression
        a row and one a cell instead of three Python calls a cell. ``text`` ends with a row's
        end tag; the caller sees that expat is in ``<sheetData>``.
        """
        match_row, cells_of, plain = self._row.match, self._cell_re.findall, self._body.fullmatch
        close_row = self.close_row
        columns, strings = self.columns, self.strings
        end = len(text)
        while pos < end:
            if self._template is not None:
                pos = self._batch(text, pos)
                if pos >= end:
                    break
            found = match_row(text, pos)
            if found is None:
                return pos
            attributes, empty = found.groups()
            ref = None
            if attributes:
                pairs = _ROW_ATTRIBUTE.findall(attributes)
                named = dict(pairs)
                ref = named.get("r")
                if len(named) != len(pairs) or (ref and not (ref.isascii() and ref.isdigit())):
                    return pos  # expat's to refuse, or to take as it does
            if empty:
                body, after = "", found.end()
            else:
                close = text.find(close_row, found.end())
                if close < 0:
                    return pos
                body, after = text[found.end() : close], close + len(close_row)
                if plain(body) is None:
                    return pos
            number = int(ref) if ref else self.number + 1
            if number <= self.number:
                raise Refused("not_xlsx")
            self.number = number
            self.cells = row = []
            self.row_chars = 0
            self.column = -1
            cells = cells_of(body)
            self._template = self._template_of(attributes, cells) if cells else None
            for letters, style, kind, _f, value, inline, preserve, inline_text in cells:
                if letters:
                    column = columns.get(letters)
                    self.column = self._column(letters) if column is None else column
                else:
                    self.column += 1
                if inline:
                    if len(inline_text) > MAX_CELL_CHARS:
                        raise Refused("cell", row=number, limit=MAX_CELL_CHARS)
                    value = inline_text if preserve else inline_text.strip(" \t\r\n")
                elif not value:
                    continue  # no value, or a formula not yet computed: empty
                elif len(value) > MAX_CELL_CHARS:
                    raise Refused("cell", row=number, limit=MAX_CELL_CHARS)
                if kind == "s" and not self.far and number <= self.max_rows:
                    column = self.column
                    if column < self.max_columns:  # a shared string: the usual cell, inlined
                        try:
                            value = strings[int(value)]
                        except (ValueError, IndexError):
                            raise Refused("not_xlsx") from None
                        if len(value) > MAX_CELL_CHARS:
                            raise Refused("cell", row=number, limit=MAX_CELL_CHARS)
                        self.row_chars += len(value)
                        if column == len(row):
                            row.append(value)
                        elif column > len(row):
                            row.extend([""] * (column - len(row)))
                            row.append(value)
                        else:
                            row[column] = value
                        if column >= self.width:
                            self.width = column + 1
                        continue
                self.type = kind or "n"
                self.style = style or None
                self._cell(value)
            if row and not self.far and not is_blank(row):
                write_row(self.out, number, row, encode(row), self.row_chars)
                self.written += 1
            self.read_fast += 1
            pos = after
        return pos

    # Rows of one shape ---------------------------------------------------------------------
    # An export's rows mostly have the same cells in the same columns with the same types and
    # styles: one regular expression reads such a row's values whole, and a batch of rows is
    # turned into cells a column at a time (map and zip, no Python a cell).

    def _template_of(self, attributes: str, cells: list):
        """The regex of rows shaped as this one (cells with references, in order, of kinds
        a batch reads; the columns left out, as Excel leaves out empty cells, the same in each)
        and how to read each column, or None."""
        first = _FIRST_R.match(attributes)
        if first is None:
            return None
        shape = [first.group(1)]
        for letters, style, kind, formula, value, inline, _kept, _t in cells:
            if not letters:
                return None
            gap = column_number(letters) - len(shape)
            if gap < 0 or gap > self.max_columns:
                return None
            shape.extend([("", "", "", False, "gap")] * gap)
            if kind == "inlineStr" and not formula and not value:
                how = "itext"  # its text, kept or trimmed, or none: the one shape
            elif inline:
                return None
            elif not value:
                if formula:
                    return None
                how = "empty"  # no value: as <c .../> or <c ...></c> in the rows it reads
            elif kind == "s":
                how = "shared"
            elif kind == "b":
                how = "bool"
            elif kind in ("", "n"):
                how = "number"
                if style:
                    number = int(style)
                    date = self.kinds[number] if number < len(self.kinds) else None
                    how = how if date is None else date
            else:
                return None
            shape.append((letters, style, kind, bool(formula), how))
        shape = tuple(shape)
        template = self._templates.get(shape)
        if template is None and shape == self._shape:  # compiled when a shape comes again
            if len(self._templates) >= 256:
                self._templates.clear()
            template = self._templates[shape] = self._compile(shape)
        self._shape = shape
        return template

    def _compile(self, shape: tuple):
        p = re.escape(self.prefix)
        parts = [f'{_W}*<{p}row r="([0-9]+)"{re.escape(shape[0])}>']
        hows = []
        for letters, style, kind, formula, how in shape[1:]:
            if how == "gap":
                hows.append(how)
                continue
            parts.append(f'<{p}c r="{letters}[0-9]+"')
            parts.append(f' s="{style}"' if style else "")
            parts.append(f' t="{kind}"' if kind else "")
            hows.append(how)
            if how == "empty":
                parts.append(f"{_W}*(?:/>|></{p}c>)")
                continue
            if how == "itext":
                parts.append(
                    f"(?:{_W}*/>|></{p}c>|><{p}is><{p}t>({_TEXT})</{p}t></{p}is></{p}c>"
                    f'|><{p}is><{p}t xml:space="preserve">({_TEXT})</{p}t></{p}is></{p}c>)'
                )
                continue
            parts.append(">" + (_formula(self.prefix) if formula else ""))
            if how == "bool":
                parts.append(f"<{p}v>([01])</{p}v>")
            elif how == "shared":
                parts.append(f"<{p}v>([0-9]+)</{p}v>")
            else:
                parts.append(f"<{p}v>({_NUMBER})</{p}v>")
            parts.append(f"</{p}c>")
        parts.append(f"</{p}row>")
        return re.compile("".join(parts)), hows

    def _batch(self, text: str, pos: int) -> int:
        """Read the rows from ``pos`` that have the last row's shape; return where it stopped.
        A row that a limit or a refusal concerns is left to ``fast``, which reads it as
        expat would."""
        template, hows = self._template
        match = template.match
        start = pos
        found = []
        ends = []
        while len(found) < 2048:
            row = match(text, pos)
            if row is None:
                break
            found.append(row.groups())
            pos = row.end()
            ends.append(pos)
        if not found or self.far:
            return start
        columns = list(zip(*found, strict=True))
        numbers = list(map(int, columns[0]))
        # How many rows the batch reads: up to one out of order, past the last row, with a
        # cell too long or a shared string that is not there.
        last = self.number
        keep = len(numbers)
        for i, number in enumerate(numbers):
            if number <= last or number > self.max_rows:
                keep = i
                break
            last = number
        if len(hows) > self.max_columns:
            keep = 0
        values = []
        read = iter(columns[1:])
        for how in hows:
            if how in ("empty", "gap"):
                values.append([None] * len(numbers))  # no value: "" if one follows
                continue
            column = next(read)
            if how == "itext":
                kept = next(read)
                raw = [k if t is None else t for t, k in zip(column, kept, strict=True)]
                keep = _first_long([t or "" for t in raw], keep)
                column = [
                    k if t is None else t.strip(" \t\r\n")
                    for t, k in zip(column, kept, strict=True)
                ]
                if "_x" in "\x00".join(filter(None, column)):
                    column = [t and unescape(t) for t in column]
            elif how == "shared":
                indexes = list(map(int, column))
                count = len(self.strings)
                if max(indexes) >= count:
                    keep = min(keep, next(i for i, n in enumerate(indexes) if n >= count))
                    indexes = [n if n < count else 0 for n in indexes]
                column = list(map(self.strings.__getitem__, indexes))
                keep = _first_long(column, keep)
            elif how == "bool":
                column = list(map("0".__ne__, column))
            elif how == "number":
                column = list(map(float, column))
            else:
                serial = self._serials.get(how)
                if serial is None:
                    serial = self._serials[how] = _typed_serial(how, self.date1904)
                column = list(map(serial, column))
            values.append(column)
        if keep == 0:
            return start
        texts = [c for c, how in zip(values, hows, strict=True) if how not in _TYPED]
        plain = len(texts) < len(values)  # a number, a date or a boolean: the row is not blank
        dates = [i for i, how in enumerate(hows) if how in ("t", "s")]
        typed = all(set(map(type, values[i])) == {str} for i in dates)  # no number left
        sizes = [[len(t) if t else 0 for t in c] for c in texts]
        sizes = list(map(sum, zip(*sizes, strict=True))) if sizes else repeat(0)
        gaps = "empty" in hows or "itext" in hows or "gap" in hows  # cells without a value
        width = self.width
        out = self.out
        rows = map(list, zip(*values, strict=True))
        for _, number, cells, size in zip(range(keep), numbers, rows, sizes, strict=False):
            if gaps and None in cells:
                while cells and cells[-1] is None:
                    cells.pop()  # a row ends with its last value
                if not cells:
                    continue
                cells = ["" if cell is None else cell for cell in cells]
            if len(cells) > width:
                width = len(cells)
            if plain or any(map(str.strip, cells)):
                special = dates or None
                if not typed:
                    special = [i for i in dates if type(cells[i]) is str] or None
                write_row(out, number, cells, special, size)
                self.written += 1
        self.number = numbers[keep - 1]
        self.column = len(hows) - 1
        self.width = width
        self.read_fast += keep
        self.read_batched += keep
        return ends[keep - 1]
