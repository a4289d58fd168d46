"""Load test on loopback: a posyandu day against gunicorn + the worker (run: ``make loadtest``).

    python bench/loadtest.py [--users 60 --kaders 48 --kader-wait 0.5 1.5 --run-time 180]
                             [--children 8000] [--province] [--database-url URL]

The defaults are the load the targets are stated for (a province's posyandu day pressed to
>= 50 acknowledged writes/s: 60 users, four in five of them kaders (48 accounts) weighing a
child every 0.5-1.5 s, beside the officials and an import; ``make loadtest`` adds
``--province``); a lighter run is quicker, and says it cannot reach the writes/s target.

A report, not a test (it exits 0 unless ``--strict``). What it does:

1. Creates or reuses the database (``kampungkb_loadtest`` on the PostgreSQL of ``BENCH_PG``;
   any ``DATABASE_URL``-style address with ``--database-url``, SQLite too), migrates it, and
   seeds the synthetic demo once (``seed_demo``, of ``--children`` children; with
   ``--province`` the province demo, when ``seed_demo`` has it). A database seeded for another
   size is dropped and seeded again; the size is noted in ``var/loadtest/<name>/seed.json``.
2. Creates the load accounts (``beban.*``: kader as Operator Desa of the desa with the most
   children, officials, one importer) with new random passwords, and a synthetic e-PPGBM csv
   of ``--import-rows`` rows for new children (names carrying the run's id).
3. Starts gunicorn (``kampungkb.config.gunicorn``, production settings, as behind nginx) and
   the worker on a free loopback port, runs locust headless (``bench/locustfile.py``) bounded
   by ``--users`` and ``--run-time``, then stops them.
4. Reports requests/s and p50/p95/p99 per page kind (entry, dashboard, export, import), errors,
   and the writes acknowledged per second; beside them the same-run reference (a static file
   and the login page through the same gunicorn) and the ratios.
5. Checks that every write the server acknowledged is in the database exactly once: each
   measurement (child, date, weight), each child registered (its unique name), each imported
   row (child name, date). ``--check-only ACKS`` repeats this check on a saved list.

Targets, printed PASS/FAIL: 0 errors, 0 lost or doubled writes, p95 < 500 ms for entry and
< 1 s for dashboards, >= 50 writes/s. The machine may be shared: the reference shows how
loaded it was.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from pgdb import ensure_postgres_database  # noqa: E402  (bench/, the script's folder)

BENCH_PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TARGET_ENTRY_P95_MS = 500
TARGET_DASHBOARD_P95_MS = 1000
TARGET_WRITES_PER_S = 50
KINDS = ("entry", "dashboard", "export", "import", "login")
START_SECONDS = 60


# --- the database and its seed ------------------------------------------------------------


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _drop_database(url: str) -> None:
    if _is_postgres(url):
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        server = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def _kampungkb(*args: str, env: dict, **kw) -> subprocess.CompletedProcess:
    # Our own command with fixed arguments.
    return subprocess.run(  # noqa: S603
        [str(BIN / "kampungkb"), *args], env=env, check=True, **kw
    )


def _seed_demo_has_province(env: dict) -> bool:
    out = _kampungkb("seed_demo", "--help", env=env, capture_output=True, text=True).stdout
    return "--province" in out


def prepare_database(args, env: dict, var: Path) -> dict:
    """Migrate and seed once; reseed a database seeded for another size."""
    wanted = {"children": args.children, "province": args.province, "seed_args": args.seed_args}
    marker = var / "seed.json"
    found = json.loads(marker.read_text()) if marker.exists() else None
    if found is not None and found != wanted:
        print(f"the database was seeded as {found}; seeding it again as {wanted}")
        _drop_database(args.database_url)
        marker.unlink()
        found = None
    if _is_postgres(args.database_url):
        ensure_postgres_database(args.database_url)
    else:
        Path(urlsplit(args.database_url).path).parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _kampungkb("migrate", "--noinput", "-v", "0", env=env)
    _kampungkb("collectstatic", "--noinput", "-v", "0", env=env)
    if found is None:
        seed = ["seed_demo"]
        if args.province:
            if not _seed_demo_has_province(env):
                sys.exit("seed_demo has no --province on this branch: run without --province")
            seed.append("--province")
        seed += shlex.split(args.seed_args)
        print(f"seeding the demo ({' '.join(seed)}, {args.children:,} children)...")
        _kampungkb(
            *seed,
            env=env | {"KAMPUNGKB_DEMO_CHILDREN": str(args.children)},
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(json.dumps(wanted))
    print(f"database ready in {time.perf_counter() - started:.1f} s")
    return wanted


# --- accounts, hints and the import file (Django, in this process) -------------------------


def _setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _account(username: str, role: str, wilayah, name: str) -> dict:
    from django.contrib.auth import get_user_model

    from kampungkb.accounts.services import generate_password, user_create, user_password_set
    from kampungkb.core.audit import audited_save

    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        password = generate_password(user=get_user_model()(username=username, first_name=name))
        user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            wilayah=wilayah,
            full_name=name,
        )
    else:
        if (user.role, user.wilayah_id) != (role, wilayah.kode):
            # This run gives the account another area (e.g. other desa were chosen).
            audited_save(
                user,
                actor=None,
                fields=["role", "wilayah"],
                values={"role": role, "wilayah": wilayah},
                wilayah_kode=wilayah.kode,
            )
        password = generate_password(user=user)
        user_password_set(actor=None, user=user, password=password)
    return {"username": username, "password": password}


def _hints(desa_codes: list[str], day: datetime.date) -> dict[str, list]:
    """For each child of these desa: birth date, sex, and the last weight and length (as lying
    length) before ``day``: what the kader's scale will show, a little more."""
    from kampungkb.growth.models import Child, Measurement

    hints = {
        str(pk): [born.isoformat(), sex, None, None]
        for pk, born, sex in Child.objects.filter(desa_id__in=desa_codes).values_list(
            "pk", "tanggal_lahir", "jenis_kelamin"
        )
    }
    rows = (
        Measurement.objects.filter(child__desa_id__in=desa_codes, tanggal__lt=day)
        .order_by("child_id", "tanggal")
        .values_list("child_id", "berat", "tinggi", "cara_ukur")
    )
    for child, berat, tinggi, cara in rows.iterator(chunk_size=5000):
        hint = hints[str(child)]
        if berat is not None:
            hint[2] = float(berat)
        if tinggi is not None:
            hint[3] = float(tinggi) + (0.7 if cara == "TB" else 0.0)
    return hints


