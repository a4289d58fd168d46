"""Benchmark of the analytics summaries (run: ``python bench/analytics.py``).

A report, not a test: prints figures and PASS/FAIL against the targets, exits 0.

- rebuild every summary (desa/kecamatan/kabupaten/Kampung KB split × month/bulan
  penimbangan/year × 6 indicators, coverage and data quality) from N measurements
  (default 1,000,000), judged by its measurements/s as a share of the same run's bare load of
  those measurement rows into an unindexed table (``COPY``: ``reference.py``), target >= 0.1x
  (the quiet machine's 1,000,000 in under 60 s, ~17,000 rows/s, against a bare COPY of the
  order of 150,000 rows/s; provisional until measured on a quiet machine). Part of the
  rebuild's cost follows the wilayah and periods, not the rows: a small ``-n`` lowers the
  ratio. Under 60 s is printed as information;
- the kabupaten dashboard page (``/analisis/w/19.06/``), median of repeated requests through
  Django's test client as the Admin Kabupaten, beside the login page (a page that reads
  nothing) in the same run; under 300 ms as before.

Analytics read the stored z-score statuses and flags, so the generated rows carry those
directly (drawn at realistic rates) instead of running the z-score engine.

Without ``DATABASE_URL`` it uses
``postgres://postgres@127.0.0.1:5432/kampungkb_bench_analytics`` (created when missing; its
children and measurements are replaced on every run); never the demo database in var/.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pgdb import ensure_postgres_database  # noqa: E402  (bench/, the script's folder)
from reference import bare_copy, verdict_line  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kampungkb_bench_analytics"
TARGET_REBUILD_S = 60.0
TARGET_PAGE_MS = 300.0
REBUILD_RATIO_TARGET = 0.1
SEED = 20261127
VISITS = 20


def _prepare_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    os.environ["KAMPUNGKB_DEMO"] = "1"
    os.environ["KAMPUNGKB_VAR_DIR"] = tempfile.mkdtemp(prefix="kampungkb-bench-analytics-")
    ensure_postgres_database(os.environ["DATABASE_URL"])


def _generate(n: int) -> int:
    import numpy as np
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from kampungkb.growth.models import Child, Measurement
    from kampungkb.wilayah.demo import seed_kampung_kb
    from kampungkb.wilayah.loading import wilayah_load
    from kampungkb.wilayah.models import Level, Wilayah

    wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    seed_kampung_kb()
    desa = list(Wilayah.objects.filter(level=Level.DESA).values_list("kode", flat=True))
    rng = np.random.default_rng(SEED)
    n_children = -(-n // VISITS)
    first = datetime.date(2022, 1, 1)
    with transaction.atomic():
        Measurement.objects.all().delete()
        Child.objects.all().delete()
        start = rng.integers(0, 48 - VISITS, n_children)  # first visit, months after `first`
        born = [
            first + datetime.timedelta(days=int(30.4 * s) - int(a))
            for s, a in zip(start, rng.integers(0, 1100, n_children), strict=True)
        ]
        Child.objects.bulk_create(
            (
                Child(
                    nama=f"Anak Bench {i}",
                    jenis_kelamin="LP"[i % 2],
                    tanggal_lahir=born[i],
                    desa_id=desa[i % len(desa)],
                    match_key=f"bench|{i}",
                    is_synthetic=True,
                )
                for i in range(n_children)
            ),
            batch_size=5000,
        )
        ids = list(Child.objects.order_by("id").values_list("id", flat=True))
        now = timezone.now()
        cols = (
            "child_id",
            "tanggal",
            "berat",
            "tinggi",
            "umur_hari",
            "sumber",
            "oedema",
            "vitamin_a",
            "is_synthetic",
            "created_at",
            "updated_at",
            "growth_code",
            "two_t",
            "compute_error",
            "cara_ukur",
            "flen",
            "fwei",
            "fwfl",
            "stunted",
            "severely_stunted",
            "wasted",
            "severely_wasted",
            "underweight",
            "overweight",
        )
        rows = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY growth_measurement ({', '.join(cols)}) FROM STDIN") as copy,
        ):
            for v in range(VISITS):
                if rows >= n:
                    break
                k = min(n_children, n - rows)
                zlen = rng.normal(-0.9, 1.1, k)
                zwfl = rng.normal(-0.1, 1.1, k)
                zwei = (zlen + zwfl) / 2
                flag = rng.random((3, k)) < 0.01
                height = np.round(rng.normal(85, 10, k), 1)
                height = np.where(rng.random(k) < 0.15, np.round(height), height)  # .0 heaping
                for i in range(k):
                    day = first + datetime.timedelta(
                        days=int(30.4 * (start[i] + v)) + int(v * 7 % 20)
                    )
                    fl, fw, ff = bool(flag[0, i]), bool(flag[1, i]), bool(flag[2, i])
                    copy.write_row(
                        (
                            ids[i],
                            day,
                            "10.0",
                            None if i % 40 == 0 else f"{height[i]:.1f}",
                            (day - born[i]).days,
                            "posyandu",
                            False,
                            False,
                            True,
                            now,
                            now,
                            "",
                            False,
                            "",
                            "PB",
                            fl,
                            fw,
                            ff,
                            None if fl else bool(zlen[i] < -2),
                            None if fl else bool(zlen[i] < -3),
                            None if ff else bool(zwfl[i] < -2),
                            None if ff else bool(zwfl[i] < -3),
                            None if fw else bool(zwei[i] < -2),
                            None if ff else bool(zwfl[i] > 2),
                        )
                    )
                rows += k
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE growth_measurement")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="measurements (default 1e6)")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    _prepare_environment()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kampungkb.accounts.models import Role, User
    from kampungkb.analytics.services import summaries_rebuild
    from kampungkb.growth.models import Measurement
    from kampungkb.wilayah.models import Wilayah

    call_command("migrate", verbosity=0)
    if Measurement.objects.count() != args.n:
        started = time.perf_counter()
        n = _generate(args.n)
        print(f"generated {n:,} measurements in {time.perf_counter() - started:.1f} s")
    else:
        print(f"reusing {args.n:,} measurements already in the benchmark database")

    result = summaries_rebuild()
    print(
        f"rebuild_analytics: {result.measurements:,} measurements → {result.prevalence_rows:,} "
        f"prevalence + {result.quality_rows:,} coverage/quality rows in {result.seconds:.2f} s "
        f"(information: quiet-machine target < {TARGET_REBUILD_S:.0f} s)"
    )
    reference = bare_copy("growth_measurement")
    print(reference.line())
    rate = result.measurements / result.seconds
    print(verdict_line("rebuild", rate, reference, REBUILD_RATIO_TARGET))

    setup_test_environment()
    admin, _ = User.objects.get_or_create(
        username="bench.admin",
        defaults={"role": Role.ADMIN_KABUPATEN, "wilayah": Wilayah.objects.get(kode="19.06")},
    )
    client = Client()
    client.force_login(admin)
    url = "/analisis/w/19.06/"
    assert client.get(url).status_code == 200
    anonymous = Client()
    assert anonymous.get("/akun/masuk/").status_code == 200
    login = []
    for _ in range(args.requests):
        t = time.perf_counter()
        anonymous.get("/akun/masuk/")
        login.append((time.perf_counter() - t) * 1000)
    login_ms = statistics.median(login)
    print(f"reference, the login page (reads nothing): median {login_ms:.0f} ms")
    times = []
    for _ in range(args.requests):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    median = statistics.median(times)
    verdict = "PASS" if median < TARGET_PAGE_MS else "FAIL"
    print(
        f"kabupaten dashboard {url}: median {median:.0f} ms, p90 "
        f"{sorted(times)[int(0.9 * len(times))]:.0f} ms over {len(times)} requests "
        f"= {median / login_ms:.1f}x the login page (target < {TARGET_PAGE_MS:.0f} ms) {verdict}"
    )


if __name__ == "__main__":
    main()
