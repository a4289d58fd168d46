"""e-PPGBM exports as partitions: find the files, plan the parts, read a part into columns.

A part is a block of a CSV file (cut at line ends), a row group of a Parquet file, or a whole
xlsx sheet. Reading a part gives a pandas frame with one row per line of the file: typed
values (dates as day numbers since 1970-01-01), the line number, and ``alasan``, the reason
the row cannot be used ("" when it can). A file that cannot be used at all (no header with
the needed columns, not a table) stops the run with :class:`InputError`.

The child of a row is a 64-bit key of its kabupaten and its NIK (else of its desa code, name,
birth date and mother's name), as a web import finds the child of a row: by NIK wherever the
row's desa, else by name, birth date, mother and desa, names compared as it compares them. A
child who moved desa is one child (its rows in one partition, the kabupaten's), counted in one
desa, as the web summaries count it (``compute.count_partition``).
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kampungkb.growth.importing.cells import (
    EXACT_WHOLE_NUMBER,
    PLACES,
    PMT_BELOW,
    NumberNotExact,
    parse_decimal,
    parse_nik,
    parse_yes_no,
)
from kampungkb.growth.importing.headers import (
    HEADER,
    METHOD_VALUES,
    SEX_VALUES,
    header_token,
    map_headers,
)
from kampungkb.growth.importing.reader_rows import is_blank as row_is_blank
from kampungkb.growth.plausibility_rules import LIMITS, MAX_AGE_DAYS

EXTENSIONS = (".csv", ".xlsx", ".parquet", ".pq")
BLOCK_SIZE = 64 << 20  # bytes of CSV per part
HEADER_SEARCH_ROWS = 10  # title lines some exports put above the header
EPOCH = datetime.date(1970, 1, 1)
#: WIT (UTC+9, no daylight saving), Indonesia's easternmost time zone: where a day begins first.
WIT = datetime.timezone(datetime.timedelta(hours=9), "WIT")
_EXCEL_EPOCH_DAY = (datetime.date(1899, 12, 30) - EPOCH).days

#: Headers naming the Kemendagri code of the desa (not in the e-PPGBM template, which names
#: the desa; national extracts carry the code).
CODE_HEADERS = {
    header_token(h)
    for h in (
        "Kode Desa",
        "Kode Desa/Kel",
        "Kode Desa/Kelurahan",
        "Kode Kelurahan",
        "Kode Wilayah",
        "Kode Kemendagri",
        "Kd Desa",
        "kode_desa",
    )
}
NEEDED = ("tgl_lahir", "tanggal", "jk")
#: Columns read only for what the web import refuses in them (``growth.importing.rows``), with
#: the decimals it reads them to: a birth weight or length, PMT or vitamin A that is not a
#: number (and PMT out of its range), a KIA that is neither Ya nor Tidak.
CHECKED_NUMBERS = tuple((key, PLACES[key]) for key in ("bb_lahir", "tb_lahir", "pmt", "vit_a"))
NEEDED_ANY = ("berat", "tinggi")
WANTED = (
    "nik", "nama", "nama_ortu", "jk", "tgl_lahir", "tanggal", "berat", "tinggi", "cara_ukur",
    "lila", *(key for key, _places in CHECKED_NUMBERS), "kia",
)  # fmt: skip

# Reasons a row cannot be used, in Indonesian (what the user reads).
BAD_COLUMNS = "jumlah kolom baris tidak sesuai judul"
BAD_CODE = "kode desa kosong atau bukan kode Kemendagri (contoh 19.06.01.2001)"
BAD_DATE = "tanggal pengukuran kosong atau tidak terbaca"
BAD_BIRTH = "tanggal lahir kosong atau tidak terbaca"
BAD_AGE = "tanggal pengukuran sebelum tanggal lahir"
# As the form and the web import refuse them: a date after the day the run was planned.
BAD_FUTURE = "tanggal pengukuran atau tanggal lahir di masa depan"
BAD_SEX = "jenis kelamin kosong atau bukan L/P"
BAD_NUMBER = "berat, tinggi atau LiLA bukan angka"
# What the form and the web import refuse too (growth.services.validate_measurement_values):
# a measurement the web would never store counts in no figure here either.
_RANGE = {
    k: "-".join(str(v).replace(".", ",") for v in LIMITS[k]) for k in ("berat", "tinggi", "lila")
}
BAD_LIMIT = (
    f"berat, tinggi atau LiLA di luar batas (berat {_RANGE['berat']} kg, "
    f"tinggi {_RANGE['tinggi']} cm, LiLA {_RANGE['lila']} cm)"
)
BAD_METHOD = "ada tinggi tetapi cara ukur kosong, atau cara ukur bukan Telentang/Berdiri"
BAD_NOTHING = "berat, tinggi dan LiLA kosong"
# What the web import refuses in a row itself (``growth.importing.rows``), by its rules.
BAD_NIK = "NIK tidak terdiri dari tepat 16 angka"
BAD_NIK_NUMBER = (
    "NIK tersimpan sebagai angka yang terlalu besar untuk disimpan utuh oleh lembar kerja "
    "(format kolom NIK sebagai teks)"
)
BAD_NAME = "nama anak kosong"
BAD_OTHER = (
    f"BB lahir, TB lahir, PMT, Vit A atau KIA tidak terbaca, atau PMT di luar 0-{PMT_BELOW - 1}"
)
BAD_OLD = f"anak sudah berumur lima tahun pada tanggal pengukuran (lebih dari {MAX_AGE_DAYS} hari)"

_SEX = SEX_VALUES
# The engine's codes: "l" (length, lying) and "h" (height, standing).
_METHOD = {token: {"PB": "l", "TB": "h"}[code] for token, code in METHOD_VALUES.items()}


class InputError(Exception):
    """An input that cannot be used at all (the message is Indonesian)."""


@dataclass(frozen=True)
class Part:
    """One partition of the input: ``kind`` csv (bytes ``start``-``end``), parquet (row group
    ``index``) or xlsx (the first visible sheet)."""

    path: str
    kind: str
    file_no: int
    columns: tuple[tuple[str, int], ...]  # (key, column position)
    first_line: int  # line number of the part's first row
    start: int = 0
    end: int = 0
    index: int = 0
    delimiter: str = ","
    encoding: str = "utf-8"
    #: The day (since 1970-01-01) no date may be after: the day the run was planned, the
    #: same for every part wherever and whenever a worker reads it.
    today: int = field(default_factory=lambda: run_day())


def run_day(now: datetime.datetime | None = None) -> int:
    """Today (days since 1970-01-01) as Indonesia's latest clock reads it, at ``now``.

    A national run holds rows of the three time zones, each dated by its installation's
    today (``KAMPUNGKB_TIME_ZONE``); the machine's own date (a server on UTC) refused a
    weighing of this morning in WIB, WITA or WIT as dated in the future.

    >>> run_day(datetime.datetime(2026, 11, 30, 20, tzinfo=datetime.UTC))  # 05:00 WIT, 1 Dec
    20788
    """
    now = now or datetime.datetime.now(datetime.UTC)
    return (now.astimezone(WIT).date() - EPOCH).days


def input_files(inputs: Iterable[str]) -> list[str]:
    """The export files named or found (recursively, sorted) in directories."""
    files: list[str] = []
    for item in inputs:
        if os.path.isdir(item):
            found = sorted(
                os.path.join(root, name)
                for root, _dirs, names in os.walk(item)
                for name in names
                if name.lower().endswith(EXTENSIONS) and not name.startswith((".", "~$"))
            )
            if not found:
                raise InputError(f"direktori tanpa berkas csv, xlsx atau parquet: {item}")
            files.extend(found)
        elif os.path.isfile(item):
            if not item.lower().endswith(EXTENSIONS):
                raise InputError(f"bukan berkas csv, xlsx atau parquet: {item}")
            files.append(item)
        else:
            raise InputError(f"masukan tidak ditemukan: {item}")
    return files


def _columns(cells, path: str) -> tuple[tuple[str, int], ...] | None:
    """The positions of the wanted columns in a header row, None if it is not one."""
    found = map_headers(cells)
    for i, cell in enumerate(cells):
        if header_token(cell) in CODE_HEADERS:
            found.setdefault("kode_desa", i)
            break
    if not all(k in found for k in ("tgl_lahir", "tanggal")):
        return None
    return tuple((k, found[k]) for k in (*WANTED, "kode_desa", "desa") if k in found)


def _check_columns(columns, path: str) -> None:
    keys = {k for k, _ in columns}
    missing = [HEADER[k] for k in NEEDED if k not in keys]
    if not any(k in keys for k in NEEDED_ANY):
        missing.append("/".join(HEADER[k] for k in NEEDED_ANY))
    if "kode_desa" not in keys and "desa" not in keys:
        missing.append("Kode Desa")
    if missing:
        raise InputError(f"{path}: kolom wajib tidak ada: {', '.join(missing)}")


def _no_header(path: str) -> InputError:
    return InputError(
        f"{path}: tidak ditemukan baris judul kolom e-PPGBM (Tgl Lahir, Tanggal Pengukuran, "
        f"...) di {HEADER_SEARCH_ROWS} baris pertama"
    )


def _csv_header(lines: list[str], path: str):
    """(line number, delimiter, columns) of the header among the first lines."""
    for number, line in enumerate(lines, start=1):
        delimiter = max((";", "\t", ","), key=line.count)
        cells = next(csv.reader([line], delimiter=delimiter), [])
        columns = _columns(cells, path)
        if columns is not None:
            return number, delimiter, columns
    raise _no_header(path)


def _csv_parts(path: str, file_no: int, block_size: int) -> list[Part]:
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError as exc:
        raise InputError(f"{path}: tidak dapat dibaca ({exc})") from exc
    if not head.strip():
        raise InputError(f"{path}: berkas kosong")
    if b"\x00" in head:
        raise InputError(f"{path}: bukan teks CSV")
    if b"\r" in head and b"\n" not in head:  # blocks are cut at line feeds: none would be read
        raise InputError(
            f"{path}: baris diakhiri CR saja (CSV Macintosh lama); simpan ulang sebagai "
            "CSV UTF-8 (baris diakhiri LF atau CRLF)"
        )
    encoding = "utf-8"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            encoding = "cp1252"
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    number, delimiter, columns = _csv_header(text.splitlines()[:HEADER_SEARCH_ROWS], path)
    _check_columns(columns, path)
    # The first block starts after the header line; blocks end at line ends.
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        for _ in range(number):
            handle.readline()
        start = handle.tell()
        bounds = [start]
        while bounds[-1] < size:
            handle.seek(min(bounds[-1] + block_size, size))
            if handle.tell() < size:
                handle.readline()
            bounds.append(min(handle.tell(), size))
        parts, line = [], number + 1
        for a, b in itertools.pairwise(bounds):
            handle.seek(a)
            data = handle.read(b - a)
            parts.append(
                Part(path, "csv", file_no, columns, line, a, b, delimiter=delimiter,
                     encoding=encoding)
            )  # fmt: skip
            line += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return parts


def _parquet_parts(path: str, file_no: int) -> list[Part]:
    try:
        meta = pq.ParquetFile(path).metadata
        names = pq.read_schema(path).names
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: bukan berkas Parquet yang valid ({exc})") from exc
    columns = _columns(names, path)
    if columns is None:
        raise _no_header(path)
    _check_columns(columns, path)
    parts, line = [], 1
    for i in range(meta.num_row_groups):
        parts.append(Part(path, "parquet", file_no, columns, line, index=i))
        line += meta.row_group(i).num_rows
    return parts


def _merged_fill(rows: list[list], ranges, header_line: int) -> None:
    """Give every cell of a merged range below the header the value of its first (top-left)
    cell, as the user sees it and as the web import reads it (``RowSpool.fill_merged``): a
    range starting in the header row or above (a title across the columns) is left as it is,
    and so is a row that is blank but for the range. Ranges are clipped to the sheet's rows
    and columns; more merged cells than the sheet holds is refused (ValueError)."""
    width = max(map(len, rows))
    clipped = []
    for (top, first), (bottom, last) in sorted(ranges):
        bottom, last = min(bottom, len(rows) - 1), min(last, width - 1)
        # ``top`` counts from 0: row ``header_line`` is the one under the header
        if header_line <= top <= bottom and first <= last:
            clipped.append((top, first, bottom, last))
    if sum((b - t + 1) * (la - f + 1) for t, f, b, la in clipped) > len(rows) * width:
        raise ValueError("sel gabungan (merge) lebih banyak daripada sel lembar kerjanya")
    blank = {
        number
        for top, _, bottom, _ in clipped
        for number in range(top + 1, bottom + 1)
        if not any(cell not in (None, "") and str(cell).strip() for cell in rows[number])
    }
    for top, first, bottom, last in clipped:
        value = rows[top][first] if first < len(rows[top]) else ""
        for number in range(top, bottom + 1):
            cells = rows[number]
            if number not in blank and first < len(cells):
                stop = min(last + 1, len(cells))
                cells[first:stop] = [value] * (stop - first)


def _xlsx_rows(path: str, *, header_line: int | None = None) -> list[list]:
    """The first visible sheet's rows from A1; with ``header_line`` (the header's row number),
    its merged ranges below the header filled (``_merged_fill``)."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(path)
        # The first sheet the user sees, as the web import reads it: not the hidden lists of
        # a template's drop-downs put before it.
        visible = [
            i
            for i, sheet in enumerate(workbook.sheets_metadata)
            if sheet.visible == SheetVisibleEnum.Visible
        ]
        sheet = workbook.get_sheet_by_index(visible[0] if visible else 0)
        rows = sheet.to_python(skip_empty_area=False)
        if header_line is not None and rows:
            _merged_fill(rows, sheet.merged_cell_ranges or (), header_line)
        return rows
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError(f"{path}: bukan berkas xlsx yang valid ({exc})") from exc


