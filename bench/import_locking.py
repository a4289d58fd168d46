"""How long an import keeps other writers waiting on SQLite (``python bench/import_locking.py``).

SQLite has one write lock; whoever writes (a login, a posyandu form, the worker) waits while
an import holds it. A probe thread writes one row every 50 ms through its own connection and
records how long each write waited, while the same kind of 20,000-row file is imported twice
into one temporary database:

- the reference: the import run inside one transaction, as it was until the import planned
  outside its write transaction (the whole read, match, plan and write hold the lock);
- the import as it is: read, match and plan with no transaction, then a short write.

Also the dry run (the preview), which must not hold the lock at all. A report, not a test:
prints the longest and the total wait of the probe beside the import's own time, and PASS when
the longest wait is under a quarter of the reference's.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from import_measurements import SEED, _fresh_database, generate  # noqa: E402 (bench/)

N = 20_000


class WriteProbe(threading.Thread):
    """Writes a row every ``every`` seconds through its own connection; keeps each wait."""

    def __init__(self, path: Path, every: float = 0.05):
        super().__init__(daemon=True)
        self.path, self.every = path, every
        self.waits: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=600)
        db.execute("CREATE TABLE IF NOT EXISTS bench_probe (at REAL)")
        while not self.stop.is_set():
            start = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO bench_probe VALUES (?)", [start])
            db.execute("COMMIT")
            self.waits.append(time.perf_counter() - start)
            time.sleep(self.every)
        db.close()


def _probed(database: Path, run) -> tuple[float, float, float]:
    """Run ``run()`` with a probe writing beside it: (seconds it took, longest wait, total)."""
    probe = WriteProbe(database)
    probe.start()
    time.sleep(0.3)
    start = time.perf_counter()
    run()
    took = time.perf_counter() - start
    time.sleep(0.3)
    probe.stop.set()
    probe.join()
    return took, max(probe.waits), sum(probe.waits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=N, help="rows per file (default 20,000)")
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL"):
        print("SQLite only (PostgreSQL has no database-wide write lock); skipped.")
        return 0
    with tempfile.TemporaryDirectory(prefix="kampungkb-bench-lock-") as folder:
        tmp = Path(folder)
        os.environ.setdefault("KAMPUNGKB_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 30)
        os.environ["KAMPUNGKB_VAR_DIR"] = str(tmp)
        os.environ["KAMPUNGKB_SQLITE_TIMEOUT"] = "600"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
        import django

        django.setup()
        from django.db import transaction

        from kampungkb.growth.importing.commit import measurements_import
        from kampungkb.wilayah.models import Wilayah

        _fresh_database()
        database = tmp / "kampungkb.sqlite3"
        desa = [
            (w.parent.nama, w.nama)
            for w in Wilayah.objects.filter(level="desa_kelurahan").select_related("parent")
        ]
        files = []
        for i in range(3):
            path = tmp / f"eppgbm-{i}.csv"
            generate(path, args.n, desa, seed=SEED + i, first_child=i * args.n)
            files.append(path)

        def one_transaction():
            with transaction.atomic():
                measurements_import(user=None, path=files[0])

        reference = _probed(database, one_transaction)
        dry = _probed(database, lambda: measurements_import(user=None, path=files[1], dry_run=True))
        now = _probed(database, lambda: measurements_import(user=None, path=files[1]))
        print(f"SQLite, {args.n:,} new rows per import; a write every 50 ms waits:")
        for label, (took, longest, total) in (
            ("reference (all in one transaction)", reference),
            ("dry run (preview)", dry),
            ("import (plan, then a short write)", now),
        ):
            print(
                f"  {label:<36} import {took:5.1f} s; longest wait {longest:6.2f} s, "
                f"total {total:6.2f} s"
            )
        verdict = "PASS" if now[1] < reference[1] / 4 and dry[1] < 0.5 else "FAIL"
        print(
            f"{verdict}: longest wait {now[1]:.2f} s < a quarter of the reference's "
            f"({reference[1]:.2f} s), dry run {dry[1]:.2f} s < 0.5 s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
