"""Read an e-PPGBM file into rows of cells, and read single cell values.

The file is read by a child process within limits of memory and time (``sandbox``, which runs
``reader``: expat for xlsx, streamed, with real date cells from the cell styles; the standard
library for csv: comma, semicolon or tab; UTF-8, UTF-16 with its mark, or Windows-1252); a
file that breaks a limit is refused with a message naming it (``limits``). Cell parsers accept what
people and spreadsheets actually write: dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd, Excel serial
numbers, decimal commas.
"""

import datetime
import functools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from django.utils.translation import gettext as _

from kampungkb.growth.importing import cells as shared
from kampungkb.growth.importing.cells import (  # noqa: F401 - read as ``parse.*`` too
    EXACT_WHOLE_NUMBER,
    NumberNotExact,
    is_blank,
    parse_nik,
    text,
)
from kampungkb.growth.importing.cells import token as _token
from kampungkb.growth.importing.headers import (
    HEADER,
    METHOD_VALUES,
    SEX_VALUES,
    map_headers,
    missing_required,
)
from kampungkb.growth.importing.limits import ParseLimits, refusal_message
from kampungkb.growth.importing.sandbox import RowSpool, SheetRefused, sheet_spool

EXTENSIONS = ("xlsx", "csv")
HEADER_SEARCH_ROWS = 10  # title lines some exports put above the header
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


class ImportFileError(Exception):
    """The file cannot be read as an e-PPGBM measurement file at all."""


class Table:
    """A file's header and its rows, which are read from the spool one at a time."""

    def __init__(self, *, headers: list[str], columns: dict[str, int], header_row: int, spool):
        self.headers = headers  # the header row as written in the file
        self.columns = columns  # column key -> index
        self.header_row = header_row  # spreadsheet row number of the header (1-based)
        self._spool: RowSpool = spool
        self._first = bisect_right(spool.numbers, header_row)  # the first row under it

    def header_of(self, key: str) -> str:
        index = self.columns.get(key)
        return self.headers[index] if index is not None else HEADER[key]

    @property
    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, cells) of each non-blank row under the header, in file order."""
        try:
            yield from self._spool.records(self._first)
        except (SheetRefused, ValueError, LookupError, TypeError):
            raise ImportFileError(_("The file could not be read.")) from None

    def cells_of(self, numbers: Iterable[int]) -> Mapping[int, list]:
        """The cells of these rows as read, by row number (read again when asked for)."""
        return self._spool.cells_of(numbers)


def header_row_find(
    spool: RowSpool, mapper=map_headers, *, missing: str | None = None
) -> tuple[int, list, dict[str, int]]:
    """The row among the first ``HEADER_SEARCH_ROWS`` that names the most columns by
    ``mapper`` (e-PPGBM's by default; the family survey passes its own); ``missing`` is the
    message when none names at least three."""
    best: tuple[int, list, dict[str, int]] | None = None
    for number, cells in spool.records():
        if number > HEADER_SEARCH_ROWS:
            break
        found = mapper(cells)
        if best is None or len(found) > len(best[2]):
            best = (number, cells, found)
    if best is None or len(best[2]) < 3:
        message = missing or _(
            "No e-PPGBM header row was found (expected columns such as NIK, Nama, JK)."
        )
        if spool.sheets > 1:  # the data may well be on another sheet: say which one was read
            message += " " + _(
                "Only the first sheet of a workbook is read, here “%(sheet)s”: put the data on "
                "the first sheet."
            ) % {"sheet": spool.sheet}
        raise ImportFileError(message)
    return best


def read_table(path, *, limits: ParseLimits | None = None) -> Table:
    """Read the first sheet (or the csv) and find its header row.

    Raises :class:`ImportFileError` with a reason in the user's language when the file is
    missing, is not xlsx/csv, breaks a limit (``limits``, by default the settings'), or has
    no recognisable e-PPGBM header.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(_("The file %(name)s does not exist.") % {"name": path.name})
    ext = path.suffix.lower().lstrip(".")
    if ext not in EXTENSIONS:
        raise ImportFileError(_("Only xlsx and csv files can be imported."))
    limits = limits or ParseLimits.from_settings()
    try:
        spool = sheet_spool(path, kind=ext, limits=limits)
    except SheetRefused as refused:
        raise ImportFileError(refusal_message(refused.reason, refused.details, limits)) from None
    try:
        number, cells, found = header_row_find(spool)
        spool.fill_merged(number)
    except (ValueError, LookupError, TypeError):
        spool.close()
        raise ImportFileError(_("The file could not be read.")) from None
    except ImportFileError:
        spool.close()
        raise
    missing = missing_required(found)
    if missing:
        spool.close()
        raise ImportFileError(
            _("The header lacks the column(s): %(cols)s.") % {"cols": ", ".join(missing)}
        )
    headers = ["" if c is None else str(c).strip() for c in cells]
    return Table(headers=headers, columns=found, header_row=number, spool=spool)


# Cell values ---------------------------------------------------------------------------


def _memo(parse):
    """Remember a parser's answers per cell value (and its type: 1, 1.0 and True differ).

    A file repeats the same cells over and over (dates, sexes, methods, weights); the
    answers are immutable, and a cell that does not parse raises again each time.
    """
    cached = functools.lru_cache(maxsize=65536, typed=True)(parse)

    @functools.wraps(parse)
    def parse_cell(value, *args, **kwargs):
        try:
            return cached(value, *args, **kwargs)
        except TypeError:  # an unhashable cell value
            return parse(value, *args, **kwargs)

    return parse_cell


_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T].*)?$")


