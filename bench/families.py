"""Benchmark of the KRS recompute after a rule change (run: ``python bench/families.py``).

A report, not a test: prints figures and PASS/FAIL against the target, exits 0. It writes
``-n`` synthetic families (default 200,000; one survey round each, ~3.5 members) and times
``families.labels.labels_compute`` over every round, as a rule change does: the first labelling
(every round written; information), a rule change that relabels few rounds (terlalu tua off)
and one that relabels most (air off), each followed by the way back to the default rule. Beside
them, references measured in the same run on the same data:

- the physical reference the target is stated against (issue 15, ``bench/reference.py``): the
  bare load of the same survey-round rows (the rows the recompute writes its labels to) into a
  table with no index: COPY on PostgreSQL, one ``executemany`` on SQLite. Target: the recompute
  after a rule change moves rounds at >= 0.5x that rate (the absolute 100,000 families/s of a
  quiet machine is printed as information);
- the bare rule, ``families.krs.evaluate``, on the arrays of every member (what the recompute
  cannot go below without a faster rule);
- a bare read of the member columns the recompute needs (a plain cursor's ``fetchall``), i.e.
  what reading them the ordinary way costs.

Without ``DATABASE_URL`` it uses a fresh SQLite database in a temporary directory. With
``DATABASE_URL`` it uses that database, which should be a dedicated one, e.g.
``postgres://postgres@127.0.0.1:5432/kampungkb_bench_families`` (created when missing); the
benchmark's families there are replaced on every run.
"""

from __future__ import annotations

import argparse
import copy
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

TARGET_FAMILIES_PER_S = 100_000  # information: the machines' speed drifts by 2x
SEED = 20261129


def _prepare_environment() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampungkb.config.settings")
    os.environ["KAMPUNGKB_DEMO"] = "1"  # a throwaway secret key in the temporary var dir
    os.environ["KAMPUNGKB_VAR_DIR"] = tempfile.mkdtemp(prefix="kampungkb-bench-families-")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
        return "PostgreSQL"
    return "SQLite (temporary)"


