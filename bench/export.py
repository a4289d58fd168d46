"""Benchmark of the whole-district e-PPGBM export (run: ``python bench/export.py``).

A report, not a test: prints figures and PASS/FAIL against the target, exits 0. The data is
the demo's (``growth.demo.seed_growth``: Belitung Timur, 8,000 children under five at any
month, ~157,000 measurements over 24 months), exported by the Admin Kabupaten with no filter,
as the worker runs a background export: request (count, audit), claim, write the xlsx with
its progress recorded. Printed beside it, measured in the same run:

- reading the same rows and columns from the database and doing nothing with them (the
  floor any export pays);
- openpyxl's write-only mode (what the download layer used before) writing the first rows of
  the same export, and the time that rate would take for all of them.

Without ``DATABASE_URL`` it uses a fresh SQLite database in a temporary directory (never the
demo database under var/). With ``DATABASE_URL`` it uses that database, which should be a
dedicated one, e.g. ``postgres://postgres@127.0.0.1:5432/kampungkb_bench_export`` (created
when missing); the demo data there is seeded on the first run and kept for the next.
"""

from __future__ import annotations

import argparse
import datetime
import io
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pgdb import ensure_postgres_database  # noqa: E402  (bench/, the script's folder)

TARGET_SECONDS = 20.0
TODAY = datetime.date(2026, 11, 1)  # the demo data is the same on every run
OPENPYXL_SAMPLE = 5000


def _prepare_environment() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    os.environ["KAMPUNGKB_DEMO"] = "1"  # a throwaway secret key in the temporary var dir
    os.environ["KAMPUNGKB_VAR_DIR"] = tempfile.mkdtemp(prefix="kampungkb-bench-export-")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
        return "PostgreSQL"
    return "SQLite (temporary)"


class _Clock:
    """Wall and CPU seconds of a block (the machine may be shared: CPU time shows the work)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s (CPU {self.cpu:.2f} s)"


def _seed() -> None:
    from django.conf import settings

    from kampungkb.accounts.models import Role, User
    from kampungkb.growth.demo import seed_growth
    from kampungkb.wilayah.loading import wilayah_load

    wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    with _Clock() as clock:
        result = seed_growth(today=TODAY)
    if result.created:
        print(f"seeded the demo growth data: {result.measurements:,} measurements in {clock}")
    User.objects.get_or_create(
        username="bench-admin",
        defaults={"role": Role.ADMIN_KABUPATEN, "wilayah_id": "19.06"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    database = _prepare_environment()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _seed()

    from openpyxl import Workbook

    from kampungkb.accounts.models import User
    from kampungkb.growth.importing import export
    from kampungkb.growth.jobs.files import file_job_path
    from kampungkb.growth.jobs.services import (
        file_job_claim,
        file_job_execute,
        measurements_export_request,
    )
    from kampungkb.growth.models import FileJob

    user = User.objects.get(username="bench-admin")
    print(f"database: {database}")

    qs = export.measurements_export_queryset(user=user)
    with _Clock() as read:
        columns = [
            export.Cast(c, export.FloatField()) if c in export._DECIMALS else c
            for c in export._COLUMNS
        ]
        n_read = sum(1 for _ in qs.values_list(*columns).iterator(chunk_size=5000))
    print(f"reference: read the {n_read:,} rows, nothing else      {read}")

    places = export._Places(user)
    sample = [
        export._row(v, places=places, whole_nik=True)
        for v in itertools.islice(qs.values_list(*columns).iterator(), OPENPYXL_SAMPLE)
    ]
    with _Clock() as old:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("e-PPGBM")
        for line in sample:
            sheet.append(line)
        workbook.save(io.BytesIO())
    projected = old.wall * n_read / max(1, len(sample))
    print(
        f"reference: openpyxl write-only, {len(sample):,} of the rows  {old}"
        f" -> {projected:,.0f} s for all of them"
    )

    with _Clock() as clock:
        job = measurements_export_request(user=user)
        job = file_job_execute(file_job_claim(job.pk))
    path = file_job_path(job)
    size = path.stat().st_size / 2**20
    verdict = "PASS" if clock.wall < TARGET_SECONDS else "FAIL"
    print(
        f"whole-district export (background job): {job.done:,} rows, {size:.1f} MB "
        f"{clock} = {job.done / clock.wall:,.0f} rows/s; target < {TARGET_SECONDS:.0f} s "
        f"{verdict}"
    )
    print(
        f"  {clock.wall / read.wall:.1f}x the time to read the rows; "
        f"{projected / clock.wall:.0f}x faster than openpyxl's rate"
    )

    from python_calamine import CalamineWorkbook

    with _Clock() as check:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    print(f"check: the file reads back (calamine) with {len(rows) - 1:,} rows {check}")
    path.unlink()
    FileJob.objects.filter(pk=job.pk).delete()


if __name__ == "__main__":
    main()
