"""Benchmark of the e-PPGBM import (run: ``python bench/import_measurements.py``).

Generates a synthetic 100,000-row "entri pengukuran" csv (``--xlsx`` also an xlsx) in a
temporary folder and imports it into an empty database: a temporary SQLite file by default,
or PostgreSQL when DATABASE_URL is set (use a dedicated database such as ``kampungkb_bench``:
it is flushed first). Never touches the demo database under var/.

A report, not a test: prints rows/s beside the same run's physical reference, the bare load
of the same measurement rows into an unindexed table (``COPY`` on PostgreSQL, ``executemany``
on SQLite: ``reference.py``), and PASS/FAIL for the import reaching 0.25x of it (5,000 rows/s
on PostgreSQL, the absolute target of a quiet machine, is printed as information); then
re-imports the file unchanged and changed in every weight (a district's monthly export repeats
earlier months, with corrections), and prints the three rows/s side by side with PASS/FAIL for
the update re-import taking at most twice the first import's time.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pgdb import ensure_postgres_database  # noqa: E402  (bench/, the script's folder)
from reference import (  # noqa: E402
    IMPORT_RATIO_TARGET,
    bare_copy,
    floor_line,
    server_floor,
    verdict_line,
)

N = 100_000
TARGET_ROWS_PER_S = 5_000
#: A re-import updating every row takes at most this many times the first import of them.
UPDATE_TARGET_SLOWER = 2.0
SEED = 20261127
TODAY = datetime.date(2026, 11, 1)


def _setup_django(tmp: Path) -> None:
    os.environ.setdefault("KAMPUNGKB_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 30)
    os.environ["KAMPUNGKB_VAR_DIR"] = str(tmp)  # SQLite file and media go to the temp dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url and "kampungkb_bench" not in url:
        sys.exit("Refusing to flush a database whose name is not kampungkb_bench: " + url)
    ensure_postgres_database(url)
    import django

    django.setup()


def generate(
    path: Path,
    n: int,
    desa: list[tuple[str, str]],
    seed: int = SEED,
    first_child: int = 0,
    extra_kg: float = 0.0,
) -> None:
    """Write ``n`` plausible rows: children measured 1-6 times, about monthly (children
    numbered from ``first_child`` + 1, so two files can hold different children); ``extra_kg``
    added to every weight (the same file otherwise: a re-import that updates every row)."""
    from kampungkb.growth.importing.headers import TEMPLATE_HEADERS

    rng = np.random.default_rng(seed)
    rows_written = 0
    child = first_child
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(TEMPLATE_HEADERS)
        while rows_written < n:
            child += 1
            kec, village = desa[rng.integers(len(desa))]
            born = TODAY - datetime.timedelta(days=int(rng.integers(60, 1700)))
            sex = "L" if rng.random() < 0.5 else "P"
            nik = f"1906{child:012d}" if rng.random() < 0.8 else ""
            z = rng.normal(-0.5, 1.0)
            first = born + datetime.timedelta(days=int(rng.integers(20, 60)))
            visits = int(min(rng.integers(1, 7), n - rows_written))
            for v in range(visits):
                day = first + datetime.timedelta(days=30 * v + int(rng.integers(0, 5)))
                if day >= TODAY:
                    break
                months = (day - born).days / 30.4375
                weight = max(2.0, 3.3 + 0.55 * min(months, 12) + 0.2 * max(months - 12, 0))
                weight *= 1 + 0.08 * z + rng.normal(0, 0.02)
                weight += extra_kg
                height = 50 + 2.0 * min(months, 12) + 0.85 * max(months - 12, 0) + 3 * z
                out.writerow(
                    [
                        nik, f"Anak Sintetis {child}", sex, born.strftime("%d/%m/%Y"), "3,1",
                        "49", f"Ibu Sintetis {child}", "Kepulauan Bangka Belitung",
                        "Belitung Timur", kec, f"Puskesmas {kec}", village,
                        f"Posyandu {village} {child % 3 + 1}", "001", "002", "", "",
                        day.strftime("%d/%m/%Y"), f"{weight:.2f}".replace(".", ","),
                        f"{height:.1f}".replace(".", ","),
                        "Telentang" if months < 24 else "Berdiri",
                        "", "", "", "", "", "", "", "", "", "1" if day.month in (2, 8) else "0",
                        "", "Ya", "",
                    ]
                )  # fmt: skip
                rows_written += 1
                if rows_written >= n:
                    break


def _to_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("e-PPGBM")
    with csv_path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter=";"):
            sheet.append(row)
    workbook.save(xlsx_path)


def _fresh_database() -> str:
    """Migrate, empty every table, then load Belitung Timur and the KBM tables again."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kampungkb.growth.kbm.reference import kbm_tables_load
    from kampungkb.growth.models import KBMEntry, KBMTable
    from kampungkb.wilayah.loading import wilayah_load

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    kbm_tables_load(KBMTable, KBMEntry)
    wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    return connection.vendor