def _import_file(path: Path, *, run: str, rows: int, desa: list, day: datetime.date) -> list:
    """A synthetic e-PPGBM csv of new children (names carrying ``run``) at existing posyandu,
    weighed monthly before ``day``; returns the (name, date) of every row."""
    import random

    from kampungkb.growth.importing.headers import COLUMNS
    from kampungkb.growth.models import Posyandu

    rng = random.Random(run)
    posyandu = list(Posyandu.objects.filter(desa__in=desa).select_related("desa__parent"))
    written = []
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow([header for _, header in COLUMNS])
        child = 0
        while len(written) < rows:
            child += 1
            pos = rng.choice(posyandu)
            born = day - datetime.timedelta(days=rng.randint(400, 1700))
            name = f"Anak Impor {run} {child}"
            for visit in range(min(6, rows - len(written))):
                when = day - datetime.timedelta(days=30 * (visit + 1))
                months = (when - born).days / 30.4375
                weight = 3.3 + 0.55 * min(months, 12) + 0.2 * max(months - 12, 0)
                height = 50 + 2.0 * min(months, 12) + 0.85 * max(months - 12, 0)
                row = dict.fromkeys((key for key, _ in COLUMNS), "")
                row |= {
                    "nama": name,
                    "jk": rng.choice("LP"),
                    "tgl_lahir": born.strftime("%d/%m/%Y"),
                    "nama_ortu": f"Ibu Impor {run} {child}",
                    "kab": pos.desa.parent.parent.nama,
                    "kec": pos.desa.parent.nama,
                    "desa": pos.desa.nama,
                    "posyandu": pos.nama,
                    "tanggal": when.strftime("%d/%m/%Y"),
                    "berat": f"{weight:.2f}".replace(".", ","),
                    "tinggi": f"{height - 0.7:.1f}".replace(".", ","),
                    "cara_ukur": "Berdiri",
                }
                out.writerow(row.values())
                written.append((name, when.isoformat()))
    return written


