"""Benchmark of ``kampungkb batch prevalence`` on Dask (run: ``python bench/batch.py``).

Writes N synthetic measurements (default 20,000,000; ``--rows`` to scale down) over all 514
kabupaten codes as Parquet exports, then times the same rows through:

- the engine alone (``anthro_zscores`` on arrays in memory): the physical reference;
- the plain single-process path (``--single``: read, check, score, count, write);
- the Dask path on a local cluster of 1 and 2 worker processes (``--workers``).

Prints rows/s of each beside the engine's and the ratios, the scaling efficiency from 1 to 2
workers (rate with 2 / twice the rate with 1) and the peak memory (RSS) of each worker.
A report, not a test: prints PASS/FAIL per target and exits 0. The data are synthetic
(random codes in the shape of Kemendagri's, NIKs that are numbers, no person).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kampungkb.anthro import anthro_zscores, value_at_z  # noqa: E402
from kampungkb.batch import run, sources  # noqa: E402

SEED = 20261129
KABUPATEN = 514  # Indonesia's kabupaten and kota
ROWS = 20_000_000
ROWS_PER_FILE = 1_000_000
ROW_GROUP = 250_000
EPOCH_2025 = 20089  # 2025-01-01 as days since 1970-01-01


def kabupaten_codes(n: int = KABUPATEN) -> list[str]:
    """``n`` distinct codes shaped as Kemendagri's (38 provinces, up to 14 kabupaten each)."""
    return [f"{11 + i // 14:02d}.{i % 14 + 1:02d}" for i in range(n)]


