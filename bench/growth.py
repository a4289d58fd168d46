"""Benchmark of the bulk recompute of stored measurements (run: ``python bench/growth.py``).

A report, not a test: prints figures and PASS/FAIL, exits 0. Each case's rate is judged as a
share of the same run's physical reference, the bare load of the same (computed) measurement
rows into an unindexed table (``COPY`` on PostgreSQL, ``executemany`` on SQLite:
``reference.py``): target >= 0.5x; 50,000 rows/s, the absolute target of a quiet machine, is
printed as information. Four cases, each timed as a whole ``measurements_recompute_all``:

1. first computation of freshly inserted raw rows (every row changes, every row is written);
2. a recompute after the default KBM table is switched to ``lembar-posyandu-600`` (every row
   gets the new table id; only rows whose code, gain or KBM changes are written whole);
3. a recompute with nothing changed (everything is read and computed, nothing written);
4. a forced recompute (``--force``): every row, already computed, is written whole again, as
   after a change of the WHO tables or the rules that changes every row.

Without ``DATABASE_URL`` it uses a fresh SQLite database in a temporary directory (never the
demo database under var/). With ``DATABASE_URL`` it uses that database, which should be a
dedicated one, e.g. ``postgres://postgres@127.0.0.1:5432/kampungkb_bench_growth`` (created
when missing); the benchmark's children and measurements there are replaced on every run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pgdb import ensure_postgres_database  # noqa: E402  (bench/, the script's folder)
from reference import RECOMPUTE_RATIO_TARGET, bare_copy, verdict_line  # noqa: E402

TARGET_ROWS_PER_S = 50_000
SEED = 20261127
VISITS = 20  # monthly visits per child


def _prepare_environment() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    os.environ["KAMPUNGKB_DEMO"] = "1"  # a throwaway secret key in the temporary var dir
    os.environ["KAMPUNGKB_VAR_DIR"] = tempfile.mkdtemp(prefix="kampungkb-bench-growth-")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
        return "PostgreSQL"
    return "SQLite (temporary)"


def _generate(n: int) -> int:
    """Insert ``n`` raw measurements of n/VISITS synthetic children; return the row count."""
    import numpy as np
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from kampungkb.anthro import value_at_z
    from kampungkb.core.bulk import bulk_insert
    from kampungkb.growth.demo import INSERT_COLUMNS
    from kampungkb.growth.models import Child, Measurement
    from kampungkb.wilayah.loading import wilayah_load
    from kampungkb.wilayah.models import Level, Wilayah

    wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    desa = list(Wilayah.objects.filter(level=Level.DESA).values_list("kode", flat=True))
    rng = np.random.default_rng(SEED)
    n_children = -(-n // VISITS)
    today = datetime.date(2026, 11, 1)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # As in a fresh database: deleting the previous run's rows would leave the table
            # and its eight indexes bloated, more with every run (nothing refers to them).
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE growth_measurement")
        Measurement.objects.all().delete()
        Child.objects.filter(is_synthetic=True).delete()
        born_offset = rng.integers(VISITS * 31, 1826, n_children)
        sexes = rng.integers(1, 3, n_children)
        children = [
            Child(
                nama=f"Anak Bench {i}",
                jenis_kelamin="L" if sexes[i] == 1 else "P",
                tanggal_lahir=today - datetime.timedelta(days=int(born_offset[i])),
                desa_id=desa[i % len(desa)],
                match_key=f"bench|{i}",
                punya_buku_kia=True,
                is_synthetic=True,
            )
            for i in range(n_children)
        ]
        Child.objects.bulk_create(children, batch_size=2000)
        zlen = rng.normal(-0.8, 1.1, n_children)
        zwfl = rng.normal(-0.2, 1.0, n_children)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = []
        for v in range(VISITS):
            day = today - datetime.timedelta(days=31 * (VISITS - v))
            age = born_offset - 31 * (VISITS - v)
            length = value_at_z(
                "lhfa", sex=sexes, z=zlen, age_days=np.clip(age, 0, 1826), restricted=False
            )
            key = np.where(age < 731, np.clip(np.round(length * 10), 450, 1100), 0)
            key = np.where(age >= 731, np.clip(np.round(length * 10), 650, 1200), key)
            weight = np.where(
                age < 731,
                value_at_z("wfl", sex=sexes, z=zwfl, lenhei=key / 10, restricted=False),
                value_at_z("wfh", sex=sexes, z=zwfl, lenhei=key / 10, restricted=False),
            )
            weight = np.round(weight + rng.normal(0.0, 0.1, n_children), 1)
            length = np.round(length + rng.normal(0.0, 0.5, n_children), 1)
            for i, child in enumerate(children):
                if len(rows) >= n:
                    break
                rows.append(
                    (
                        child.pk,
                        day,
                        None,
                        f"{weight[i]:.1f}",
                        f"{length[i]:.1f}",
                        "PB" if age[i] < 731 else "TB",
                        False,
                        None,
                        None,
                        "posyandu",
                        False,
                        True,
                        now,
                        now,
                        "",
                        False,
                        "",
                    )
                )
        bulk_insert(Measurement, INSERT_COLUMNS, rows)
    if connection.vendor == "postgresql":
        # The deleted children of the previous run stay dead until autovacuum comes by, and
        # the new rows have no statistics yet; a table in use is vacuumed and analysed.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE growth_child")
            cursor.execute("VACUUM ANALYZE growth_measurement")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200_000, help="measurements (default 200,000)")
    parser.add_argument("--batch-children", type=int, default=None)
    args = parser.parse_args()
    database = _prepare_environment()

    import django

    django.setup()
    from django.core.management import call_command

    from kampungkb.growth.kbm.recompute import measurements_recompute_all
    from kampungkb.growth.models import Measurement

    call_command("migrate", verbosity=0)
    _set_default_kbm("buku-kia-2023")  # a previous run may have left the other one default
    started = time.perf_counter()
    n = _generate(args.n)
    print(f"database: {database}")
    print(f"generated {n:,} measurements in {time.perf_counter() - started:.1f} s")
    cases = [
        ("first computation (all rows change)", None, False),
        (
            "after switching the default KBM table to lembar-posyandu-600",
            "lembar-posyandu-600",
            False,
        ),
        ("again, nothing changed", None, False),
        ("forced: every computed row written again", None, True),
    ]
    verdicts = []
    reference = None
    for label, kbm_kode, force in cases:
        if kbm_kode is not None:
            _set_default_kbm(kbm_kode)
        result = measurements_recompute_all(
            force=force,
            **({"batch_children": args.batch_children} if args.batch_children else {}),
        )
        rate = result.rows_per_second
        print(
            f"recompute, {label}: {result.rows:,} rows of {result.children:,} children "
            f"({result.written:,} rows written whole, {result.relabelled:,} only relabelled "
            f"with the KBM table) in {result.seconds:.2f} s = {rate:,.0f} rows/s "
            f"(information: absolute target {TARGET_ROWS_PER_S:,})"
        )
        if reference is None:  # once, of the rows as the first computation stored them
            reference = bare_copy("growth_measurement")
            print(reference.line())
        line = verdict_line("recompute", rate, reference, RECOMPUTE_RATIO_TARGET)
        verdicts.append(line.split(":")[0])
        print("  " + line)
    computed = Measurement.objects.filter(computed_at__isnull=False, zwei__isnull=False).count()
    print(f"rows with a weight-for-age z after the recomputes: {computed:,}")
    print(f"{verdicts.count('PASS')} of {len(verdicts)} cases reach the target ratio")
    _set_default_kbm("buku-kia-2023")


def _set_default_kbm(kode: str) -> None:
    from django.db import transaction

    from kampungkb.growth.models import KBMTable

    with transaction.atomic():
        KBMTable.objects.update(is_default=False)
        KBMTable.objects.filter(kode=kode).update(is_default=True)


if __name__ == "__main__":
    main()