def _xlsx_parts(path: str, file_no: int) -> list[Part]:
    rows = _xlsx_rows(path)
    for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        columns = _columns([str(c) for c in cells], path)
        if columns is not None:
            _check_columns(columns, path)
            return [Part(path, "xlsx", file_no, columns, number + 1)]
    raise _no_header(path)


def plan(inputs: Iterable[str], *, block_size: int = BLOCK_SIZE) -> list[Part]:
    """Every part of the inputs, in a fixed order; raise InputError for an unusable one."""
    parts: list[Part] = []
    for file_no, path in enumerate(input_files(inputs)):
        lower = path.lower()
        if lower.endswith(".csv"):
            parts.extend(_csv_parts(path, file_no, block_size))
        elif lower.endswith(".xlsx"):
            parts.extend(_xlsx_parts(path, file_no))
        else:
            parts.extend(_parquet_parts(path, file_no))
    return parts


# --- reading a part ------------------------------------------------------------------------


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) <= EXACT_WHOLE_NUMBER:
        return str(int(value))
    return str(value)


@dataclass
class _Read:
    """A part's wanted columns (text, or typed), and where their rows are: ``lines``, each
    row's line counted from the part's first (None: one after the other from it), and the
    lines of the rows skipped as ragged (-1 where not known)."""

    columns: dict[str, pd.Series]
    lines: np.ndarray | None = None
    ragged: list[int] = field(default_factory=list)