def _import(path: Path, *, dry_run: bool):
    """The import's result and its wall seconds (``_timed`` also gives its CPU seconds)."""
    result, seconds, _cpu = _timed(path, dry_run=dry_run)
    return result, seconds


def _timed(path: Path, *, dry_run: bool):
    from kampungkb.growth.importing.commit import measurements_import

    start, cpu = time.perf_counter(), time.process_time()
    result = measurements_import(user=None, path=path, dry_run=dry_run)
    return result, time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=N, help="rows to generate (default 100,000)")
    parser.add_argument("--xlsx", action="store_true", help="also time an xlsx of the same rows")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kampungkb-bench-") as folder:
        tmp = Path(folder)
        _setup_django(tmp)
        vendor = _fresh_database()
        from kampungkb.wilayah.models import Wilayah

        desa = [
            (w.parent.nama, w.nama)
            for w in Wilayah.objects.filter(level="desa_kelurahan").select_related("parent")
        ]
        csv_path = tmp / "eppgbm-100k.csv"
        start = time.perf_counter()
        generate(csv_path, args.n, desa)
        print(
            f"database: {vendor}; generated {args.n:,} rows in {time.perf_counter() - start:.1f} s"
        )

        checked, t_dry = _import(csv_path, dry_run=True)
        print(
            f"dry run (read + check + compute): {t_dry:.1f} s, {checked.n_rows / t_dry:,.0f} rows/s"
        )
        result, t_commit, cpu_commit = _timed(csv_path, dry_run=False)
        rate = result.n_rows / t_commit
        print(
            f"import csv: {result.n_rows:,} rows ({result.n_created:,} created, "
            f"{result.n_children_created:,} children, {result.n_posyandu_created} posyandu, "
            f"{result.n_rejected} rejected) in {t_commit:.1f} s = {rate:,.0f} rows/s"
        )
        reference = bare_copy("growth_measurement")
        print(reference.line())
        print(verdict_line("import csv", rate, reference, IMPORT_RATIO_TARGET))
        floor = server_floor(["growth_child", "growth_measurement"], per="growth_measurement")
        if floor is not None:
            print(floor.line())
            print(floor_line(t_commit, cpu_commit, reference, floor, IMPORT_RATIO_TARGET))
        again, t_again = _import(csv_path, dry_run=False)
        print(
            f"re-import (unchanged {again.n_unchanged:,}, created {again.n_created}): "
            f"{t_again:.1f} s = {again.n_rows / t_again:,.0f} rows/s"
        )
        changed_path = tmp / "eppgbm-100k-changed.csv"
        generate(changed_path, args.n, desa, extra_kg=0.1)
        updated, t_updated = _import(changed_path, dry_run=False)
        print(
            f"re-import with every weight changed (updated {updated.n_updated:,}, each with its "
            f"audit entry): {t_updated:.1f} s = {updated.n_rows / t_updated:,.0f} rows/s"
        )
        print(
            f"rows/s side by side: first import {rate:,.0f} | unchanged re-import "
            f"{again.n_rows / t_again:,.0f} | update re-import {updated.n_rows / t_updated:,.0f}"
        )
        slower = t_updated / t_commit
        verdict = "PASS" if slower <= UPDATE_TARGET_SLOWER else "FAIL"
        print(
            f"{verdict}: update re-import {slower:.2f}x the first import's time "
            f"(target <= {UPDATE_TARGET_SLOWER:g}x, same rows, same run)"
        )
        if args.xlsx:
            xlsx_path = tmp / "eppgbm-100k.xlsx"
            _to_xlsx(csv_path, xlsx_path)
            dry, t_x = _import(xlsx_path, dry_run=True)
            print(f"xlsx dry run: {t_x:.1f} s = {dry.n_rows / t_x:,.0f} rows/s")
        print(
            f"(information: the absolute target of a quiet machine, {TARGET_ROWS_PER_S:,} rows/s "
            f"on PostgreSQL; this run: {rate:,.0f} on {vendor})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
