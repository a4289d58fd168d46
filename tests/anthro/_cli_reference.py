"""The ``kampungkb zscore`` of before the fast writer, kept as the reference of its bytes.

A verbatim copy of ``kampungkb.anthro.cli`` at commit b6b1be0 (reading with pyarrow, writing
with pyarrow's CSV writer), less the argument parsing. tests/anthro/test_cli_output.py
checks that today's command writes the very same bytes on varied inputs.
"""

from __future__ import annotations

import contextlib
import csv as py_csv
import os
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kampungkb.anthro._inputs import MEASURE_CODES, MISSING_TOKENS, OEDEMA_CODES, SEX_CODES
from kampungkb.anthro.all_indicators import (
    CATEGORIES,
    FLAGS,
    INPUT_COLUMNS,
    ZSCORES,
    anthro_zscores,
)
from kampungkb.anthro.categories import CATEGORY_LABELS

NUMERIC = ("age_days", "weight", "lenhei", "headc", "armc", "triskin", "subskin")
OUT_COLUMNS = (
    "clenhei",
    "cbmi",
    *tuple(c for z in ZSCORES for c in (z, FLAGS[z])),
    *tuple(CATEGORIES),
    "error",
)
BLOCK_SIZE = 8 << 20  # bytes of CSV text per streamed batch
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_MISSING = pa.array(sorted(MISSING_TOKENS))


class InputError(Exception):
    """The input file cannot be read as CSV."""


def _normalised(col: pa.Array) -> pa.Array:
    """Trimmed, lower-cased text with the missing tokens turned into nulls."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(col))
    return pc.if_else(pc.is_in(text, value_set=_MISSING), pa.scalar(None, pa.string()), text)


def _parse_number(col: pa.Array) -> np.ndarray:
    """float64 values: NaN when missing, +inf when not a number.

    ``anthro_zscores`` reads an infinite value as "not a number" of that field,
    so the engine alone decides what an invalid input costs and says why.
    """
    text = pc.replace_substring(_normalised(col), ",", ".")
    try:
        values = pc.cast(text, pa.float64())
        bad = None
    except pa.ArrowInvalid:
        ok = pc.match_substring_regex(text, _NUMBER)
        bad = pc.fill_null(pc.invert(ok), False).to_numpy(zero_copy_only=False)
        values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    out = pc.fill_null(values, np.nan).to_numpy(zero_copy_only=False).astype(np.float64)
    if bad is not None:
        out[bad] = np.inf
    return out


def _parse_code(col: pa.Array, mapping: dict, missing: float, invalid: float) -> np.ndarray:
    """Map text codes to numbers: ``missing`` for empty, ``invalid`` for unknown."""
    encoded = pc.dictionary_encode(_normalised(col))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    lookup = np.array(
        [float(mapping.get(v, invalid)) for v in encoded.dictionary.to_pylist()] + [missing]
    )
    indices = pc.fill_null(encoded.indices, len(lookup) - 1)
    return lookup[indices.to_numpy(zero_copy_only=False)]


# Measure codes as the engine reads them: -1 (unknown) -> "?", 0 -> "", 1 -> "l", 2 -> "h".
_MEASURE_TEXT = np.array(["?", "", "l", "h"])


def _inputs(batch: pa.RecordBatch, columns: dict[str, str]) -> dict:
    """Input arrays for ``anthro_zscores``, with invalid values kept recognisable as such
    (unknown codes as codes the engine does not know, bad numbers as +inf)."""
    data: dict = {}
    for name, source in columns.items():
        col = batch.column(source)
        if name in NUMERIC:
            data[name] = _parse_number(col)
        elif name == "sex":
            data[name] = _parse_code(col, SEX_CODES, np.nan, 3.0)  # 3 -> "unknown sex"
        elif name == "measure":
            codes = _parse_code(col, MEASURE_CODES, 0.0, -1.0)
            data[name] = _MEASURE_TEXT[codes.astype(np.intp) + 1]
        elif name == "oedema":
            yes_no = {k: (1.0 if v else 2.0) for k, v in OEDEMA_CODES.items()}
            data[name] = _parse_code(col, yes_no, np.nan, 3.0)  # 3 -> "unknown oedema"
    return data


def _float_array(values: np.ndarray) -> pa.Array:
    return pa.array(values, mask=np.isnan(values))


def _flag_array(values: np.ndarray) -> pa.Array:
    nan = np.isnan(values)
    return pa.array(np.where(nan, 0, values).astype(np.int8), mask=nan)


_LABELS = {
    column: pa.array([CATEGORY_LABELS[kind][c] for c in sorted(CATEGORY_LABELS[kind])])
    for column, (kind, _) in CATEGORIES.items()
}


def _outputs(out: dict) -> list[pa.Array]:
    arrays = []
    for name in OUT_COLUMNS:
        if name == "error":
            arrays.append(pa.array(out["error"], type=pa.string()))
        elif name.startswith("cat_"):
            codes = out[name]
            arrays.append(pc.take(_LABELS[name], pa.array(codes - 1, mask=codes < 0)))
        elif name in FLAGS.values():
            arrays.append(_flag_array(out[name]))
        else:
            arrays.append(_float_array(out[name]))
    return arrays


def _out_type(name: str) -> pa.DataType:
    if name == "error" or name.startswith("cat_"):
        return pa.string()
    return pa.int8() if name in FLAGS.values() else pa.float64()


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


def run(
    input_path: str, output_path: str, *, rounded: bool = True, block_size: int = BLOCK_SIZE
) -> int:
    """Process ``input_path`` into ``output_path``; return the number of rows.

    Raises ``InputError`` when the input cannot be read as CSV.
    """
    header = _read_header(input_path)
    wanted = {c.strip().lower(): c for c in reversed(header)}
    columns = {name: wanted[name] for name in INPUT_COLUMNS if name in wanted}
    passthrough = [c for c in header if c.strip().lower() not in OUT_COLUMNS]
    show = sys.stderr.isatty()
    total = os.path.getsize(input_path)
    try:
        source = pa.OSFile(input_path, "rb")
        reader = pa_csv.open_csv(
            source,
            read_options=pa_csv.ReadOptions(block_size=block_size),
            convert_options=pa_csv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"berkas masukan bukan CSV yang valid: {exc}") from exc
    schema = pa.schema(
        [pa.field(c, pa.string()) for c in passthrough]
        + [pa.field(c, _out_type(c)) for c in OUT_COLUMNS]
    )
    directory = os.path.dirname(os.path.abspath(output_path))
    fd, tmp = tempfile.mkstemp(prefix=".zscore-", suffix=".csv", dir=directory)
    os.close(fd)
    rows = 0
    started = time.monotonic()
    try:
        with pa_csv.CSVWriter(
            tmp, schema, write_options=pa_csv.WriteOptions(quoting_style="needed")
        ) as writer:
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except pa.ArrowInvalid as exc:
                    raise InputError(
                        f"berkas masukan bukan CSV yang valid (sekitar baris {rows + 2:,}): {exc}"
                    ) from exc
                data = _inputs(batch, columns)
                data.setdefault("age_days", np.full(batch.num_rows, np.nan))
                out = anthro_zscores(data, rounded=rounded)
                arrays = [batch.column(c) for c in passthrough] + _outputs(out)
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
                rows += batch.num_rows
                if show:
                    _progress(rows, source.tell(), total, started)
        os.replace(tmp, output_path)
    finally:
        source.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if show:
            sys.stderr.write("\n")
    return rows