def _raw(part: Part) -> _Read:
    """The part's wanted columns, its blank rows left out as the web import leaves them out
    (``growth.importing.reader_rows.is_blank``: every cell empty or white space)."""
    positions = dict(part.columns)
    if part.kind == "parquet":
        table = pq.ParquetFile(part.path).read_row_group(part.index)
        return _Read({k: table.column(i).to_pandas() for k, i in positions.items()})
    if part.kind == "xlsx":
        rows = _xlsx_rows(part.path, header_line=part.first_line - 1)[part.first_line - 1 :]
        lines = [n for n, cells in enumerate(rows) if not row_is_blank(cells)]
        rows = [rows[n] for n in lines]
        out = {}
        for key, i in positions.items():
            cells = [r[i] if i < len(r) else None for r in rows]
            # The NIK as the cell holds it: a number too large to be exact is refused as the
            # web import refuses it (``cells.parse_nik``), not read as the digits it shows.
            out[key] = (
                pd.Series(cells, dtype=object)
                if key == "nik"
                else pd.Series(list(map(_cell_text, cells)), dtype="str")
            )
        return _Read(out, np.asarray(lines, dtype=np.int64))
    with open(part.path, "rb") as handle:
        handle.seek(part.start)
        data = handle.read(part.end - part.start)
    if part.start == 0:
        data = data.removeprefix(b"\xef\xbb\xbf")
    data = _utf8(data, part.encoding)
    data, kept = _blank_lines_out(data, part.delimiter)
    skipped: list[str] = []

    def ragged(row) -> str:
        skipped.append(row.text)
        return "skip"

    if not data.strip():
        return _Read({k: pd.Series([], dtype="str") for k in positions})
    # Rows narrower than the header are refused by the parser (counted), wider ones too
    # unless the extra cells are empty: read every column the widest row might have.
    header_width = _header_width(part)
    names = [f"c{i}" for i in range(header_width)]
    table = pa_csv.read_csv(
        io.BytesIO(data),
        # One block for the whole part: a line longer than pyarrow's 1 MB blocks is read too.
        read_options=pa_csv.ReadOptions(column_names=names, block_size=len(data) + 1),
        parse_options=pa_csv.ParseOptions(
            delimiter=part.delimiter, invalid_row_handler=ragged, newlines_in_values=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            include_columns=[f"c{i}" for _, i in part.columns],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    out = {k: table.column(f"c{i}").to_pandas() for k, i in positions.items()}
    if not skipped:
        return _Read(out, kept)
    lines, ragged_lines = _ragged_lines(data, skipped, table.num_rows)
    if kept is not None:
        lines = kept[lines] if lines is not None else kept[: table.num_rows]
        ragged_lines = [int(kept[n]) if n >= 0 else -1 for n in ragged_lines]
    return _Read(out, lines, ragged_lines)


def _blank_lines_out(data: bytes, delimiter: str) -> tuple[bytes, np.ndarray | None]:
    """``data`` without its blank lines (nothing but delimiters, quotes and white space: a
    spreadsheet's empty row saved as csv), which the web import skips, and the lines kept,
    counted from the first (None when none was blank)."""
    blank = rb"(?:[ \t\r\f\v\"]|" + re.escape(delimiter.encode()) + rb")*"
    end = len(data) - 1 if data.endswith(b"\n") else len(data)
    first = data.find(b"\n", 0, end)
    # Each match is the newline before a blank line: the search skips from one newline to
    # the next in C (a part without blank lines is read once, quickly).
    after = re.compile(rb"\n" + blank + rb"(?=\n|\Z)")
    starts = [m.start() + 1 for m in after.finditer(data, 0, end)]
    if re.compile(blank).fullmatch(data, 0, end if first < 0 else first):
        starts.insert(0, 0)
    if not starts:
        return data, None
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8, count=end) == ord("\n"))
    line_starts = np.concatenate(([0], newlines + 1))
    blanks = np.searchsorted(line_starts, starts)
    pieces, at = [], 0
    for n in blanks.tolist():
        pieces.append(data[at : line_starts[n]])
        at = int(newlines[n]) + 1 if n < newlines.size else len(data)
    pieces.append(data[at:])
    return b"".join(pieces), np.delete(np.arange(line_starts.size, dtype=np.int64), blanks)


