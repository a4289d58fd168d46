"""The work of ``kampungkb zscore``: a CSV file of measurements in, one of z-scores out.

The input is streamed with pyarrow's CSV reader (every column read as text) in blocks of
``block_size`` bytes; each block is parsed, computed by ``anthro_zscores`` and written
before the next one is read, so memory follows the block, not the file.

The output text is assembled here, a block at a time, with pyarrow's string kernels: a
rounded z-score and its flag are one of ~60,000 texts (a table built once), a category
one of a handful, and only the free-form numbers (``clenhei``, ``cbmi``, unrounded
z-scores) are formatted one by one. The bytes are those pyarrow's CSV writer
gave with ``quoting_style="needed"`` (the formatting of earlier releases): text quoted with
inner quotes doubled, numbers bare in their shortest round-trip form, missing values empty.

No call here makes pyarrow import pandas (a fifth of a second of start-up): arrays cross
between numpy and arrow through their buffers, and scalars are taken from arrays.
"""

from __future__ import annotations

import contextlib
import csv as py_csv
import os
import stat
import sys
import tempfile
import time
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ._inputs import MEASURE_CODES, MISSING_TOKENS, OEDEMA_CODES, SEX_CODES
from .all_indicators import CATEGORIES, FLAGS, INPUT_COLUMNS, ZSCORES, anthro_zscores
from .categories import CATEGORY_LABELS

NUMERIC = ("age_days", "weight", "lenhei", "headc", "armc", "triskin", "subskin")
OUT_COLUMNS = (
    "clenhei",
    "cbmi",
    *tuple(c for z in ZSCORES for c in (z, FLAGS[z])),
    *tuple(CATEGORIES),
    "error",
)
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


class InputError(Exception):
    """The input file cannot be read as CSV."""


# --- numpy <-> arrow through buffers (pyarrow's own converters import pandas) ---------------


def _strings(texts: Sequence[str]) -> pa.Array:
    """A utf8 arrow array of ``texts``."""
    data = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.string(), len(data), buffers)


