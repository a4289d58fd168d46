"""Peak memory of a 200,000-row e-PPGBM dry run (run: ``python bench/import_memory.py``).

Generates the synthetic "entri pengukuran" csv of ``import_measurements.py`` in a temporary
folder, loads Belitung Timur into an empty database (a temporary SQLite file, or PostgreSQL
when DATABASE_URL names a database called ``kampungkb_bench...``), then measures, each in a
fresh process so that no figure carries another's pages:

- the baseline: Django and the app loaded, nothing read;
- the reference: the same file read into lists of cells, as the importer did before it read
  files in a child process and streamed their rows;
- the dry run (the preview of the upload page): its process's peak, and the peak of the child
  process that read the file (its own pages since it started; the two peaks never coincide,
  the sum is an upper bound of the whole).

A report, not a test: PASS/FAIL against 500 MB for the whole dry run of the csv. ``--xlsx``
also reports an xlsx of the same rows, without a verdict: python-calamine holds the whole
sheet while it reads it (about 500 MB for 200,000 rows, in the reader process).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

N = 200_000
TARGET_MB = 500


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(what: str, path: Path) -> dict:
    """In this (fresh) process: do ``what`` and report the peak resident size."""
    import django

    django.setup()
    from django.utils import translation

    translation.activate("id")
    if what == "baseline":
        return {"peak_mb": _peak_mb()}
    if what == "reference":
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            cells = list(csv.reader(fh, delimiter=";"))
        return {"peak_mb": _peak_mb(), "rows": len(cells) - 1}
    from kampungkb.growth.importing.commit import measurements_import
    from kampungkb.growth.importing.limits import ParseLimits
    from kampungkb.growth.importing.sandbox import sheet_spool

    start = time.perf_counter()
    result = measurements_import(user=None, path=path, dry_run=True)
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    # The reader again, alone, for its own peak (the same file gives the same figure).
    spool = sheet_spool(path, kind=path.suffix[1:], limits=ParseLimits.from_settings())
    spool.close()
    return {
        "peak_mb": peak,
        "reader_mb": spool.reader_peak_mb,
        "seconds": seconds,
        "rows": result.n_rows,
        "rejected": result.n_rejected,
    }


def _in_fresh_process(what: str, path: Path) -> dict:
    done = subprocess.run(  # noqa: S603 - this script, on the file it generated
        [sys.executable, __file__, "--measure", what, str(path)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=N, help="rows to generate (default 200,000)")
    parser.add_argument("--xlsx", action="store_true", help="also an xlsx of the same rows (slow)")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure[0], Path(args.measure[1]))))
        return 0

    import import_measurements as bench  # bench/, the script's folder

    with tempfile.TemporaryDirectory(prefix="kampungkb-bench-") as folder:
        tmp = Path(folder)
        bench._setup_django(tmp)  # also sets the environment the measuring processes inherit
        vendor = bench._fresh_database()
        from kampungkb.wilayah.models import Wilayah

        desa = [
            (w.parent.nama, w.nama)
            for w in Wilayah.objects.filter(level="desa_kelurahan").select_related("parent")
        ]
        files = [tmp / f"eppgbm-{args.n}.csv"]
        bench.generate(files[0], args.n, desa)
        if args.xlsx:
            files.append(files[0].with_suffix(".xlsx"))
            bench._to_xlsx(files[0], files[1])
        baseline = _in_fresh_process("baseline", files[0])["peak_mb"]
        print(f"database: {vendor}; {args.n:,} rows; Django and the app loaded: {baseline:.0f} MB")
        for path in files:
            kind = path.suffix[1:]
            if kind == "csv":
                reference = _in_fresh_process("reference", path)["peak_mb"]
                print(f"reference, the csv read into lists of cells as before: {reference:.0f} MB")
            dry = _in_fresh_process("dry-run", path)
            whole = dry["peak_mb"] + dry["reader_mb"]
            print(
                f"{kind} dry run of {dry['rows']:,} rows ({dry['rejected']} rejected) in "
                f"{dry['seconds']:.1f} s: server process {dry['peak_mb']:.0f} MB, reader process "
                f"{dry['reader_mb']:.0f} MB, together at most {whole:.0f} MB"
            )
            if kind == "csv":
                verdict = "PASS" if whole < TARGET_MB else "FAIL"
                print(f"{verdict}: dry run < {TARGET_MB} MB ({whole:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
