"""Cell rules the web import (``parse``, ``rows``) and ``kampungkb batch`` (``batch.sources``)
both apply, so that a file's rows are kept or refused alike by both: standard library only,
no Django (the batch runs without it).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

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


def text(value) -> str:
    """A cell as trimmed text; whole numbers from spreadsheets lose their ``.0``."""
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def token(value) -> str:
    """A cell reduced to lower-case ASCII letters and digits, as a code is looked up."""
    return re.sub(r"[^a-z0-9]+", "", text(value).lower())


_YES = {"ya", "y", "1", "ada", "punya", "memiliki", "true", "yes", "v", "x"}
_NO = {"tidak", "t", "0", "tidakada", "tidakpunya", "false", "no", "n", "belum", "tdk"}


def parse_yes_no(value) -> bool | None:
    """True or False (Ya/Tidak as the field writes them), ``None`` for an empty cell; raise
    ValueError otherwise.

    >>> parse_yes_no(" Ya "), parse_yes_no("tdk"), parse_yes_no(1.0), parse_yes_no("")
    (True, False, True, None)
    """
    if is_blank(value):
        return None
    found = token(value)
    if found in _YES:
        return True
    if found in _NO:
        return False
    raise ValueError(value)


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


#: The decimals the import keeps of each number column (as the database stores it); the batch
#: rounds its numbers so too, before any limit or z-score.
PLACES = {"berat": 3, "tinggi": 2, "lila": 2, "bb_lahir": 2, "tb_lahir": 1, "pmt": 2, "vit_a": 0}
#: PMT received (kg) is from 0 to below this: the import refuses a row with more.
PMT_BELOW = 10_000

_UNIT = re.compile(r"\s*(kg|cm|gr|g|gram)\.?$", re.IGNORECASE)


def parse_decimal(value, places: int) -> Decimal | None:
    """Return a Decimal rounded to ``places``, ``None`` for an empty cell; raise ValueError.

    >>> parse_decimal("11,5 kg", 3), parse_decimal("1.234,5", 1), parse_decimal(" ", 2)
    (Decimal('11.500'), Decimal('1234.5'), None)
    >>> parse_decimal("-", 2)
    Traceback (most recent call last):
    ValueError: -
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = Decimal(repr(float(value)))
    else:
        raw = _UNIT.sub("", str(value).strip()).replace(" ", "")
        if "," in raw and "." in raw:  # 1.234,5 (Indonesian) or 1,234.5 (English)
            if raw.rfind(",") > raw.rfind("."):
                raw = raw.replace(".", "").replace(",", ".")
            else:
                raw = raw.replace(",", "")
        else:
            raw = raw.replace(",", ".")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    try:  # more digits than a Decimal holds (1e400, thirty nines): no number of ours
        return number.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        raise ValueError(value) from None
