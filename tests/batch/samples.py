"""Synthetic e-PPGBM exports written by the tests (no real child): csv with a title line,
csv with semicolons and decimal commas, xlsx with date cells, Parquet with typed columns."""

import csv
import datetime
import random

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

HEADER = [
    "NIK", "Nama", "JK", "Tgl Lahir", "Kode Desa", "Desa/Kel", "Tanggal Pengukuran",
    "Berat", "Tinggi", "Cara Ukur", "LiLA",
]  # fmt: skip
DESA = [
    "19.06.01.2001", "19.06.01.2002", "19.06.02.2010", "19.01.01.2001", "19.01.03.2004",
    "1901032005",  # ten digits: the same code without dots
]  # fmt: skip
METHODS = ["Berdiri", "Telentang", "PB", "TB"]


def measurements(seed: int, children: int) -> list[dict]:
    """Monthly weighings of ``children`` synthetic children over 2024-2025, with what real
    files hold: repeated same-day rows, implausible values (WHO-flagged), children past five,
    children without NIK (known by name, birth date and sex)."""
    rng = random.Random(seed)
    rows = []
    for i in range(children):
        born = datetime.date(2019, 6, 1) + datetime.timedelta(days=rng.randint(0, 1670))
        desa = rng.choice(DESA)
        nik = f"{1906010000000000 + seed * 100000 + i}" if rng.random() < 0.7 else ""
        sex = rng.choice(["L", "P", "Laki-laki", "Perempuan"])
        for _ in range(rng.randint(1, 6)):
            day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
            age_m = max((day - born).days / 30.4, 0)
            height = 50 + age_m * 0.9 + rng.gauss(0, 5) if rng.random() < 0.9 else None
            weight = 3.3 + age_m * 0.2 + rng.gauss(0, 1.4)
            if rng.random() < 0.03:
                weight *= 3  # implausible: a WHO flag
            row = {
                "NIK": nik,
                "Nama": f"Anak Sintetis {seed}-{i}",
                "JK": sex,
                "Tgl Lahir": born,
                "Kode Desa": desa,
                "Desa/Kel": "Desa Sintetis",
                "Tanggal Pengukuran": day,
                "Berat": round(weight, 1),
                "Tinggi": None if height is None else round(height, 1),
                # an empty Cara Ukur only beside no height (the web refuses a height without it)
                "Cara Ukur": rng.choice(METHODS) if height is not None else "",
                "LiLA": round(rng.uniform(11, 17), 1) if rng.random() < 0.3 else None,
            }
            rows.append(row)
            if rng.random() < 0.05:  # the same weighing entered twice, another height
                rows.append({**row, "Tinggi": None if height is None else round(height + 2, 1)})
    return rows


#: In the rows given to ``write_csv`` and ``write_xlsx``: a blank row (empty cells, as a
#: spreadsheet saves one) and a row of white space.
BLANK, SPACES = "blank", "spaces"


def write_csv(path, rows, *, delimiter=",", title=False, bad=(), header=HEADER):
    """``rows`` under ``header`` (a column a row lacks is empty), then the ``bad`` lines."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, delimiter=delimiter)
        if title:
            out.writerow(["Data Entri Pengukuran (SINTETIS)"])
        out.writerow(header)
        for row in rows:
            if row is BLANK:
                out.writerow([""] * len(header))
                continue
            if row is SPACES:
                handle.write(" \t \r\n")
                continue
            cells = []
            for name in header:
                value = row.get(name)
                if isinstance(value, datetime.date):
                    value = value.strftime("%d/%m/%Y")
                elif isinstance(value, float) and delimiter == ";":
                    value = str(value).replace(".", ",")
                cells.append("" if value is None else value)
            out.writerow(cells)
        for cells in bad:
            out.writerow(cells)


def write_xlsx(path, rows, *, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        if row is BLANK:
            sheet.append([None] * len(header))
        elif row is SPACES:
            sheet.append([" "] * len(header))
        else:
            sheet.append([row.get(name) for name in header])
    book.save(path)


def write_parquet(path, rows, *, row_group_size=50):
    columns = {name: [row[name] for row in rows] for name in HEADER}
    table = pa.table(
        {
            name: pa.array(values, pa.date32())
            if name in ("Tgl Lahir", "Tanggal Pengukuran")
            else pa.array(values, pa.float64())
            if name in ("Berat", "Tinggi", "LiLA")
            else pa.array(values, pa.string())
            for name, values in columns.items()
        }
    )
    pq.write_table(table, path, row_group_size=row_group_size)