def _ragged_lines(data: bytes, skipped: list[str], rows: int):
    """(the lines of the rows read, the lines of the rows skipped), counted from the first of
    ``data``, found from the text of the skipped ones, in order (the parser does not say
    their lines); (None, -1 for each) when they cannot be found."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    found, at = [], 0
    for text in skipped:
        while at < len(lines) and lines[at].rstrip(b"\r").decode("utf-8", "replace") != text:
            at += 1
        if at == len(lines):
            return None, [-1] * len(skipped)
        found.append(at)
        at += 1
    read = np.delete(np.arange(len(lines), dtype=np.int64), found)
    if read.size != rows:
        return None, [-1] * len(skipped)
    return read, found


def _utf8(data: bytes, encoding: str) -> bytes:
    """The part's text as UTF-8: the encoding found at the file's start is a guess from its
    first 64 KB, so a byte that is not of it (a Latin-1 name further down, a byte cp1252
    leaves undefined) becomes U+FFFD in its cell instead of stopping the run."""
    if encoding == "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return data
    return data.decode(encoding, errors="replace").encode("utf-8")


def _header_width(part: Part) -> int:
    with open(part.path, "rb") as handle:
        for _ in range(part.first_line - 1):
            line = handle.readline()
    text = line.decode(part.encoding, errors="replace").lstrip("\ufeff").rstrip("\r\n")
    return len(next(csv.reader([text], delimiter=part.delimiter), []))


def _text(s: pd.Series) -> pd.Series:
    return s.astype("str").str.strip().str.lower()


def parse_days(s: pd.Series) -> np.ndarray:
    """Dates as day numbers since 1970-01-01 (float, NaN when missing or not a date): typed
    dates, dd/mm/yyyy, yyyy-mm-dd (with any time after), Excel serial numbers."""
    if pd.api.types.is_datetime64_any_dtype(s):
        days = s.to_numpy(dtype="datetime64[D]").astype(np.int64).astype(np.float64)
        return np.where(s.isna().to_numpy(), np.nan, days)
    if s.dtype == object:
        sample = s.dropna()
        if len(sample) and isinstance(sample.iloc[0], datetime.date):
            return parse_days(pd.to_datetime(s, errors="coerce"))
    if pd.api.types.is_numeric_dtype(s):
        serial = s.to_numpy(dtype=np.float64)
        ok = (serial >= 1) & (serial < 100_000) & ~_year(serial)
        return np.where(ok, np.floor(serial) + _EXCEL_EPOCH_DAY, np.nan)
    text = s.astype("str").str.strip()
    out = np.full(len(s), np.nan)
    for pattern, order in (
        (r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})(?:[ T].*)?$", ("d", "m", "y")),
        (r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T].*)?$", ("y", "m", "d")),
    ):
        parts = text.str.extract(pattern)
        hit = parts[0].notna().to_numpy()
        if not hit.any():
            continue
        values = {k: pd.to_numeric(parts[i][hit]) for i, k in enumerate(order)}
        dates = pd.to_datetime(
            pd.DataFrame({"year": values["y"], "month": values["m"], "day": values["d"]}),
            errors="coerce",
        )
        days = dates.to_numpy(dtype="datetime64[D]").astype(np.int64).astype(np.float64)
        days[dates.isna().to_numpy()] = np.nan
        out[hit] = days
    serial = text.str.fullmatch(r"\d{4,5}(\.0+)?").fillna(False).to_numpy(dtype=bool)
    if serial.any():
        numbers = pd.to_numeric(text[serial]).to_numpy(dtype=np.float64)
        out[serial] = np.where(_year(numbers), np.nan, np.floor(numbers) + _EXCEL_EPOCH_DAY)
    return out


def _year(serial: np.ndarray) -> np.ndarray:
    """Whole numbers from 1900 to 2100: a year written alone, not a day of 1905 (as the web
    import reads them: ``growth.importing.parse.parse_date``)."""
    return (serial == np.floor(serial)) & (serial >= 1900) & (serial <= 2100)


def parse_numbers(s: pd.Series, places: int) -> tuple[np.ndarray, np.ndarray]:
    """(float values with NaN for empty, mask of cells that are not numbers), rounded to
    ``places``; text as the web import reads it (``growth.importing.cells.parse_decimal``,
    once per distinct cell: a unit after the number, a decimal comma, thousands separators;
    a "-" is not a number)."""
    if pd.api.types.is_numeric_dtype(s):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.round(values, places), np.zeros(len(s), bool)
    codes, distinct = pd.factorize(pd.Series(s), use_na_sentinel=True)
    # The last of each: what an empty cell (code -1) reads as.
    values = np.full(len(distinct) + 1, np.nan)
    bad = np.zeros(len(distinct) + 1, dtype=bool)
    for i, cell in enumerate(distinct):
        try:
            number = parse_decimal(cell, places)
        except ValueError:
            bad[i] = True
        else:
            if number is not None:
                values[i] = float(number)
    return values[codes], bad[codes]


def _desa_codes(s: pd.Series) -> np.ndarray:
    """Kemendagri desa codes ``NN.NN.NN.NNNN`` (ten digits are accepted too); "" if not one."""
    text = s.astype("str").str.strip().str.replace(r"^'", "", regex=True)
    digits = text.str.replace(".", "", regex=False)
    ok = digits.str.fullmatch(r"\d{10}").fillna(False)
    dotted = text.str.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}").fillna(False)
    plain = text.str.fullmatch(r"\d{10}").fillna(False)
    ok = ok & (dotted | plain)
    code = (
        digits.str.slice(0, 2)
        + "."
        + digits.str.slice(2, 4)
        + "."
        + digits.str.slice(4, 6)
        + "."
        + digits.str.slice(6, 10)
    )
    return np.where(ok.to_numpy(dtype=bool), code.fillna("").to_numpy(dtype=object), "")


def _mapped(s: pd.Series, mapping: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    token = _text(s).str.replace(r"[^a-z0-9]+", "", regex=True)
    empty = (token.isna() | (token == "")).to_numpy(dtype=bool)
    values = token.map(mapping).fillna("").to_numpy(dtype=object)
    return values, empty


def _names(s) -> np.ndarray:
    """Names as the web import compares them (``growth.services.normalise_name``): lower-case,
    without accents and punctuation, spaces collapsed ("" for none)."""
    text = pd.Series(s).astype("str").fillna("").astype(object).str.normalize("NFKD")
    text = text.str.encode("ascii", "ignore").str.decode("ascii").str.lower()
    return text.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip().to_numpy(dtype=object)


def read_niks(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's NIK as the web import reads it (``growth.importing.cells.parse_nik``, once
    per distinct cell): its 16 ASCII digits, "" for none; and the reason a cell the web
    import refuses refuses its row ("" for the others)."""
    codes, distinct = pd.factorize(pd.Series(cells), use_na_sentinel=True)
    niks, reasons = [], []
    for cell in distinct:
        try:
            niks.append(parse_nik(cell) or "")
            reasons.append("")
        except NumberNotExact:
            niks.append("")
            reasons.append(BAD_NIK_NUMBER)
        except ValueError:
            niks.append("")
            reasons.append(BAD_NIK)
    # The last of each: what an empty cell (code -1) reads as.
    niks.append("")
    reasons.append("")
    return np.array(niks, dtype=object)[codes], np.array(reasons, dtype=object)[codes]


