"""Benchmark of the family-survey import (run: ``python bench/import_families.py``).

Generates a synthetic 200,000-member-row family file (csv, the layout of
``/shared/domain/FAMILIES.md``: families of 1-7 members in every desa of Belitung Timur, a
fifth of the under-fives registered as growth children so that linking has work to do) in a
temporary folder and imports it into an empty database: a temporary SQLite file by default, or
PostgreSQL when DATABASE_URL names a database called ``kampungkb_bench...`` (it is flushed
first). Never touches the demo database under var/.

Each figure is measured in a fresh process (so no figure carries another's pages), beside a
same-run reference:

- reference: a bare read of the same file through the import's reader (``read_rows``: the
  bounded child process and its spool), every row iterated, nothing checked or written;
- the import (every row checked, grouped, linked, written, labelled) and the same file again
  (nothing changes): rows/s, the peak resident size of the importing process and of the
  child process that read the file; then a file of the same people with every family's
  drinking water changed (every round rewritten, each person keeping their member row), as
  information beside the first import's time.

- the physical reference of the write (``reference.py``, ``bare_copy_all``): the bare load of
  everything the import wrote for those rows, as it stored them: the families
  (``families_keluarga``), their survey rounds (``families_familysurvey``, labels included) and
  the members (``families_familymember``), each into an unindexed table, ``COPY`` on
  PostgreSQL, ``executemany`` on SQLite, the times summed and the rate counted in member rows;
  the import's target is 0.25x of it.

A report, not a test: PASS/FAIL against that ratio and 500 MB; 5,000 rows/s on PostgreSQL, the
absolute target of a quiet machine, is printed as information.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

N = 200_000
TARGET_ROWS_PER_S = 5_000
TARGET_MB = 500
SEED = 20261129
SURVEY = datetime.date(2025, 6, 15)
#: What the import stores for its member rows: the reference loads all of them.
WRITTEN_TABLES = ("families_keluarga", "families_familysurvey", "families_familymember")
METHODS = ("", "", "Suntik", "Pil", "IUD", "Implan", "Kondom", "MOW")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _born(rng, low_days: int, high_days: int) -> datetime.date:
    return SURVEY - datetime.timedelta(days=int(rng.integers(low_days, high_days)))


def generate(
    path: Path, n: int, desa: list[tuple[str, str, str]], seed: int = SEED, *, changed=False
) -> list:
    """Write ``n`` member rows; return (name, birth date, mother, desa code) of a fifth of the
    under-fives, to register as growth children. ``changed``: the same families and people,
    each family's drinking water another source (every round of the file changed)."""
    from kampungkb.families.importing.headers import TEMPLATE_HEADERS

    rng = np.random.default_rng(seed)
    written, family, children = 0, 0, []
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(TEMPLATE_HEADERS)
        while written < n:
            family += 1
            kec, village, kode = desa[rng.integers(len(desa))]
            kk = f"19{family:014d}"
            # Mostly proper water and latrines, as in the district.
            water = int(rng.choice(10, p=[0.3, 0.2, 0.2, 0.1, 0.06, 0.04, 0.03, 0.03, 0.02, 0.02]))
            latrine = int(rng.choice(4, p=[0.7, 0.15, 0.1, 0.05]))
            water, latrine = (water + 1) % 10 + 1 if changed else water + 1, latrine + 1
            wife_born = _born(rng, 16 * 365, 48 * 365)
            wife = f"Ibu Sintetis {family}"
            kids = int(rng.integers(0, 6))
            members = [
                ("1", "L", _born(rng, 20 * 365, 60 * 365), f"Ayah Sintetis {family}", "2"),
                ("2", "P", wife_born, wife, "2"),
            ] + [
                ("3", "L" if rng.random() < 0.5 else "P", _born(rng, 10, 15 * 365),
                 f"Anak Sintetis {family}-{k}", "1")
                for k in range(kids)
            ]  # fmt: skip
            if rng.random() < 0.1:
                members = members[1:]  # a widow's family
            for i, (relation, sex, born, name, marital) in enumerate(members):
                kb = relation == "2" and rng.random() < 0.6
                nik = f"19{family:012d}{i:02d}" if rng.random() < 0.8 else ""
                out.writerow(
                    [
                        kk, kec, village, f"{family % 20 + 1:03d}", "001",
                        f"Jl. Sintetis {family % 97}", nik, name, relation, sex,
                        born.strftime("%d/%m/%Y"), marital,
                        "19" if relation == "2" else "",
                        "Y" if relation == "2" and rng.random() < 0.05 else "T",
                        str(kids) if relation == "2" else "", "Y" if kb else "T",
                        METHODS[rng.integers(len(METHODS))] if kb else "",
                        str(water), str(latrine), "Y", "Y", SURVEY.strftime("%d/%m/%Y"),
                    ]
                )  # fmt: skip
                if relation == "3" and (SURVEY - born).days < 1800 and rng.random() < 0.2:
                    children.append((name, born, wife, kode, sex))
                written += 1
                if written >= n:
                    break
    return children


def _register_children(children: list) -> None:
    from kampungkb.growth.models import Child
    from kampungkb.growth.services import child_match_key

    Child.objects.bulk_create(
        [
            Child(
                nama=name,
                jenis_kelamin=sex,
                tanggal_lahir=born,
                nama_ibu=mother,
                desa_id=kode,
                is_synthetic=True,
                match_key=child_match_key(
                    nama=name, tanggal_lahir=born, nama_ibu=mother, desa_kode=kode
                ),
            )
            for name, born, mother, kode, sex in children
        ],
        batch_size=2000,
    )