def _arrow(values: np.ndarray, type_: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """An arrow array over ``values`` (fixed width), null where ``valid`` is False."""
    values = np.ascontiguousarray(values)
    bitmap = None
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(type_, len(values), [bitmap, pa.py_buffer(values)])


def _numpy(arr: pa.Array, dtype, null) -> np.ndarray:
    """A writable numpy copy of a fixed-width arrow array, ``null`` where it is null."""
    n = len(arr)
    validity, data = arr.buffers()[:2]
    values = np.frombuffer(data, dtype=dtype, count=n, offset=arr.offset * np.dtype(dtype).itemsize)
    values = values.copy()
    if arr.null_count:
        bits = np.unpackbits(
            np.frombuffer(validity, dtype=np.uint8), bitorder="little", count=arr.offset + n
        )
        values[bits[arr.offset :] == 0] = null
    return values


def _scalar(text: str) -> pa.Scalar:
    return _strings([text])[0]


_NULL_TEXT = pa.nulls(1, pa.string())[0]
_MISSING = _strings(sorted(MISSING_TOKENS))
_EMPTY, _COMMA, _QUOTE, _QUOTE_COMMA, _QUOTES_COMMA = (
    _scalar(t) for t in ("", ",", '"', '",', '","')
)


# --- reading ------------------------------------------------------------------------------


def _normalised(col: pa.Array) -> pa.Array:
    """Trimmed, lower-cased text with the missing tokens turned into nulls."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(col))
    return pc.if_else(pc.is_in(text, value_set=_MISSING), _NULL_TEXT, text)


def _parse_number(col: pa.Array) -> np.ndarray:
    """float64 values: NaN when missing, +inf when not a number.

    ``anthro_zscores`` reads an infinite value as "not a number" of that field,
    so the engine alone decides what an invalid input costs and says why.
    Empty cells arrive as nulls; a column of plain numbers is cast in one step.
    """
    try:
        return _numpy(pc.cast(col, pa.float64()), np.float64, np.nan)
    except pa.ArrowInvalid:
        pass  # padded, a decimal comma, "NA", or not a number: the careful way
    text = pc.replace_substring(_normalised(col), ",", ".")
    try:
        return _numpy(pc.cast(text, pa.float64()), np.float64, np.nan)
    except pa.ArrowInvalid:
        pass
    ok = pc.match_substring_regex(text, _NUMBER)
    values = pc.cast(pc.if_else(ok, text, _NULL_TEXT), pa.float64())
    out = _numpy(values, np.float64, np.nan)
    out[_numpy(pc.cast(ok, pa.int8()), np.int8, 1) == 0] = np.inf
    return out


def _parse_code(col: pa.Array, mapping: dict, missing: float, invalid: float) -> np.ndarray:
    """Map text codes to numbers: ``missing`` for empty, ``invalid`` for unknown."""
    encoded = pc.dictionary_encode(col)
    tokens = _normalised(encoded.dictionary).to_pylist()
    lookup = np.array(
        [missing if t is None else float(mapping.get(t, invalid)) for t in tokens] + [missing]
    )
    return lookup[_numpy(encoded.indices, np.int32, len(tokens))]


# Measure codes as the engine reads them: -1 (unknown) -> "?", 0 -> "", 1 -> "l", 2 -> "h".
_MEASURE_TEXT = np.array(["?", "", "l", "h"])
_OEDEMA_YES_NO = {k: (1.0 if v else 2.0) for k, v in OEDEMA_CODES.items()}


def _inputs(batch: pa.RecordBatch, columns: dict[str, int]) -> dict:
    """Input arrays for ``anthro_zscores``, with invalid values kept recognisable as such
    (unknown codes as codes the engine does not know, bad numbers as +inf)."""
    data: dict = {}
    for name, index in columns.items():
        col = batch.column(index)
        if name in NUMERIC:
            data[name] = _parse_number(col)
        elif name == "sex":
            data[name] = _parse_code(col, SEX_CODES, np.nan, 3.0)  # 3 -> "unknown sex"
        elif name == "measure":
            codes = _parse_code(col, MEASURE_CODES, 0.0, -1.0)
            data[name] = _MEASURE_TEXT[codes.astype(np.intp) + 1]
        elif name == "oedema":
            data[name] = _parse_code(col, _OEDEMA_YES_NO, np.nan, 3.0)  # 3 -> "unknown oedema"
    data.setdefault("age_days", np.full(batch.num_rows, np.nan))
    return data


# --- writing ------------------------------------------------------------------------------
#
# A block's output is one ``take`` from one string array: every piece a line can hold (the
# formatted values, the separators, the quotes) is a value of that array, and each line is
# the list of its pieces' indices, row after row. The data buffer of the result is the CSV
# text. Pieces that come from a table (a rounded z-score, a flag, a category) carry their
# separator with them; the tables are built once.


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _float_text(values: np.ndarray) -> pa.Array:
    """Shortest round-trip text of each value, null for NaN (arrow's float formatting)."""
    return pc.cast(_arrow(values, pa.float64(), ~np.isnan(values)), pa.string())


_Z_STEPS = 10_000  # rounded z-scores from -100.00 to 100.00 come from the table
_FLAG_TEXT = _strings(["", "0", "1"])  # NaN, 0, 1


def _flag_slots(flags: np.ndarray) -> np.ndarray:
    return np.nan_to_num(flags, nan=-1.0).astype(np.int32) + 1


def _z_flag_table() -> pa.Array:
    """The text "z,flag," of every rounded z-score in the table (slot 0: NaN) and flag."""
    z = _float_text(np.r_[np.nan, np.arange(-_Z_STEPS, _Z_STEPS + 1) / 100.0])
    slots = np.arange(3 * len(z), dtype=np.int32)
    z = pc.take(z, _arrow(slots // 3, pa.int32()))
    flags = pc.take(_FLAG_TEXT, _arrow(slots % 3, pa.int32()))
    options = {"null_handling": "replace", "null_replacement": ""}
    return pc.binary_join_element_wise(z, flags, _EMPTY, _COMMA, **options)


def _label_table(kind: str) -> list[str]:
    labels = CATEGORY_LABELS[kind]
    texts = [","] * (max(labels) + 2)  # code -1 (no category) -> slot 0 -> ","
    for code, label in labels.items():
        texts[code + 1] = _quoted(label) + ","
    return texts


# The pieces every block shares, in one array: where each table starts in it.
_SHARED = {
    "constants": _strings(['"', '","', '",', ","]),
    "z_flag": _z_flag_table(),
    "flag": _strings([",", "0,", "1,"]),
    **{column: _strings(_label_table(kind)) for column, (kind, _) in CATEGORIES.items()},
}


def _starts(arrays: dict[str, pa.Array]) -> dict[str, int]:
    """Where each array starts once they are concatenated in order."""
    lengths = [len(a) for a in arrays.values()]
    return dict(zip(arrays, np.cumsum([0, *lengths[:-1]]).tolist(), strict=True))


_BASE = _starts(_SHARED)
_SHARED_PIECES = pa.concat_arrays(list(_SHARED.values()))
_OPEN, _QUOTES_COMMA, _QUOTE_COMMA, _COMMA_PIECE = range(4)
_LABEL_COLUMNS = frozenset(CATEGORIES)
_FLAG_COLUMNS = frozenset(FLAGS.values())
#: Rows formatted per ``take``: its result must stay well under 2 GiB of text.
_WINDOW = 1 << 16


def _z_flag_slots(z: np.ndarray, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's slot in the "z_flag" table, and the rows the table does not hold.

    ``round_r`` returns exactly ``k / 100.0`` for an integer k, so the text is the table's
    entry for k; a value that is not (beyond the table, or bit for bit different) is
    formatted on its own.
    """
    with np.errstate(invalid="ignore"):
        k = np.rint(z * 100.0)
        exact = np.abs(k) <= _Z_STEPS
        exact &= (k / 100.0).view(np.int64) == z.view(np.int64)
    slots = np.where(exact, k + (_Z_STEPS + 1), 0).astype(np.int32)
    slots *= 3
    slots += _flag_slots(flags)
    return slots, np.flatnonzero(~exact & ~np.isnan(z))


def _error_pieces(errors: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """The quoted reasons, each ending the line, and each row's index among them."""
    index = np.zeros(len(errors), dtype=np.int32)
    bad = np.flatnonzero(errors != "")
    texts = ['""\n']
    if bad.size:
        reasons, inverse = np.unique(errors[bad], return_inverse=True)
        texts += [_quoted(r) + "\n" for r in reasons]
        index[bad] = inverse + 1
    return _strings(texts), index


def _has_quote(col: pa.Array) -> bool:
    data = col.buffers()[2]  # may hold more than the slice: at worst a needless escape
    return data is not None and bool((np.frombuffer(data, dtype=np.uint8) == 34).any())


def _lines(columns: list[pa.Array], out: dict, rounded: bool) -> pa.Array:
    """One string per row: its CSV line, newline included.

    ``columns`` are the given columns passed through (text, null for an empty cell).
    """
    n = len(out["error"])
    arrays = [_SHARED_PIECES]
    size = len(_SHARED_PIECES)
    rows = np.arange(n, dtype=np.int64)

    def own(array: pa.Array) -> int:
        """Add ``array`` to the pieces; return where it starts."""
        nonlocal size
        arrays.append(array)
        size += len(array)
        return size - len(array)

    order: list = []  # per piece of a line: an index array over the rows, or one index
    if columns:
        order.append(_OPEN)
        for col in columns:
            if _has_quote(col):
                col = pc.replace_substring(col, '"', '""')
            order += [own(col) + rows, _QUOTES_COMMA]
        order[-1] = _QUOTE_COMMA
    for name in OUT_COLUMNS:
        values = out[name]
        if name == "error":
            reasons, index = _error_pieces(values)
            order.append(own(reasons) + index)
        elif name in _LABEL_COLUMNS:
            order.append(_BASE[name] + 1 + values.astype(np.int32))
        elif rounded and name in FLAGS:
            flags = out[FLAGS[name]]
            slots, other = _z_flag_slots(values, flags)
            index = slots + _BASE["z_flag"]
            if other.size:
                texts = pc.binary_join_element_wise(
                    _float_text(values[other]),
                    pc.take(_FLAG_TEXT, _arrow(_flag_slots(flags[other]), pa.int32())),
                    _EMPTY,
                    _COMMA,
                )
                index[other] = own(texts) + np.arange(other.size)
            order.append(index)
        elif name in _FLAG_COLUMNS:
            if not rounded:
                order.append(_BASE["flag"] + _flag_slots(values))
        else:
            order += [own(_float_text(values)) + rows, _COMMA_PIECE]
    pieces = pa.concat_arrays(arrays)
    wide = size >= 1 << 31
    table = np.empty((n, len(order)), dtype=np.int64 if wide else np.int32)
    for p, index in enumerate(order):
        table[:, p] = index
    return pc.take(pieces, _arrow(table.ravel(), pa.int64() if wide else pa.int32()))


def _write(handle, columns: list[pa.Array], out: dict, rounded: bool) -> None:
    """Write a block's lines, ``_WINDOW`` rows at a time."""
    n = len(out["error"])
    for start in range(0, n, _WINDOW):
        stop = min(start + _WINDOW, n)
        window = {name: values[start:stop] for name, values in out.items()}
        lines = _lines([c.slice(start, stop - start) for c in columns], window, rounded)
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
        handle.write(memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]])


# --- the command --------------------------------------------------------------------------


def _read_header(path: str) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            first = handle.readline()
    except FileNotFoundError as exc:
        raise InputError(f"berkas masukan tidak ditemukan: {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"masukan adalah direktori, bukan berkas CSV: {path}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"berkas masukan bukan teks CSV (UTF-8): {path}") from exc
    except OSError as exc:
        raise InputError(f"berkas masukan tidak dapat dibaca: {path} ({exc})") from exc
    if not first.strip():
        raise InputError(f"berkas masukan kosong atau tanpa baris judul kolom: {path}")
    if "\x00" in first:
        raise InputError(f"berkas masukan bukan teks CSV: {path}")
    return next(py_csv.reader([first]))


def _progress(rows: int, done: int, total: int, started: float) -> None:
    pct = f" {100.0 * done / total:5.1f}%" if total else ""
    rate = rows / max(time.monotonic() - started, 1e-9)
    sys.stderr.write(f"\rkampungkb zscore:{pct} {rows:,} baris ({rate:,.0f} baris/detik)")
    sys.stderr.flush()


def _mode_for(output_path: str) -> int:
    """The permissions the output should have: those of the file it replaces, else those a
    file the user creates gets (0666 less the umask). The temporary file it is written to is
    private (0600) until it is complete."""
    try:
        return stat.S_IMODE(os.stat(output_path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0o077)  # read the umask (setting it is the only way), then put it back
        os.umask(umask)
        return 0o666 & ~umask


def run(input_path: str, output_path: str, *, rounded: bool, block_size: int) -> int:
    """Process ``input_path`` into ``output_path``; return the number of rows.

    Raises ``InputError`` when the input cannot be read as CSV. The output appears
    whole or not at all (written to a temporary file, then renamed).
    """
    header = _read_header(input_path)
    wanted: dict[str, int] = {}
    for index, name in enumerate(header):
        wanted.setdefault(name.strip().lower(), index)
    columns = {name: wanted[name] for name in INPUT_COLUMNS if name in wanted}
    passthrough = [i for i, c in enumerate(header) if c.strip().lower() not in OUT_COLUMNS]
    show = sys.stderr.isatty()
    total = os.path.getsize(input_path)
    try:
        source = pa.OSFile(input_path, "rb")
        reader = pa_csv.open_csv(
            source,
            read_options=pa_csv.ReadOptions(block_size=block_size),
            convert_options=pa_csv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                null_values=[""],
                strings_can_be_null=True,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"berkas masukan bukan CSV yang valid: {exc}") from exc
    names = [header[i] for i in passthrough] + list(OUT_COLUMNS)
    directory = os.path.dirname(os.path.abspath(output_path))
    fd, tmp = tempfile.mkstemp(prefix=".zscore-", suffix=".csv", dir=directory)
    rows = 0
    started = time.monotonic()
    try:
        with open(fd, "wb") as handle:
            handle.write((",".join(_quoted(n) for n in names) + "\n").encode("utf-8"))
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except pa.ArrowInvalid as exc:
                    raise InputError(
                        f"berkas masukan bukan CSV yang valid (sekitar baris {rows + 2:,}): {exc}"
                    ) from exc
                out = anthro_zscores(_inputs(batch, columns), rounded=rounded)
                _write(handle, [batch.column(i) for i in passthrough], out, rounded)
                rows += batch.num_rows
                if show:
                    _progress(rows, source.tell(), total, started)
        os.chmod(tmp, _mode_for(output_path))
        os.replace(tmp, output_path)
    finally:
        source.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if show:
            sys.stderr.write("\n")
    return rows
