"""The limits an imported file is read within, and what the user is told when it breaks one.

Every limit is a setting (``KAMPUNGKB_IMPORT_*``, see ``config/settings.py``); each message
names the limit the file broke, so that whoever uploaded it knows what to change.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ParseLimits:
    max_rows: int  # the last row of the sheet (or csv record) that may hold data
    max_columns: int
    max_uncompressed_mb: int  # a csv's size, an xlsx's parts unpacked
    memory_mb: int  # address space of the process that reads the file
    seconds: int  # its CPU time; it is stopped after twice that on the clock

    @classmethod
    def from_settings(cls) -> "ParseLimits":
        return cls(
            max_rows=settings.KAMPUNGKB_IMPORT_MAX_ROWS,
            max_columns=settings.KAMPUNGKB_IMPORT_MAX_COLUMNS,
            max_uncompressed_mb=settings.KAMPUNGKB_IMPORT_MAX_UNCOMPRESSED_MB,
            memory_mb=settings.KAMPUNGKB_IMPORT_PARSE_MEMORY_MB,
            seconds=settings.KAMPUNGKB_IMPORT_PARSE_SECONDS,
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _n(value) -> str:
    return number_format(value, force_grouping=True) if isinstance(value, int) else str(value)


class _Values(dict):
    def __missing__(self, key):  # a detail the reader did not send: never a server error
        return "?"


def refusal_message(reason: str, details: dict, limits: ParseLimits) -> str:
    """The user's message for a file the reader refused (``reason`` as ``reader`` names it)."""
    values = _Values({key: _n(value) for key, value in details.items()})
    values.update({key: _n(value) for key, value in limits.as_dict().items()})
    messages = {
        "not_xlsx": _("The file is not a readable xlsx workbook."),
        "not_csv": _("The file is not a readable csv file."),
        "nul": _(
            "The file contains NUL characters: it is not a text file, or it was saved as "
            "UTF-16 without a byte order mark. Save it as “CSV UTF-8” and upload it again."
        ),
        "parts": _(
            "The xlsx file has %(count)s parts; a workbook may have at most %(limit)s. "
            "It is not an ordinary workbook."
        ),
        "uncompressed": _(
            "The file holds %(mb)s MB of data once unpacked; the limit is "
            "%(max_uncompressed_mb)s MB. Split it into smaller files."
        ),
        "bomb": _(
            "The part %(part)s of the xlsx file unpacks to more than %(ratio)s times its packed "
            "size: it is not an ordinary workbook."
        ),
        "dtd": _(
            "The part %(part)s of the xlsx file declares a DTD (entities), which a workbook "
            "never needs; the file is not read."
        ),
        "dimension": _(
            "The sheet reaches cell %(cell)s; at most %(max_rows)s rows and %(max_columns)s "
            "columns are read. Delete the empty rows and columns after the data (or split the "
            "file) and upload it again."
        ),
        "rows": _("The file has more than %(max_rows)s rows. Split it into smaller files."),
        "columns": _("Row %(row)s has more than %(max_columns)s columns."),
        "strings": _(
            "The xlsx file lists more than %(limit)s different texts, more than a sheet of "
            "%(max_rows)s rows and %(max_columns)s columns can hold: it is not an ordinary "
            "workbook."
        ),
        "merges": _(
            "The sheet lists more than %(limit)s merged ranges, or more merged cells than a "
            "sheet of %(max_rows)s rows and %(max_columns)s columns holds: it is not an "
            "ordinary workbook. Unmerge the cells and upload it again."
        ),
        "cell": _("Row %(row)s has a cell longer than %(limit)s characters."),
        "line": _(
            "The file has a line longer than %(limit)s characters: it is not an e-PPGBM csv."
        ),
        "memory": _(
            "Reading the file needed more than %(memory_mb)s MB of memory, the limit for one "
            "file. A sheet with something in a cell far beyond the data (such as XFD1048576) "
            "does this: delete the empty rows and columns after the data, or split the file."
        ),
        "time": _(
            "Reading the file took longer than %(seconds)s seconds, the limit for one file. "
            "Split it into smaller files."
        ),
    }
    message = messages.get(reason) or _("The file could not be read.")
    return message % values