def _measure(what: str, path: Path) -> dict:
    """In this (fresh) process: do ``what`` and report its time and peak resident size."""
    import django

    django.setup()
    from django.utils import translation

    translation.activate("id")
    from kampungkb.families.importing.commit import families_import
    from kampungkb.families.importing.parse import read_rows

    start, cpu = time.perf_counter(), time.process_time()
    if what == "read":
        table = read_rows(path)
        rows = sum(1 for _row in table.rows)
        return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": _peak_mb()}
    result = families_import(user=None, path=path)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "rows": result.n_rows,
        "peak_mb": _peak_mb(),
        "reader_mb": reader,
        **result.counts(),
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
    parser.add_argument("-n", type=int, default=N, help="member rows (default 200,000)")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure[0], Path(args.measure[1]))))
        return 0

    import import_measurements as bench  # bench/, the script's folder
    from import_measurements import UPDATE_TARGET_SLOWER
    from reference import (
        IMPORT_RATIO_TARGET,
        bare_copy_all,
        floor_line,
        server_floor,
        verdict_line,
    )

    with tempfile.TemporaryDirectory(prefix="kampungkb-bench-") as folder:
        tmp = Path(folder)
        bench._setup_django(tmp)  # also sets the environment the measuring processes inherit
        vendor = bench._fresh_database()
        from kampungkb.families.krs import default_rules
        from kampungkb.families.models import KrsRuleSet
        from kampungkb.wilayah.models import Wilayah

        if not KrsRuleSet.objects.filter(is_default=True).exists():  # flushed with the rest
            KrsRuleSet.objects.create(
                kode="bench", nama="KRS (bench)", sumber="bench", rules=default_rules(),
                is_default=True,
            )  # fmt: skip
        desa = [
            (w.parent.nama, w.nama, w.kode)
            for w in Wilayah.objects.filter(level="desa_kelurahan").select_related("parent")
        ]
        path = tmp / f"keluarga-{args.n}.csv"
        start = time.perf_counter()
        children = generate(path, args.n, desa)
        _register_children(children)
        print(
            f"database: {vendor}; generated {args.n:,} member rows and registered "
            f"{len(children):,} growth children in {time.perf_counter() - start:.1f} s"
        )
        from django.db import connections

        connections.close_all()
        read = _in_fresh_process("read", path)
        read_rate = read["rows"] / read["seconds"]
        print(
            f"reference, a bare read of the file (bounded reader, every row): "
            f"{read['seconds']:.1f} s = {read_rate:,.0f} rows/s, peak {read['peak_mb']:.0f} MB"
        )
        done = _in_fresh_process("import", path)
        rate = done["rows"] / done["seconds"]
        whole = done["peak_mb"] + done["reader_mb"]
        print(
            f"import: {done['rows']:,} rows ({done['n_rejected']} rejected), "
            f"{done['n_rounds_created']:,} rounds, {done['n_krs']:,} KRS, "
            f"{done['n_linked']:,} children linked, in {done['seconds']:.1f} s = "
            f"{rate:,.0f} rows/s ({rate / read_rate:.2f} x the bare read); peak "
            f"{done['peak_mb']:.0f} MB, reader {done['reader_mb']:.0f} MB "
            f"(together at most {whole:.0f} MB; the bare read {read['peak_mb']:.0f} MB)"
        )
        reference = bare_copy_all(WRITTEN_TABLES, per="families_familymember")
        print(reference.line())
        print(verdict_line("import", rate, reference, IMPORT_RATIO_TARGET))
        floor = server_floor(WRITTEN_TABLES, per="families_familymember")
        if floor is not None:
            print(floor.line())
            print(
                floor_line(
                    done["seconds"], done["cpu_seconds"], reference, floor, IMPORT_RATIO_TARGET
                )
            )
        connections.close_all()
        again = _in_fresh_process("import", path)
        print(
            f"the same file again (unchanged {again['n_rounds_unchanged']:,}, created "
            f"{again['n_rounds_created']}): {again['seconds']:.1f} s = "
            f"{again['rows'] / again['seconds']:,.0f} rows/s"
        )
        changed_path = tmp / f"keluarga-{args.n}-changed.csv"
        generate(changed_path, args.n, desa, changed=True)
        connections.close_all()
        updated = _in_fresh_process("import", changed_path)
        slower = updated["seconds"] / done["seconds"]
        print(
            f"information: every round changed "
            f"(drinking water; members kept, TPK links kept): {updated['n_rounds_updated']:,} "
            f"rounds in {updated['seconds']:.1f} s = {updated['rows'] / updated['seconds']:,.0f} "
            f"rows/s, {slower:.2f}x the first import's time (same rows, same run; the e-PPGBM "
            f"import's update re-import is held to {UPDATE_TARGET_SLOWER:g}x)"
        )
        memory = "PASS" if whole < TARGET_MB else "FAIL"
        print(f"{memory}: import peak < {TARGET_MB} MB ({whole:.0f} MB)")
        print(
            f"(information: the absolute target of a quiet machine, {TARGET_ROWS_PER_S:,} rows/s "
            f"on PostgreSQL; this run: {rate:,.0f} on {vendor})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