def clear_earlier_weighings(day: datetime.date) -> int:
    """Delete the weighings the load accounts (``beban.*``) recorded on ``day`` in earlier
    runs, and return how many: each run then finds the children its kader weigh as the first
    run did. Otherwise a third run of the day found most of its posyandu weighed, and its
    kader walked from posyandu to posyandu instead of weighing. Only the load test's own
    accounts' rows, in its own database."""
    from kampungkb.growth.models import Measurement

    earlier = Measurement.objects.filter(tanggal=day, recorded_by__username__startswith="beban.")
    deleted, _by_model = earlier.delete()
    return deleted


def prepare_plan(args, work: Path, run: str) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from kampungkb.accounts.models import Role
    from kampungkb.growth.models import Child
    from kampungkb.wilayah.models import Level, Wilayah

    day = timezone.localdate()
    cleared = clear_earlier_weighings(day)
    if cleared:
        print(f"earlier runs' weighings of {day.isoformat()} removed: {cleared:,}")
    busiest = list(
        # The demo's children only: the desa stay the same from run to run.
        Child.objects.filter(is_synthetic=True)
        .values("desa_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "desa_id")
    )
    if not busiest:
        sys.exit("the database has no children: seed_demo did not run?")
    desa_codes = [row["desa_id"] for row in busiest[: args.kaders]]
    desa = {w.kode: w for w in Wilayah.objects.filter(kode__in=desa_codes)}
    kabupaten = Wilayah.objects.get(kode=desa_codes[0][:5])
    kecamatan = list(Wilayah.objects.filter(parent=kabupaten, level=Level.KECAMATAN))
    kaders = []
    for i, kode in enumerate(desa_codes * (args.kaders // len(desa_codes) + 1)):
        if i == args.kaders:
            break
        account = _account(
            f"beban.kader.{i + 1:02d}",
            Role.OPERATOR_DESA,
            desa[kode],
            f"Kader beban {i + 1} (sintetis)",
        )
        from kampungkb.growth.models import Posyandu

        account["posyandu"] = list(
            Posyandu.objects.filter(desa_id=kode).order_by("pk").values_list("pk", flat=True)
        )
        kaders.append(account)
    areas = [kabupaten.kode, *(k.kode for k in kecamatan)]
    officials = [
        _account("beban.admin", Role.ADMIN_KABUPATEN, kabupaten, "Admin beban (sintetis)")
        | {
            "ranking": kabupaten.kode,
            "areas": areas,
            "export_desa": [d for d in desa_codes if d.startswith(kabupaten.kode)],
        },
        _account("beban.mitra", Role.MITRA_OPD, kabupaten, "Mitra beban (sintetis)")
        | {"ranking": kabupaten.kode, "areas": areas},
    ]
    for i, kec in enumerate(kecamatan[:3]):
        officials.append(
            _account(
                f"beban.kecamatan.{i + 1:02d}",
                Role.OPERATOR_KECAMATAN,
                kec,
                f"Operator kecamatan beban {i + 1} (sintetis)",
            )
            | {"ranking": kec.kode, "areas": [kec.kode]}
        )
    provinsi = kabupaten.parent
    if Wilayah.objects.filter(parent=provinsi, level=Level.KABUPATEN).count() > 1:
        # A province installation: the Admin Provinsi opens the province's dashboards too.
        officials.append(
            _account("beban.provinsi", Role.ADMIN_PROVINSI, provinsi, "Admin provinsi beban")
            | {
                "ranking": provinsi.kode,
                "areas": [
                    provinsi.kode,
                    *Wilayah.objects.filter(parent=provinsi).values_list("kode", flat=True),
                ],
            }
        )
    importer, imported = None, []
    if args.import_rows:
        path = work / f"impor-beban-{run}.csv"
        # Only desa of the importer's kabupaten: rows of another kabupaten are (rightly)
        # refused as outside its area, and an acknowledged import stands for all its rows.
        imported = _import_file(
            path,
            run=run,
            rows=args.import_rows,
            desa=[w for kode, w in desa.items() if kode.startswith(kabupaten.kode)],
            day=day,
        )
        importer = _account(
            "beban.impor", Role.ADMIN_KABUPATEN, kabupaten, "Pengimpor beban (sintetis)"
        ) | {"file": str(path), "rows": imported}
    return {
        "run": run,
        "session_date": day.isoformat(),
        "ack_file": str(work / "acks.jsonl"),
        "stats_file": str(work / "stats.json"),
        "kaders": kaders,
        "officials": officials,
        "importer": importer,
        "hints": _hints(desa_codes, day),
        "kader_wait": args.kader_wait,
        "weights": USER_WEIGHTS,
    }


# --- the exactly-once check ---------------------------------------------------------------


def check_acks(acks: list[dict], imports: dict[str, list]) -> dict:
    """Count acknowledged writes found in the database not exactly once.

    ``imports`` maps an import file to its (child name, date) rows: an acknowledged import
    stands for all of them."""
    from decimal import Decimal

    from kampungkb.growth.models import Child, Measurement

    out = {"writes": 0, "lost": 0, "doubled": 0, "problems": []}

    def seen(count: int, what: str) -> None:
        out["writes"] += 1
        if count == 0:
            out["lost"] += 1
        elif count > 1:
            out["doubled"] += 1
        if count != 1 and len(out["problems"]) < 20:
            out["problems"].append(f"{what}: {count} in the database")

    for ack in acks:
        if ack["kind"] == "measurement":
            n = Measurement.objects.filter(
                child_id=ack["child"], tanggal=ack["tanggal"], berat=Decimal(ack["berat"])
            ).count()
            seen(n, f"measurement of child {ack['child']} on {ack['tanggal']} ({ack['berat']} kg)")
        elif ack["kind"] == "child":
            seen(Child.objects.filter(nama=ack["nama"]).count(), f"child {ack['nama']}")
        elif ack["kind"] == "import":
            for name, day in imports[ack["file"]]:
                n = Measurement.objects.filter(child__nama=name, tanggal=day).count()
                seen(n, f"imported row {name} on {day}")
    return out


# --- gunicorn, the worker and locust --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _warm_up(port: int, n: int) -> list[float]:
    """Ask for the login page until every gunicorn worker has answered once (a worker's first
    request pays for loading what it needs), so the run measures a started server; then time
    ``n`` more, one at a time: the login page on an idle server, the run's quiet reference."""
    import http.client

    def login_page() -> float:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/akun/masuk/", headers={"X-Forwarded-Proto": "https"})
        conn.getresponse().read()
        conn.close()
        return (time.perf_counter() - started) * 1000

    for _ in range(n):
        login_page()
    return [login_page() for _ in range(n)]


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children: those still running and
    those it has waited for (gunicorn's workers recycled after ``max_requests``, an import's
    reading process), each child with the children it waited for in turn."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent
            # utime, stime, and cutime, cstime: the children waited for.
            total += sum(int(f) for f in fields[11:15]) / tick
    return total


def run_load(args, env: dict, work: Path, plan: dict) -> dict:
    """Run gunicorn, the worker and locust; return the idle reference and the CPU seconds each
    used during the load."""
    port = _free_port()
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan))
    server_env = env | {
        "KAMPUNGKB_BIND": f"127.0.0.1:{port}",
        "KAMPUNGKB_ACCESS_LOG": str(work / "access.log"),
    }
    if args.web_workers:
        server_env["KAMPUNGKB_WEB_WORKERS"] = str(args.web_workers)
    logs = (work / "gunicorn.log").open("ab"), (work / "worker.log").open("ab")
    processes = []
    try:
        processes.append(
            subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
                [str(BIN / "gunicorn"), "-c", "python:kampungkb.config.gunicorn"],
                env=server_env,
                stdout=logs[0],
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(
            subprocess.Popen(  # noqa: S603
                [str(BIN / "kampungkb"), "db_worker", "--interval", "1"],
                env=env,
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if processes[0].poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start:\n" + (work / "gunicorn.log").read_text())
                time.sleep(0.2)
        idle = _warm_up(port, 4 * (args.web_workers or 8))
        cpu_before = [_cpu_seconds(p.pid) for p in processes]
        own_before = os.times()
        command = [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.run_time}s",
            "--stop-timeout",
            "30",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        print(
            f"locust: {args.users} users (spawn {args.spawn_rate}/s) for {args.run_time} s "
            f"against gunicorn on 127.0.0.1:{port}...",
            flush=True,
        )
        started = time.perf_counter()
        with (work / "locust.log").open("wb") as log:
            # Exit code 1 means some request failed: the report below says which.
            subprocess.run(  # noqa: S603
                command,
                env=env | {"KAMPUNGKB_LOADTEST_PLAN": str(plan_file)},
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
                timeout=args.run_time + 120,
            )
        wall = time.perf_counter() - started
        own = os.times()
        cpu = {
            "gunicorn": _cpu_seconds(processes[0].pid) - cpu_before[0],
            "worker": _cpu_seconds(processes[1].pid) - cpu_before[1],
            "locust": own.children_user
            + own.children_system
            - own_before.children_user
            - own_before.children_system,
            "wall": wall,
        }
        return {"idle_reference": idle, "cpu": cpu}
    finally:
        for process in processes:
            _stop(process)
        for log in logs:
            log.close()


# --- the report ---------------------------------------------------------------------------


def _percentiles(times: list[float]) -> tuple[float, float, float]:
    import numpy as np

    if not times:
        return (float("nan"),) * 3
    return tuple(float(x) for x in np.percentile(times, [50, 95, 99]))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _kinds_table(stats: dict, seconds: float, since: float | None) -> dict:
    """Each kind's requests, errors and percentiles, of the requests started at or after
    ``since`` (None: all of them); printed as a table."""
    times, starts, failures = stats["times"], stats.get("starts", {}), stats["failures"]
    print(
        f"{'kind':<11}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}"
    )
    table = {}
    for kind in (*KINDS, "reference"):
        t = times.get(kind, [])
        if since is not None:
            t = [ms for ms, at in zip(t, starts.get(kind, []), strict=True) if at >= since]
        p50, p95, p99 = _percentiles(t)
        table[kind] = {
            "n": len(t),
            "errors": failures.get(kind, 0),  # over the whole run, whatever the window
            "p50": p50,
            "p95": p95,
            "p99": p99,
        }
        print(
            f"{kind:<11}{len(t):>9,}{failures.get(kind, 0):>8}{len(t) / seconds:>8.1f}"
            f"{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}"
        )
    return table


def _writes_since(acks: list[dict], since: float | None) -> tuple[int, int, int]:
    """Of the acknowledged writes: the kader's (weighings, registrations) acknowledged at or
    after ``since`` (None: all), the imports acknowledged then, and all the imports."""
    entry = imports_in = imports = 0
    for ack in acks:
        late = since is None or ack.get("at", 0) >= since
        if ack["kind"] in ("measurement", "child"):
            entry += late
        elif ack["kind"] == "import":
            imports += 1
            imports_in += late
    return entry, imports_in, imports


def report(stats: dict, acks: list[dict], check: dict, server: dict) -> dict:
    window = stats["window"]
    seconds = max(window.get("stop", 0) - window.get("start", 0), 1e-9)
    times, failures = stats["times"], stats["failures"]
    n_requests = sum(len(t) for t in times.values())
    n_errors = sum(failures.values())
    print(
        f"\n{n_requests:,} requests in {seconds:.1f} s: {n_requests / seconds:.1f} requests/s, "
        f"{n_errors} errors"
    )
    whole = _kinds_table(stats, seconds, None)
    for error in stats["errors"][:10]:
        print(f"  error: {error}")
    # The steady state: from the moment every user had started. Starting them (a login
    # each: a password hash of ~0.3 s of a core; 60 users in 15 s) is a burst no posyandu
    # day has, where kader log in over the morning. The targets are judged on it, the whole
    # run's figures printed above beside it.
    spawned = window.get("spawned") if stats.get("starts") else None
    steady = max(window.get("stop", 0) - spawned, 1e-9) if spawned else seconds
    if spawned:
        print(
            f"\nsteady state: the {steady:.1f} s after every user had started "
            f"({spawned - window.get('start', spawned):.1f} s into the run)"
        )
        table = _kinds_table(stats, steady, spawned)
    else:
        table = whole

    by_kind = {}
    for ack in acks:
        by_kind[ack["kind"]] = by_kind.get(ack["kind"], 0) + 1
    writes = check["writes"]
    entry_writes = by_kind.get("measurement", 0) + by_kind.get("child", 0)
    print(
        f"\nacknowledged writes: {writes:,} ({by_kind.get('measurement', 0):,} measurements, "
        f"{by_kind.get('child', 0):,} children registered, "
        f"{writes - entry_writes:,} imported rows); "
        f"{sum(a.get('confirmed', False) for a in acks)} measurements confirmed after a "
        f"plausibility question"
    )
    print(f"exactly once: {check['lost']} lost, {check['doubled']} doubled")
    for problem in check["problems"]:
        print(f"  {problem}")

    ref = table["reference"]
    idle = _percentiles(server["idle_reference"])[0]
    print(
        f"\nsame-run reference: the login page on the idle server before the load p50 "
        f"{idle:.0f} ms; under the load (login page and a static file, through the same "
        f"gunicorn) p50 {ref['p50']:.0f} ms, p95 {ref['p95']:.0f} ms"
    )
    cpu = server["cpu"]
    print(
        f"CPU seconds during the {cpu['wall']:.0f} s of load (2 cores = {2 * cpu['wall']:.0f}): "
        f"gunicorn {cpu['gunicorn']:.0f}, worker {cpu['worker']:.0f}, locust {cpu['locust']:.0f};"
        f" load average now {os.getloadavg()[0]:.1f} (other users of the machine included)"
    )
    # An import's acknowledgement stands for its rows (the imported writes counted above).
    steady_entry, import_in, import_acks = _writes_since(acks, spawned)
    steady_import = (writes - entry_writes) * import_in / import_acks if import_acks else 0
    write_rate = (steady_entry + steady_import) / steady
    entry, dash = table["entry"], table["dashboard"]
    if n_requests:
        per_request = 1000 * cpu["gunicorn"] / n_requests
        print(
            f"gunicorn CPU per request: {per_request:.0f} ms on average (all kinds), so at most "
            f"{1000 / max(per_request, 1e-9):.0f} requests/s per core the server has to itself"
        )
    for kind in ("entry", "dashboard", "export", "import"):
        if table[kind]["n"] and ref["n"]:
            print(
                f"  {kind}: p50 {table[kind]['p50'] / idle:.1f}x the idle reference, "
                f"p95 {table[kind]['p95'] / ref['p95']:.1f}x the loaded reference's p95"
            )
    print("\ntargets:")
    checks = [
        (n_errors == 0, f"errors: {n_errors} (target 0)"),
        (
            check["lost"] == 0 and check["doubled"] == 0,
            f"lost or doubled writes: {check['lost'] + check['doubled']} of {writes:,} (target 0)",
        ),
        (
            entry["p95"] < TARGET_ENTRY_P95_MS,
            f"entry p95: {entry['p95']:.0f} ms (target < {TARGET_ENTRY_P95_MS} ms)",
        ),
        (
            dash["p95"] < TARGET_DASHBOARD_P95_MS,
            f"dashboard p95: {dash['p95']:.0f} ms (target < {TARGET_DASHBOARD_P95_MS} ms)",
        ),
        (
            write_rate >= TARGET_WRITES_PER_S,
            f"acknowledged writes: {write_rate:.1f}/s: kader entry {steady_entry / steady:.1f}/s, "
            f"import {steady_import / steady:.1f}/s (target >= {TARGET_WRITES_PER_S}/s; the "
            f"whole run: {writes / seconds:.1f}/s)",
        ),
    ]
    for ok, text in checks:
        print(f"  {_verdict(ok)}  {text}")
    return {
        "seconds": seconds,
        "steady_seconds": steady,
        "requests": n_requests,
        "errors": n_errors,
        "kinds": table,
        "kinds_whole_run": whole,
        "writes": writes,
        "writes_by_kind": by_kind,
        "write_rate": write_rate,
        "write_rate_whole_run": writes / seconds,
        # Kader entry (weighings and registrations) and the import's rows apart: the import's
        # size is a choice of the run (--import-rows), the kader's pace is the server's.
        "entry_write_rate": steady_entry / steady,
        "import_write_rate": steady_import / steady,
        "lost": check["lost"],
        "doubled": check["doubled"],
        "idle_reference_p50": idle,
        "cpu": cpu,
        "correct": n_errors == 0 and check["lost"] == 0 and check["doubled"] == 0,
    }


# --- main -----------------------------------------------------------------------------------


def _environment(args, var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMPUNGKB_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    secret = var / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
        secret.chmod(0o600)
    # The production settings, as deploy/kampungkb.env.example sets them behind nginx.
    return env | {
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "kampungkb.config.settings",
        "KAMPUNGKB_VAR_DIR": str(var),
        "KAMPUNGKB_SECRET_KEY": secret.read_text().strip(),
        "KAMPUNGKB_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KAMPUNGKB_PROXY_COUNT": "1",
        "KAMPUNGKB_LOG_LEVEL": "warning",
    }


#: locust's share of the users who are kaders, the rest officials (``bench/locustfile.py``
#: reads these weights from the plan; the importer and the reference are one user each).
USER_WEIGHTS = {"kader": 4, "official": 1}


def writes_ceiling(users: int, kader_wait, import_rows: int, run_time: float) -> float:
    """The most acknowledged writes per second a load can bring, whatever the server: each
    kader user (``USER_WEIGHTS``' share of the users) one write (a weighing or a registration)
    per step, a step every mean wait (the requests themselves take time too, so a run stays
    below it), and the import's rows over the run."""
    low, high = kader_wait
    kader_users = users * USER_WEIGHTS["kader"] / sum(USER_WEIGHTS.values())
    return kader_users / max((low + high) / 2, 1e-9) + import_rows / max(run_time, 1e-9)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"{BENCH_PG}/kampungkb_loadtest")
    parser.add_argument("--users", type=int, default=60, help="locust users at once")
    parser.add_argument("--spawn-rate", type=float, default=4, help="users started per second")
    parser.add_argument("--run-time", type=int, default=180, help="seconds of load")
    parser.add_argument(
        "--kader-wait",
        type=float,
        nargs=2,
        default=(0.5, 1.5),
        metavar=("MIN", "MAX"),
        help="seconds a kader waits between two steps",
    )
    parser.add_argument("--kaders", type=int, default=48, help="kader accounts (one per desa)")
    parser.add_argument("--children", type=int, default=8000, help="children of the demo seed")
    parser.add_argument("--province", action="store_true", help="seed the province demo")
    parser.add_argument("--seed-args", default="", help="more options for seed_demo")
    parser.add_argument("--import-rows", type=int, default=2000, help="rows of the import")
    parser.add_argument("--web-workers", type=int, default=0, help="gunicorn workers")
    parser.add_argument("--var-dir", type=Path, help="where the run's files live (var/loadtest/DB)")
    parser.add_argument("--report", type=Path, help="write the figures as JSON here")
    parser.add_argument("--keep", type=Path, help="keep the run's files (acks, plan) here")
    parser.add_argument(
        "--check-only",
        type=Path,
        metavar="DIR",
        help="only check the acknowledged writes a kept run left in DIR",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 on errors or lost/doubled writes"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    name = urlsplit(args.database_url).path.rstrip("/").rsplit("/", 1)[-1] or "sqlite"
    var = args.var_dir or ROOT / "var" / "loadtest" / Path(name).stem
    var.mkdir(parents=True, exist_ok=True)
    env = _environment(args, var)

    if args.check_only:
        _setup_django(env)
        plan = json.loads((args.check_only / "plan.json").read_text())
        acks = _read_acks(Path(plan["ack_file"]))
        check = check_acks(acks, _imports(plan))
        print(
            f"{check['writes']:,} acknowledged writes: {check['lost']} lost, "
            f"{check['doubled']} doubled"
        )
        for problem in check["problems"]:
            print(f"  {problem}")
        return 1 if check["lost"] or check["doubled"] else 0

    run = uuid.uuid4().hex[:8]
    work = args.keep or var / f"run-{run}"
    work.mkdir(parents=True, exist_ok=True)
    for stale in ("acks.jsonl", "stats.json"):
        (work / stale).unlink(missing_ok=True)
    try:
        seeded = prepare_database(args, env, var)
        _setup_django(env)
        plan = prepare_plan(args, work, run)
        print(
            f"run {run}: {len(plan['kaders'])} kader accounts, {len(plan['officials'])} "
            f"officials, import of {args.import_rows:,} rows; session date "
            f"{plan['session_date']}; seed {seeded}"
        )
        ceiling = writes_ceiling(args.users, args.kader_wait, args.import_rows, args.run_time)
        if ceiling < TARGET_WRITES_PER_S:
            print(
                f"a lighter load than the targets': it brings at most {ceiling:.1f} writes/s "
                f"(target >= {TARGET_WRITES_PER_S}/s), so that target cannot pass; the "
                f"defaults bring the load it is stated for"
            )
        from django.db import connections

        connections.close_all()
        server = run_load(args, env, work, plan)
        stats_file = work / "stats.json"
        if not stats_file.exists():
            print((work / "locust.log").read_text()[-3000:], file=sys.stderr)
            sys.exit("locust wrote no statistics (see its log above)")
        stats = json.loads(stats_file.read_text())
        acks = _read_acks(Path(plan["ack_file"]))
        check = check_acks(acks, _imports(plan))
        figures = report(stats, acks, check, server)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.report:
        args.report.write_text(json.dumps(figures, indent=2))
    return 1 if args.strict and not figures["correct"] else 0


def _read_acks(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _imports(plan: dict) -> dict[str, list]:
    importer = plan.get("importer")
    return {importer["file"]: importer["rows"]} if importer else {}


if __name__ == "__main__":
    sys.exit(main())