def _generate(n: int) -> tuple[int, int]:
    """Write ``n`` synthetic families with one round each; return (rounds, members)."""
    import numpy as np
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from kampungkb.core.bulk import bulk_insert
    from kampungkb.families.demo import KELUARGA_COLUMNS, MEMBER_COLUMNS, SURVEY_COLUMNS, _ids
    from kampungkb.families.models import FamilyMember, FamilySurvey, Keluarga
    from kampungkb.wilayah.loading import wilayah_load
    from kampungkb.wilayah.models import Level, Wilayah

    wilayah_load(folder=settings.KAMPUNGKB_DEFAULT_WILAYAH)
    desa = list(Wilayah.objects.filter(level=Level.DESA).values_list("kode", flat=True))
    rng = np.random.default_rng(SEED)
    survey_day = datetime.date(2025, 7, 1)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE families_familymember, families_familysurvey, "
                    "families_keluarga CASCADE"
                )
        FamilyMember.objects.all().delete()
        FamilySurvey.objects.all().delete()
        Keluarga.objects.all().delete()
        kk_ids = _ids(Keluarga, n)
        survey_ids = _ids(FamilySurvey, n)
        bulk_insert(
            Keluarga,
            KELUARGA_COLUMNS,
            (
                (kk_ids[i], f"19069{i:011d}", desa[i % len(desa)], "001", "001", "", True, now, now)
                for i in range(n)
            ),
        )
        water = rng.integers(1, 11, n)
        latrine = rng.integers(1, 5, n)
        bulk_insert(
            FamilySurvey,
            SURVEY_COLUMNS,
            (
                (survey_ids[i], kk_ids[i], 2025, survey_day, int(water[i]), int(latrine[i]),
                 *([False] * 13), now)
                for i in range(n)
            ),
        )  # fmt: skip
        wife_age = rng.integers(16 * 365, 60 * 365, n)
        n_kids = rng.integers(0, 4, n)
        births = rng.integers(0, 6, n)
        rows = []
        for i in range(n):
            sid = survey_ids[i]
            wife_born = survey_day - datetime.timedelta(days=int(wife_age[i]))
            rows.append((sid, 0, "", "Kepala", 1, "L", wife_born, 2, None, False, None,
                         False, "", None, None, None))  # fmt: skip
            rows.append((sid, 1, "", "Istri", 2, "P", wife_born, 2, 20, bool(births[i] == 5),
                         int(births[i]), bool(i % 2), "suntik" if i % 2 else "", None, None,
                         None))  # fmt: skip
            for k in range(int(n_kids[i])):
                born = survey_day - datetime.timedelta(days=int(rng.integers(30, 15 * 365)))
                rows.append((sid, 2 + k, "", "Anak", 3, "L", born, 1, None, False, None,
                             False, "", None, None, None))  # fmt: skip
        bulk_insert(FamilyMember, MEMBER_COLUMNS, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("families_keluarga", "families_familysurvey", "families_familymember"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return n, len(rows)


def _bare_read() -> float:
    """Seconds of a bare SELECT of the member columns the recompute needs (a plain cursor,
    no conversion), and nothing else."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT survey_id, hubungan, jenis_kelamin, status_kawin, hamil, tanggal_lahir, "
            "anak_lahir_hidup, ber_kb, metode_kb FROM families_familymember"
        )
        cursor.fetchall()
    return time.perf_counter() - started


def _bare_rule(rules: dict) -> tuple[float, int]:
    """Seconds of ``krs.evaluate`` alone on the arrays of every round (built beforehand)."""
    import numpy as np

    from kampungkb.families import krs
    from kampungkb.families.labels_read import member_arrays, survey_arrays
    from kampungkb.families.models import FamilySurvey

    ids = list(FamilySurvey.objects.order_by("pk").values_list("pk", flat=True))
    surveys = survey_arrays(ids, contiguous=True)
    members, families, _modern = member_arrays(surveys, contiguous=True)
    started = time.perf_counter()
    out = krs.evaluate(members, families, rules)
    seconds = time.perf_counter() - started
    return seconds, int(np.count_nonzero(out["is_krs"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200_000, help="families (default 200,000)")
    args = parser.parse_args()
    database = _prepare_environment()

    import django

    django.setup()
    from django.core.management import call_command

    from kampungkb.families.labels import labels_compute
    from kampungkb.families.models import FamilySurvey, KrsRuleSet

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    rounds, members = _generate(args.n)
    print(f"database: {database}")
    print(
        f"generated {rounds:,} families (one round each) with {members:,} members "
        f"in {time.perf_counter() - started:.1f} s"
    )
    rule_set = KrsRuleSet.objects.get(is_default=True)
    read = _bare_read()
    rule, _n = _bare_rule(rule_set.rules)
    reference = bare_copy("families_familysurvey")
    print(reference.line())
    print(
        f"reference, bare SELECT of the {members:,} member rows: {read:.2f} s "
        f"= {rounds / read:,.0f} families/s"
    )
    print(
        f"reference, bare krs.evaluate on the arrays: {rule:.2f} s "
        f"= {rounds / rule:,.0f} families/s"
    )
    softer = copy.deepcopy(rule_set.rules)
    softer["factors"]["tua"]["enabled"] = False
    changed, _created = KrsRuleSet.objects.update_or_create(
        kode="bench-tanpa-tua", defaults={"nama": "bench", "sumber": "bench", "rules": softer}
    )
    no_water = copy.deepcopy(rule_set.rules)
    no_water["factors"]["air"]["enabled"] = False
    broad, _created = KrsRuleSet.objects.update_or_create(
        kode="bench-tanpa-air", defaults={"nama": "bench", "sumber": "bench", "rules": no_water}
    )
    cases = [
        ("first labelling (every round written)", rule_set, False),
        ("after a rule change (terlalu tua no longer counted)", changed, True),
        ("back to the default rule", rule_set, True),
        ("a rule change relabelling most rounds (air no longer counted)", broad, True),
        ("back to the default rule", rule_set, True),
    ]
    verdicts = []
    for label, rules, judged in cases:
        started = time.perf_counter()
        done = labels_compute(None, rule_set=rules)
        seconds = time.perf_counter() - started
        rate = done / seconds
        krs_count = FamilySurvey.objects.filter(is_krs=True).count()
        print(
            f"KRS recompute, {label}: {done:,} rounds in {seconds:.2f} s = {rate:,.0f} "
            f"families/s (absolute target {TARGET_FAMILIES_PER_S:,}/s "
            f"{'reached' if rate >= TARGET_FAMILIES_PER_S else 'not reached'}, information); "
            f"{seconds / read:.1f}x the time of the bare SELECT, {seconds / rule:.0f}x the bare "
            f"rule; {krs_count:,} KRS"
        )
        line = verdict_line("recompute", rate, reference, RECOMPUTE_RATIO_TARGET)
        if judged:
            verdicts.append(line.split(":")[0])
            print(f"  {line}")
        else:
            print(f"  info ({line.split(': ', 1)[1]})")
    print(f"{verdicts.count('PASS')} of {len(verdicts)} rule-change cases reach the target")


if __name__ == "__main__":
    main()