def child_keys(
    code: np.ndarray, nik: np.ndarray, nama: pd.Series, born, ortu, *, by_name: bool = False
) -> np.ndarray:
    """A 64-bit key per row for its child: kabupaten with NIK (``nik``: the row's NIK read by
    :func:`read_niks`, "" for none), else desa code with name, birth date and mother's name
    (``growth.services.child_match_key``); ``by_name``: the latter for every row, NIK or not
    (the key a web import also finds a child by)."""
    nik = np.asarray(nik, dtype=object)
    has_nik = np.zeros(nik.size, dtype=bool) if by_name else nik != ""
    born_text = pd.Series(born).astype("Int64").astype("str").fillna("").to_numpy(dtype=object)
    who = np.where(
        has_nik,
        "N" + nik,
        "A" + _names(nama) + "|" + born_text + "|" + _names(ortu),
    )
    # By NIK the child is the same in every desa of the kabupaten (a web import merges a row
    # into the child of its NIK whatever desa it names); without one, its desa tells it apart.
    desa = pd.Series(code, dtype=object).astype("str")
    where = np.where(has_nik, desa.str.slice(0, 5).to_numpy(dtype=object), desa.to_numpy(object))
    keys = pd.util.hash_array((where + "|" + who).astype(object))
    return keys.view(np.int64)