@_memo
def parse_date(value) -> datetime.date | None:
    """Return a date, ``None`` for an empty cell; raise ValueError if it is not a date."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    raw = str(value).strip()
    if _YEAR.fullmatch(raw):
        raise ValueError(raw)
    if m := _DMY.match(raw):
        d, mo, y = (int(g) for g in m.groups())
        return datetime.date(y, mo, d)
    if m := _YMD.match(raw):
        y, mo, d = (int(g) for g in m.groups())
        return datetime.date(y, mo, d)
    if re.fullmatch(r"\d{4,5}(\.0+)?", raw):
        return _from_serial(float(raw))
    raise ValueError(raw)


# A whole number from 1900 to 2100 is a year written alone (a birth year, the survey's year),
# not the serial of a day in 1905, which no one this product records was born on.
_YEAR = re.compile(r"(19\d\d|20\d\d|2100)(\.0+)?")
_YEARS = (1900, 2100)


def _from_serial(serial: float) -> datetime.date:
    # Serials between 1 (1900) and 99999 (2173); anything else is not a date, nor is a year.
    if not 1 <= serial < 100_000 or (serial.is_integer() and _YEARS[0] <= serial <= _YEARS[1]):
        raise ValueError(serial)
    return _EXCEL_EPOCH + datetime.timedelta(days=int(serial))


#: Remembered per cell, as the other parsers (``cells.parse_decimal``: the batch reads numbers
#: by it too).
parse_decimal = _memo(shared.parse_decimal)


def parse_float(value) -> float | None:
    number = parse_decimal(value, 6)
    return None if number is None else float(number)


_SEX = SEX_VALUES
_METHOD = METHOD_VALUES


@_memo
def parse_sex(value) -> str | None:
    """L or P, ``None`` for an empty cell; raise ValueError for anything else."""
    if is_blank(value):
        return None
    try:
        return _SEX[_token(value)]
    except KeyError:
        raise ValueError(value) from None


@_memo
def parse_method(value) -> str:
    """PB (lying) or TB (standing), ``""`` for an empty cell; raise ValueError otherwise."""
    if is_blank(value):
        return ""
    try:
        return _METHOD[_token(value)]
    except KeyError:
        raise ValueError(value) from None


parse_yes_no = _memo(shared.parse_yes_no)
