"""Read a family-survey file: the header row and an iterator over the rows after it.

:func:`read_rows` is the one place the import reads a file. It reads it as the e-PPGBM
import does (``growth.importing.sandbox``): a child process with capped memory and time
parses the xlsx (python-calamine) or csv (comma, semicolon or tab; UTF-8, UTF-16 or
Windows-1252) after checking its zip parts and dimensions, and streams the rows to a spool
read here one at a time, so the import keeps typed values, not the file's cells. The rows
come a frame (a couple of thousand rows) at a time (``frames``), which ``columns`` reads a
column at a time. A file that breaks a limit is refused with the message naming it
(``growth.importing.limits``). The cell parsers are growth's (``growth.importing.parse``).
"""

import datetime
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from kampungkb.families.importing.headers import HEADER, map_headers, missing_required
from kampungkb.growth.importing.limits import ParseLimits, refusal_message
from kampungkb.growth.importing.parse import EXTENSIONS, ImportFileError, header_row_find
from kampungkb.growth.importing.sandbox import RowSpool, SheetRefused, sheet_spool

__all__ = ["EXTENSIONS", "FamilyTable", "ImportFileError", "read_rows"]


@dataclass
class FamilyTable:
    headers: list[str]  # the header row as written in the file
    columns: dict[str, int]  # column key -> index
    header_row: int  # spreadsheet row number of the header (1-based)
    # (row numbers, their cells) a frame at a time, blank rows skipped; read once
    frames: Iterator[tuple[Sequence[int], list[list]]]
    today: datetime.date = field(default_factory=datetime.date.today)  # for "in the future"

    def header_of(self, key: str) -> str:
        index = self.columns.get(key)
        return self.headers[index] if index is not None else HEADER[key]

    @property
    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, cells) of each row under the header, from the frames (read once)."""
        for numbers, cells in self.frames:
            yield from zip(numbers, cells, strict=True)


def _frames(spool: RowSpool, header_row: int) -> Iterator[tuple[Sequence[int], list[list]]]:
    try:
        yield from spool.frames(bisect_right(spool.numbers, header_row))
    except (SheetRefused, ValueError, LookupError, TypeError):
        raise ImportFileError(_("The file could not be read.")) from None
    finally:
        spool.close()


def read_rows(path, *, limits: ParseLimits | None = None) -> FamilyTable:
    """Read the first sheet (or the csv) within ``limits`` (by default the settings'), find
    its header row and return the table whose ``rows`` iterate over the rows under it.

    Raises :class:`ImportFileError` with a reason in the user's language when the file is
    missing, is not xlsx/csv, breaks a limit, or has no recognisable family-survey header.
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
        number, cells, found = header_row_find(
            spool,
            map_headers,
            missing=_(
                "No family-survey header row was found (expected columns such as No KK, NIK, Nama)."
            ),
        )
        missing = missing_required(found)
        if missing:
            raise ImportFileError(
                _("The header lacks the column(s): %(cols)s.") % {"cols": ", ".join(missing)}
            )
        spool.fill_merged(number)
    except (ValueError, LookupError, TypeError):
        spool.close()
        raise ImportFileError(_("The file could not be read.")) from None
    except ImportFileError:
        spool.close()
        raise
    headers = ["" if c is None else str(c).strip() for c in cells]
    return FamilyTable(
        headers=headers, columns=found, header_row=number, frames=_frames(spool, number)
    )