def read_part(part: Part) -> pd.DataFrame:
    """One part as typed columns, one row per line (bad lines with their reason)."""
    read = _raw(part)
    raw = read.columns
    n = len(next(iter(raw.values())))
    empty_text = pd.Series([None] * n, dtype="str")

    def col(key):
        return raw.get(key, empty_text)

    code = _desa_codes(raw["kode_desa"] if "kode_desa" in raw else raw["desa"])
    nik, nik_reason = read_niks(col("nik"))
    day = parse_days(col("tanggal"))
    born = parse_days(col("tgl_lahir"))
    sex, _sex_empty = _mapped(col("jk"), _SEX)
    method, method_empty = _mapped(col("cara_ukur"), _METHOD)
    numbers = {}
    bad_number = np.zeros(n, bool)
    beyond = np.zeros(n, bool)
    for key in ("berat", "tinggi", "lila"):
        numbers[key], bad = parse_numbers(col(key), PLACES[key])
        bad_number |= bad
        low, high = LIMITS[key]
        with np.errstate(invalid="ignore"):
            beyond |= ~np.isnan(numbers[key]) & (
                (numbers[key] < float(low)) | (numbers[key] > float(high))
            )
    nothing = np.isnan(numbers["berat"]) & np.isnan(numbers["tinggi"]) & np.isnan(numbers["lila"])
    no_method = (method == "") & (~method_empty | ~np.isnan(numbers["tinggi"]))
    # The web import refuses a row without a name (the column is there to be read).
    no_name = np.zeros(n, bool)
    if "nama" in raw:
        no_name = raw["nama"].astype("str").str.strip().fillna("").eq("").to_numpy(dtype=bool)
    reason = np.full(n, "", dtype=object)
    # One reason per row: the last of this list that applies (the most important).
    for mask, text in (
        (_unreadable_other(raw), BAD_OTHER),
        (nothing, BAD_NOTHING),
        (no_method, BAD_METHOD),
        (beyond, BAD_LIMIT),
        (bad_number, BAD_NUMBER),
        (no_name, BAD_NAME),
        (nik_reason == BAD_NIK, BAD_NIK),
        (nik_reason == BAD_NIK_NUMBER, BAD_NIK_NUMBER),
        (sex == "", BAD_SEX),
        (np.isnan(born), BAD_BIRTH),
        (np.isnan(day), BAD_DATE),
        (code == "", BAD_CODE),
    ):
        reason[mask] = text
    with np.errstate(invalid="ignore"):
        reason[(reason == "") & (day < born)] = BAD_AGE
        reason[(reason == "") & ((day > part.today) | (born > part.today))] = BAD_FUTURE
        reason[(reason == "") & (day - born > MAX_AGE_DAYS)] = BAD_OLD
    ok = reason == ""
    frame = pd.DataFrame(
        {
            "berkas": np.full(n, part.file_no, np.int32),
            "baris": part.first_line
            + (np.arange(n, dtype=np.int64) if read.lines is None else read.lines),
            "kode_desa": code,
            "anak": child_keys(code, nik, col("nama"), born, col("nama_ortu")),
            "anak_nama": child_keys(code, nik, col("nama"), born, col("nama_ortu"), by_name=True),
            "tanggal": np.where(ok, day, 0).astype(np.int64),
            "tgl_lahir": np.where(ok, born, 0).astype(np.int64),
            "jk": sex,
            "cara_ukur": method,
            "berat": numbers["berat"],
            "tinggi": numbers["tinggi"],
            "lila": numbers["lila"],
            "alasan": reason,
        }
    )
    if read.ragged:  # lines the parser could not split into the header's columns
        frame = pd.concat([frame, _ragged_rows(part, read.ragged)], ignore_index=True)
    return frame