def generate(n: int, seed: int) -> pa.Table:
    """``n`` measurements of about n/6 children (each weighed about six times in 2025), in
    the columns of an e-PPGBM export, typed as a Parquet extract has them."""
    rng = np.random.default_rng(seed)
    n_children = max(n // 6, 1)
    child = rng.integers(0, n_children, n)
    order = np.argsort(child, kind="stable")
    child = child[order]
    # Each child: a kabupaten, a desa in it, a sex and a birth date.
    kab = np.array(kabupaten_codes())[(child * 7919) % KABUPATEN]
    kec = (child * 31) % 12 + 1
    desa = 2001 + (child * 17) % 20
    code = np.char.add(np.char.add(kab, "."), np.char.add(np.char.zfill(kec.astype(str), 2), "."))
    code = np.char.add(code, desa.astype(str))
    sex = np.where((child * 13) % 2 == 0, "L", "P")
    born = EPOCH_2025 - 30 - (child * 104729) % 1790
    day = EPOCH_2025 + rng.integers(0, 365, n)
    age = np.maximum(day - born, 0).astype(np.float64)
    sex_code = np.where(sex == "L", 1, 2)
    z = np.clip(rng.normal(-0.6, 1.2, n), -4.5, 4.5)
    height = value_at_z("lhfa", sex=sex_code, z=z, age_days=age, restricted=False)
    weight = value_at_z("wfa", sex=sex_code, z=z + rng.normal(0, 0.8, n), age_days=age)
    standing = age >= 731
    return pa.table(
        {
            "NIK": pa.array(1_906_000_000_000_000 + child).cast(pa.string()),
            "Nama": pa.array(np.full(n, "Anak Sintetis")),
            "JK": pa.array(sex),
            "Tgl Lahir": pa.array(born.astype("datetime64[D]")),
            "Kode Desa": pa.array(code),
            "Tanggal Pengukuran": pa.array(day.astype("datetime64[D]")),
            "Berat": pa.array(np.round(weight, 1)),
            "Tinggi": pa.array(np.round(height, 1)),
            "Cara Ukur": pa.array(np.where(standing, "Berdiri", "Telentang")),
        }
    )


def write_exports(folder: Path, rows: int) -> list[Path]:
    files = []
    done, i = 0, 0
    while done < rows:
        n = min(ROWS_PER_FILE, rows - done)
        path = folder / f"eppgbm-{i:04d}.parquet"
        pq.write_table(generate(n, SEED + i), path, row_group_size=ROW_GROUP)
        files.append(path)
        done += n
        i += 1
    return files


def engine_alone(files: list[Path]) -> float:
    """Seconds of ``anthro_zscores`` alone over the rows, inputs already in memory."""
    total = 0.0
    for path in files:
        t = pq.read_table(path)
        sex = np.asarray(t["JK"]).astype(str)
        born = np.asarray(t["Tgl Lahir"]).astype("datetime64[D]").astype(np.int64)
        day = np.asarray(t["Tanggal Pengukuran"]).astype("datetime64[D]").astype(np.int64)
        measure = np.where(np.asarray(t["Cara Ukur"]).astype(str) == "Berdiri", "h", "l")
        inputs = {
            "sex": sex,
            "age_days": (day - born).astype(np.float64),
            "weight": np.asarray(t["Berat"]),
            "lenhei": np.asarray(t["Tinggi"]),
            "measure": measure,
            "oedema": np.full(len(sex), "n"),
        }
        t0 = time.perf_counter()
        anthro_zscores(inputs, indicators=("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac"))
        total += time.perf_counter() - t0
    return total


def _single(inputs: list[str], out: str, queue) -> None:
    parts = sources.plan(inputs)
    summary = run.run_single(parts, out, task="prevalence", level="kabupaten", period="month")
    queue.put((summary.used, summary.seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def single_process(inputs: list[str], out: str) -> tuple[int, float, float]:
    """(rows, seconds, peak RSS in MB) of the plain path, in a fresh process."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_single, args=(inputs, out, queue))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise SystemExit(f"the single-process path failed (exit {proc.exitcode})")
    used, seconds, rss_kb = queue.get(timeout=10)
    return used, seconds, rss_kb / 1024


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_dask(inputs: list[str], out: str, workers: int, memory_limit: str):
    """(rows, seconds, [peak RSS of each worker in MB]) of the Dask path."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        parts = sources.plan(inputs)
        summary = run.run_dask(
            parts, out, client=client, task="prevalence", level="kabupaten", period="month"
        )
        peaks = sorted(client.run(_peak_rss_mb).values())
    return summary.used, summary.seconds, peaks


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="synthetic measurements")
    parser.add_argument("--memory-limit", default="auto", help="per Dask worker")
    parser.add_argument("--workers", default="1,2", help="worker counts to time")
    args = parser.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="kkb-bench-batch-"))
    try:
        print(
            f"kampungkb batch benchmark: {args.rows:,} synthetic measurements over "
            f"{KABUPATEN} kabupaten codes (seed {SEED}), {os.cpu_count()} CPUs"
        )
        t0 = time.perf_counter()
        (tmp / "in").mkdir()
        files = write_exports(tmp / "in", args.rows)
        size = sum(p.stat().st_size for p in files) / 1e6
        print(f"  wrote {len(files)} Parquet exports ({size:,.0f} MB) in "
              f"{time.perf_counter() - t0:,.1f} s")  # fmt: skip
        inputs = [str(tmp / "in")]

        engine_s = engine_alone(files)
        engine_rate = args.rows / engine_s
        print(f"  engine alone (reference)   {engine_rate:>12,.0f} rows/s  ({engine_s:,.1f} s)")

        used, single_s, single_rss = single_process(inputs, str(tmp / "single"))
        single_rate = used / single_s
        print(
            f"  single-process path        {single_rate:>12,.0f} rows/s  ({single_s:,.1f} s, "
            f"peak {single_rss:,.0f} MB) = {single_rate / engine_rate:.3f}x the engine"
        )
        rates = {}
        for workers in counts:
            used, seconds, peaks = on_dask(
                inputs, str(tmp / f"dask{workers}"), workers, args.memory_limit
            )
            rates[workers] = used / seconds
            peak_text = ", ".join(f"{p:,.0f}" for p in peaks)
            print(
                f"  Dask, {workers} worker{'s' if workers > 1 else ' '}            "
                f"{rates[workers]:>12,.0f} rows/s  ({seconds:,.1f} s, peak per worker "
                f"{peak_text} MB) = {rates[workers] / engine_rate:.3f}x the engine, "
                f"{rates[workers] / single_rate:.2f}x the single-process path"
            )
        if 1 in rates and 2 in rates:
            efficiency = rates[2] / (2 * rates[1])
            print(f"  scaling efficiency 1 -> 2 workers: {efficiency:.2f} "
                  f"(1.00 = twice the rows/s with twice the workers)")  # fmt: skip
            print(
                f"  target: Dask 1 worker >= 0.5x the single-process path: "
                f"{verdict(rates[1] >= 0.5 * single_rate)}"
            )
            print(
                f"  target: scaling efficiency >= 0.6 (needs 2 idle cores): "
                f"{verdict(efficiency >= 0.6)}"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
