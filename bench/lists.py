"""Benchmark of the list pages of growth monitoring (run: ``python bench/lists.py``).

A report, not a test: prints figures and PASS/FAIL against the target, exits 0.

Every list page of growth (children with each filter and sort, a late page, the search; the
posyandu to start a session from; a session's measurements of the day; a child's
measurements; SKDN per posyandu; KBM tables; import and export) is requested as the Admin
Kabupaten through Django's test client; the median of repeated requests is printed beside
two references measured in the same run: the login page (a page that reads nothing) and the
bare count of the children. Target: every page under 300 ms.

The data are the demo's size, made by the demo's own generator (``seed_growth``: Belitung
Timur, ~11,200 children, ~158,000 measurements). Without ``DATABASE_URL`` it uses a fresh
SQLite database in a temporary directory (never the demo database under var/). With
``DATABASE_URL`` it uses that database, which should be a dedicated one, e.g.
``postgres://postgres@127.0.0.1:5432/kampungkb_bench_lists`` (created when missing; the demo
data seeded there are reused by the next run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pgdb import ensure_postgres_database  # noqa: E402  (bench/, the script's folder)

TARGET_MS = 300.0
DEMO_CHILDREN = 8000  # seed_demo's default: children under five at any month


def _prepare_environment() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    os.environ["KAMPUNGKB_DEMO"] = "1"  # a throwaway secret key in the temporary var dir
    os.environ["KAMPUNGKB_VAR_DIR"] = tempfile.mkdtemp(prefix="kampungkb-bench-lists-")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
        return "PostgreSQL"
    return "SQLite (temporary)"


def _seed() -> None:
    from django.conf import settings
    from django.db import connection

    from kampungkb.growth.demo import seed_growth
    from kampungkb.growth.models import Child, Measurement
    from kampungkb.wilayah.loading import wilayah_load

    wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    started = time.perf_counter()
    result = seed_growth(n_children=DEMO_CHILDREN)
    if result.created:
        print(f"seeded the demo's growth data in {time.perf_counter() - started:.1f} s")
    else:
        print("reusing the demo's growth data already in the benchmark database")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE growth_child")
            cursor.execute("VACUUM ANALYZE growth_measurement")
    print(f"{Child.objects.count():,} children, {Measurement.objects.count():,} measurements")


def _pages() -> list[tuple[str, str]]:
    """(label, url) of every list page, with ids from the seeded data."""
    from django.db.models import Count
    from django.urls import reverse

    from kampungkb.growth.models import Child, Measurement, Posyandu
    from kampungkb.growth.selectors import AGE_BANDS, CHILD_SORTS, LATEST_STATUS

    children = reverse("growth:child_list")
    busiest = (
        Measurement.objects.filter(posyandu__isnull=False)
        .values("posyandu_id", "tanggal")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    most_measured = (
        Measurement.objects.values("child_id").annotate(n=Count("id")).order_by("-n").first()
    )
    kurnia_jaya = "19.06.01.2002"
    posyandu = Posyandu.objects.filter(desa_id=kurnia_jaya).order_by("nama").first()
    every_filter = f"desa={kurnia_jaya}&umur=24-59&status=stunting&belum_diukur=on&urut=status"
    nik = Child.objects.filter(nik__isnull=False).order_by("pk").values_list("nik", flat=True)[0]
    pages = [
        ("children, page 1", children),
        ("children, page 100", f"{children}?page=100"),
        ("children, last page", f"{children}?page=9999"),
        ("children of a desa (Kurnia Jaya)", f"{children}?desa={kurnia_jaya}"),
        ("children of a kecamatan (Manggar)", f"{children}?desa=19.06.01"),
        ("children of a posyandu", f"{children}?posyandu={posyandu.pk}"),
        ("children not measured this month", f"{children}?belum_diukur=on"),
        ("children, search by name", f"{children}?q=putri"),
        ("children, search by NIK", f"{children}?q={nik[:10]}"),
        ("children, every filter at once", f"{children}?{every_filter}"),
    ]
    pages += [(f"children aged {key} months", f"{children}?umur={key}") for key in AGE_BANDS]
    pages += [(f"children, latest {key}", f"{children}?status={key}") for key in LATEST_STATUS]
    pages += [
        (f"children sorted by {key}, page 50", f"{children}?urut={key}&page=50")
        for key in CHILD_SORTS
    ]
    pages += [
        ("posyandu to start a session", reverse("growth:session_start")),
        (
            f"a session's measurements ({busiest['n']} that day)",
            reverse(
                "growth:session",
                args=[busiest["posyandu_id"], busiest["tanggal"].isoformat()],
            ),
        ),
        (
            f"a child's measurements ({most_measured['n']})",
            reverse("growth:child_detail", args=[most_measured["child_id"]]),
        ),
        ("SKDN per posyandu", reverse("growth:skdn")),
        ("KBM tables", reverse("growth:kbm_tables")),
        ("import e-PPGBM", reverse("growth:import_upload")),
        ("export e-PPGBM", reverse("growth:export_xlsx")),
    ]
    return pages


def _median_ms(fn, n: int) -> tuple[float, float]:
    fn()  # warm-up: templates, connections, caches
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), sorted(times)[int(0.9 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=9, help="timed requests per page")
    args = parser.parse_args()
    database = _prepare_environment()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kampungkb.accounts.models import Role, User
    from kampungkb.growth.models import Child
    from kampungkb.wilayah.models import Wilayah

    call_command("migrate", verbosity=0)
    print(f"database: {database}")
    _seed()
    setup_test_environment()
    admin, _ = User.objects.get_or_create(
        username="bench.admin",
        defaults={"role": Role.ADMIN_KABUPATEN, "wilayah": Wilayah.objects.get(kode="19.06")},
    )
    client = Client()
    client.force_login(admin)
    anonymous = Client()

    def get(c, url):
        def fetch():
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    login_ms, _p90 = _median_ms(get(anonymous, "/akun/masuk/"), args.requests)
    count_ms, _p90 = _median_ms(lambda: Child.objects.count(), args.requests)
    print(
        f"references (same run): login page {login_ms:.0f} ms, "
        f"bare count of the children {count_ms:.1f} ms"
    )
    print(f"{'page':<52} {'median':>8} {'p90':>6} {'× login':>8}")
    verdicts = []
    for label, url in _pages():
        median, p90 = _median_ms(get(client, url), args.requests)
        verdict = "PASS" if median < TARGET_MS else "FAIL"
        verdicts.append(verdict)
        print(
            f"{label:<52} {median:6.0f} ms {p90:4.0f} ms {median / login_ms:7.1f}×  "
            f"(target < {TARGET_MS:.0f} ms) {verdict}"
        )
    print(f"{verdicts.count('PASS')} of {len(verdicts)} list pages answer under the target")


if __name__ == "__main__":
    main()