def _unreadable_other(raw: dict[str, pd.Series]) -> np.ndarray:
    """Rows the web import refuses for a cell of ``CHECKED_NUMBERS`` or KIA, which nothing
    the batch computes reads."""
    n = len(next(iter(raw.values())))
    out = np.zeros(n, dtype=bool)
    for key, places in CHECKED_NUMBERS:
        if key in raw:
            values, bad = parse_numbers(raw[key], places)
            out |= bad
            if key == "pmt":
                with np.errstate(invalid="ignore"):
                    out |= (values < 0) | (values >= PMT_BELOW)
    if "kia" in raw:
        codes, distinct = pd.factorize(pd.Series(raw["kia"]), use_na_sentinel=True)
        refused = np.zeros(len(distinct) + 1, dtype=bool)  # the last: an empty cell
        for i, cell in enumerate(distinct):
            try:
                parse_yes_no(cell)
            except ValueError:
                refused[i] = True
        out |= refused[codes]
    return out


def _ragged_rows(part: Part, lines: list[int]) -> pd.DataFrame:
    """Rows of lines the parser could not split (``lines``: counted from the part's first,
    -1 where not known)."""
    count = len(lines)
    lines = np.asarray(lines, dtype=np.int64)
    return pd.DataFrame(
        {
            "berkas": np.full(count, part.file_no, np.int32),
            "baris": np.where(lines >= 0, part.first_line + lines, -1),
            "kode_desa": np.full(count, "", dtype=object),
            "anak": np.zeros(count, np.int64),
            "anak_nama": np.zeros(count, np.int64),
            "tanggal": np.zeros(count, np.int64),
            "tgl_lahir": np.zeros(count, np.int64),
            "jk": np.full(count, "", dtype=object),
            "cara_ukur": np.full(count, "", dtype=object),
            "berat": np.full(count, np.nan),
            "tinggi": np.full(count, np.nan),
            "lila": np.full(count, np.nan),
            "alasan": np.full(count, BAD_COLUMNS, dtype=object),
        }
    )
