"""Benchmark of the import reader's xlsx path (run: ``python bench/xlsx_reader.py [ROWS]``).

Writes ROWS (default 50,000) e-PPGBM-like rows with openpyxl (shared strings, numbers,
dates) and the same rows as a csv, then reads each in this process as the reader's child
does, its rows written to /dev/null: the xlsx by the fast path and by expat alone, and the
csv (the same-run reference, as the machine may be loaded). Prints rows/s and ratios.
"""

import csv
import datetime
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kampungkb.growth.importing import reader
from kampungkb.growth.importing.reader_rows import Frames
from kampungkb.growth.importing.reader_xlsx import read_sheet

LIMITS = {"max_rows": 1_048_576, "max_columns": 16_384, "max_uncompressed_mb": 4096}
HEADER = ["NIK", "Nama", "JK", "Tgl Lahir", "Tgl Ukur", "Berat", "Tinggi", "Posyandu", "Desa"]


def _rows(count: int):
    born = datetime.date(2022, 1, 1)
    for i in range(count):
        yield [
            f"19060101012{i:05d}",
            f"Anak Nomor {i}",
            "L" if i % 2 else "P",
            born + datetime.timedelta(days=i % 900),
            datetime.date(2024, 8, 1 + i % 28),
            round(6 + (i % 130) / 10, 1),
            round(60 + (i % 400) / 10, 1),
            f"Posyandu Melati {i % 40}",
            f"Desa {i % 12}",
        ]


def _write(folder: Path, count: int) -> tuple[Path, Path]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("e-PPGBM")
    sheet.append(HEADER)
    xlsx_path, csv_path = folder / "bench.xlsx", folder / "bench.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for row in _rows(count):
            sheet.append(row)
            writer.writerow(row)
    workbook.save(xlsx_path)
    return xlsx_path, csv_path


def _time(read) -> float:
    best = float("inf")
    for _ in range(3):
        with open("/dev/null", "wb") as sink:
            started = time.perf_counter()
            read(Frames(sink))
            best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        xlsx_path, csv_path = _write(Path(folder), count)
        t_csv = _time(lambda out: reader.read_csv(str(csv_path), LIMITS, out))
        t_expat = _time(lambda out: read_sheet(str(xlsx_path), LIMITS, out, fast=False))
        t_fast = _time(lambda out: read_sheet(str(xlsx_path), LIMITS, out))
    n = count + 1
    print(f"csv (reference): {n / t_csv:,.0f} rows/s")
    print(f"xlsx, expat:     {n / t_expat:,.0f} rows/s  (csv / expat = {t_expat / t_csv:.1f})")
    print(f"xlsx, fast:      {n / t_fast:,.0f} rows/s  (csv / fast = {t_fast / t_csv:.1f})")
    print(f"fast / expat:    {t_expat / t_fast:.2f}x")


if __name__ == "__main__":
    main()
