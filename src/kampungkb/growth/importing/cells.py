"""Cell rules the web import (``parse``, ``rows``) and ``kampungkb batch`` (``batch.sources``)
both apply, so that a file's rows are kept or refused alike by both: standard library only,
no Django (the batch runs without it).
"""

import re

from kampungkb.growth.importing.headers import ascii_digits

#: The largest whole number every spreadsheet number (a double) above it may not hold: past
#: it only even numbers are held, then multiples of 4, and so on.
EXACT_WHOLE_NUMBER = 2**53

_NIK = re.compile(r"[0-9]{16}")


class NumberNotExact(ValueError):
    """A NIK or No KK stored as a number too large for a spreadsheet to hold to its last digit
    (a double above 2**53: Papua's codes, 91 to 97): the digits read may not be the ones
    typed, so the cell is refused rather than read as another person's number."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_nik(value) -> str | None:
    """A 16-digit NIK as text, ``None`` for an empty cell; raise ValueError otherwise
    (:class:`NumberNotExact` for a number too large to be exact).

    Spreadsheets store a NIK typed as a number as a float, exact up to 2**53 (every NIK
    of provinces 11 to 82) and a NIK typed as text sometimes with a leading apostrophe, or
    in groups.

    >>> parse_nik("'1906 0150 0100 0001"), parse_nik(1906015001000001.0), parse_nik("-")
    ('1906015001000001', '1906015001000001', None)
    >>> parse_nik("190601500100000")
    Traceback (most recent call last):
    ValueError: 190601500100000
    """
    if is_blank(value):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        if abs(value) > EXACT_WHOLE_NUMBER:
            raise NumberNotExact(value)
        raw = str(int(value))
    else:
        # Every white space, not only " ": groups parted by non-breaking spaces too.
        raw = "".join(str(value).split()).lstrip("'")
    if raw in {"-", "0"}:
        return None
    if not raw.isascii() and raw.isdecimal():
        # Digits of another script (fullwidth ０-９, Arabic-Indic): the same number, written
        # with the ASCII digits every stored NIK has, so that it matches the child it is.
        raw = raw.translate(ascii_digits())
    if not _NIK.fullmatch(raw):
        raise ValueError(value)
    return raw
