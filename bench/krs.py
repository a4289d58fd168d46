"""Benchmark of the KRS figures at district scale (run: ``python bench/krs.py``).

A report, not a test: prints figures and exits 0. N families (default 40,000, the demo's
district) with about 3.5 members each, one child in four linked to a growth child measured
twice, labelled by ``families.labels``. Then, each beside a same-run reference (one
``COUNT(*)`` scan of the members, the least any count of them costs):

- ``families.stats.krs_counts`` over every round (the district's KRS picture and the input of
  the KRS summaries: two grouped queries);
- ``analytics.krs_cube.build_krs_rows`` (the KRS part of ``summaries_rebuild``);
- the district KRS picture page ``/keluarga/krs/19.06/``, median of repeated requests as a
  Viewer, target under 1 s.

Without ``DATABASE_URL`` it uses ``postgres://postgres@127.0.0.1:5432/kampungkb_bench_krs``
(created when missing; its families are replaced when their number differs); never the demo
database in var/.
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kampungkb_bench_krs"
TARGET_PAGE_MS = 1000.0
SEED = 20261129


def _prepare_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    os.environ["KAMPUNGKB_DEMO"] = "1"
    os.environ["KAMPUNGKB_VAR_DIR"] = tempfile.mkdtemp(prefix="kampungkb-bench-krs-")
    ensure_postgres_database(os.environ["DATABASE_URL"])


def _generate(n: int) -> None:
    import numpy as np
    from django.conf import settings
    from django.db import transaction

    from kampungkb.families.labels import labels_compute
    from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga
    from kampungkb.growth.models import Child, Measurement
    from kampungkb.wilayah.demo import seed_kampung_kb
    from kampungkb.wilayah.loading import wilayah_load
    from kampungkb.wilayah.models import Level, Wilayah

    wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    seed_kampung_kb()
    desa = list(Wilayah.objects.filter(level=Level.DESA).values_list("kode", flat=True))
    rng = np.random.default_rng(SEED)
    day = datetime.date(2025, 6, 30)
    with transaction.atomic():
        Keluarga.objects.all().delete()
        Measurement.objects.filter(is_synthetic=True, child__nama__startswith="Bench").delete()
        Child.objects.filter(nama__startswith="Bench").delete()
        Keluarga.objects.bulk_create(
            (
                Keluarga(no_kk=f"19{i:014d}", desa_id=desa[i % len(desa)], is_synthetic=True)
                for i in range(n)
            ),
            batch_size=5000,
        )
        kk = list(Keluarga.objects.order_by("id").values_list("id", "desa_id"))
        water = rng.choice([1, 2, 3, 5, 8], n, p=[0.3, 0.3, 0.2, 0.1, 0.1])
        latrine = rng.choice([1, 2, 3, 4], n, p=[0.6, 0.2, 0.15, 0.05])
        FamilySurvey.objects.bulk_create(
            (
                FamilySurvey(
                    keluarga_id=k,
                    tahun=2025,
                    tanggal_pendataan=day,
                    sumber_air=int(water[i]),
                    jamban=int(latrine[i]),
                )
                for i, (k, _d) in enumerate(kk)
            ),
            batch_size=5000,
        )
        surveys = list(FamilySurvey.objects.order_by("keluarga_id").values_list("id", flat=True))
        n_children = n // 4
        children = Child.objects.bulk_create(
            (
                Child(
                    nama=f"Bench {i}",
                    jenis_kelamin="L",
                    tanggal_lahir=datetime.date(2024, 1, 1),
                    desa_id=kk[i * 4][1],
                    match_key=f"bench|{i}",
                    is_synthetic=True,
                )
                for i in range(n_children)
            ),
            batch_size=5000,
        )
        Measurement.objects.bulk_create(
            (
                Measurement(
                    child=c,
                    tanggal=datetime.date(2025, month, 1),
                    berat=9,
                    umur_hari=400,
                    stunted=bool(rng.random() < 0.2),
                    is_synthetic=True,
                )
                for c in children
                for month in (3, 5)
            ),
            batch_size=5000,
        )
        wife_age = rng.integers(17, 50, n)
        members = []
        for i, sid in enumerate(surveys):
            wife_born = datetime.date(2025 - int(wife_age[i]), 3, 1)
            members += [
                FamilyMember(
                    survey_id=sid,
                    urutan=0,
                    nama="Kepala",
                    hubungan=1,
                    jenis_kelamin="L",
                    tanggal_lahir=datetime.date(1985, 1, 1),
                    status_kawin=2,
                    jkn=bool(rng.random() < 0.8),
                ),
                FamilyMember(
                    survey_id=sid,
                    urutan=1,
                    nama="Istri",
                    hubungan=2,
                    jenis_kelamin="P",
                    tanggal_lahir=wife_born,
                    status_kawin=2,
                    ber_kb=bool(rng.random() < 0.6),
                    metode_kb="suntik",
                    anak_lahir_hidup=int(rng.integers(0, 5)),
                    jkn=bool(rng.random() < 0.8),
                ),
                FamilyMember(
                    survey_id=sid,
                    urutan=2,
                    nama="Anak",
                    hubungan=3,
                    jenis_kelamin="L",
                    tanggal_lahir=datetime.date(2024, 1, 1),
                    child=children[i // 4] if i % 4 == 0 else None,
                    akta_lahir=bool(rng.random() < 0.9),
                ),
            ]
            if i % 2:
                members.append(
                    FamilyMember(
                        survey_id=sid,
                        urutan=3,
                        nama="Anak 2",
                        hubungan=3,
                        jenis_kelamin="P",
                        tanggal_lahir=datetime.date(2015, 1, 1),
                    )
                )
        FamilyMember.objects.bulk_create(members, batch_size=5000)
    labels_compute()


def _seconds(fn, repeat=3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40_000, help="families (default 40,000)")
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args()
    _prepare_environment()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kampungkb.accounts.models import Role, User
    from kampungkb.analytics.krs_cube import build_krs_rows
    from kampungkb.families.models import FamilyMember, FamilySurvey
    from kampungkb.families.stats import krs_counts
    from kampungkb.wilayah.models import Wilayah

    call_command("migrate", verbosity=0)
    if FamilySurvey.objects.count() != args.n:
        started = time.perf_counter()
        _generate(args.n)
        print(
            f"generated and labelled {args.n:,} families in {time.perf_counter() - started:.1f} s"
        )
    members = FamilyMember.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def scan():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM families_familymember")
            cursor.fetchone()

    reference = _seconds(scan)
    print(f"reference: one COUNT(*) over {members:,} members {reference * 1000:.0f} ms")
    counts = _seconds(krs_counts)
    print(
        f"krs_counts, {args.n:,} families: {counts * 1000:.0f} ms "
        f"({counts / reference:.0f}× the reference)"
    )
    cube = _seconds(build_krs_rows)
    print(
        f"build_krs_rows (KRS part of the rebuild): {cube * 1000:.0f} ms "
        f"({cube / reference:.0f}× the reference)"
    )

    setup_test_environment()
    viewer, _ = User.objects.get_or_create(
        username="bench.viewer",
        defaults={"role": Role.VIEWER, "wilayah": Wilayah.objects.get(kode="19.06")},
    )
    client = Client()
    client.force_login(viewer)
    url = "/keluarga/krs/19.06/"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(args.requests):
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - t) * 1000)
    median = statistics.median(times)
    verdict = "PASS" if median < TARGET_PAGE_MS else "FAIL"
    print(
        f"district KRS picture {url}: median {median:.0f} ms over {len(times)} requests "
        f"({median / 1000 / reference:.0f}× the reference; target < {TARGET_PAGE_MS:.0f} ms) "
        f"{verdict}"
    )


if __name__ == "__main__":
    main()
