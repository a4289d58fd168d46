"""Read a family-survey file: the header row and an iterator over the rows after it.

:func:`read_rows` is the one place the import reads a file (xlsx through python-calamine,
csv with the standard library: comma, semicolon or tab; UTF-8 or Windows-1252). The rows are
yielded one at a time, so the import keeps typed values, not the file's cells. The cell
parsers are growth's (``growth.importing.parse``).
"""

import codecs
import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from kampungkb.families.importing.headers import HEADER, map_headers, missing_required
from kampungkb.growth.importing.parse import EXTENSIONS, ImportFileError

HEADER_SEARCH_ROWS = 10  # title lines some exports put above the header

__all__ = ["EXTENSIONS", "FamilyTable", "ImportFileError", "read_rows"]


@dataclass
class FamilyTable:
    headers: list[str]  # the header row as written in the file
    columns: dict[str, int]  # column key -> index
    header_row: int  # spreadsheet row number of the header (1-based)
    rows: Iterator[tuple[int, list]]  # (row number, cells), blank rows skipped

    def header_of(self, key: str) -> str:
        index = self.columns.get(key)
        return self.headers[index] if index is not None else HEADER[key]


def _xlsx_rows(path: Path) -> Iterator[list]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise ImportFileError(_("The file is not a readable xlsx workbook.")) from exc
    return iter(rows)


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _csv_rows(path: Path) -> Iterator[list]:
    encoding = _encoding(path)
    fh = path.open(encoding=encoding, errors="replace", newline="")
    first = fh.readline()
    fh.seek(0)
    if "\x00" in first:
        fh.close()
        raise ImportFileError(_("The file is not a readable csv file."))
    delimiter = max((";", ",", "\t"), key=first.count)

    def rows():
        with fh:
            try:
                yield from csv.reader(fh, delimiter=delimiter)
            except csv.Error as exc:
                raise ImportFileError(_("The file is not a readable csv file.")) from exc

    return rows()


def _blank(row) -> bool:
    return not any(c not in (None, "") and str(c).strip() for c in row)


def read_rows(path) -> FamilyTable:
    """Open the first sheet (or the csv), find its header row and return the table whose
    ``rows`` iterate over the rows after it.

    Raises :class:`ImportFileError` with a reason in the user's language when the file is
    missing, is not xlsx/csv, or has no recognisable family-survey header.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(_("The file %(name)s does not exist.") % {"name": path.name})
    ext = path.suffix.lower().lstrip(".")
    if ext not in EXTENSIONS:
        raise ImportFileError(_("Only xlsx and csv files can be imported."))
    source = _xlsx_rows(path) if ext == "xlsx" else _csv_rows(path)
    head = list(itertools.islice(source, HEADER_SEARCH_ROWS))
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(head):
        found = map_headers(row)
        if best is None or len(found) > len(best[1]):
            best = (index, found)
    if best is None or len(best[1]) < 3:
        raise ImportFileError(
            _("No family-survey header row was found (expected columns such as No KK, NIK, Nama).")
        )
    index, found = best
    missing = missing_required(found)
    if missing:
        raise ImportFileError(
            _("The header lacks the column(s): %(cols)s.") % {"cols": ", ".join(missing)}
        )
    headers = ["" if c is None else str(c).strip() for c in head[index]]

    def rows() -> Iterator[tuple[int, list]]:
        numbered = enumerate(itertools.chain(head[index + 1 :], source), start=index + 2)
        for number, row in numbered:
            if not _blank(row):
                yield number, list(row)

    return FamilyTable(headers=headers, columns=found, header_row=index + 1, rows=rows())
