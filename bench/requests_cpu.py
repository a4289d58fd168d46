"""CPU and SQL queries per request of the load test's pages (run: ``python bench/requests_cpu.py``).

A report, not a test: prints figures, exits 0.

What a gunicorn worker spends on one request, without the noise of a load test: every page kind
the posyandu-day load test opens (``bench/locustfile.py``) is requested through Django's WSGI
handler (the test client, production settings, HTTPS as behind nginx, CSRF enforced), and for
each the median CPU time of this process (``time.process_time``: Python, templates, the database
driver), the median CPU time of its PostgreSQL backend (``/proc/PID/schedstat``: the server runs
on this machine; blank on SQLite), the median wall time and the number of SQL queries
are printed beside the same-run reference: the login page (reads nothing) and a static file
(whitenoise), with the ratio to the login page.

- ``entry:``, a kader (Operator Desa) at today's session of the posyandu with the most children
  not weighed yet today: the
  session page, the list of the posyandu's children not yet weighed (htmx), a child's form
  (htmx), the save of a weighing (each save weighs another child, as a kader does; the values
  are a little more than the child's last, and a value the rules question is confirmed, timed
  apart), the registration form.
- ``dashboard:``, the Admin Kabupaten: the analysis home, the area page of the kabupaten and
  of a kecamatan, their trend and map specs, the priority page and its spec.

The data are the district demo (``seed_demo``, 8,000 children), seeded once into the database
of ``DATABASE_URL`` (a dedicated PostgreSQL database, created when missing, e.g.
``postgres://postgres@127.0.0.1:5432/kampungkb_bench_perf``; default: a SQLite file under
``var/bench_requests/``). Each run records ``--writes`` weighings of today (real writes,
audited, as a kader's day would leave them).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import secrets
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pgdb import ensure_postgres_database  # noqa: E402  (bench/, the script's folder)

HTTPS = {
    "secure": True,
    "headers": {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "10.0.0.7",
        "Accept-Language": "id",
    },
}
ORIGIN = "https://testserver"


def _print_by_package(profiler) -> None:
    """The profile's own time summed by package (django.template, django.db, psycopg, ours
    by app...): where a request's CPU goes, beyond the single functions."""
    import pstats

    totals: dict[str, float] = {}
    for (path, _line, _name), (_cc, _nc, own, _cum, _callers) in pstats.Stats(
        profiler
    ).stats.items():
        parts = path.replace("\\", "/").split("/")
        if "site-packages" in parts:
            rest = parts[parts.index("site-packages") + 1 :]
            key = ".".join(rest[:2]) if rest[0] == "django" else rest[0]
        elif "kampungkb" in parts:
            rest = parts[parts.index("kampungkb") + 1 :]
            key = "kampungkb." + rest[0].removesuffix(".py")
        else:
            key = "python" if path.startswith(("/", "<frozen")) else path
        totals[key] = totals.get(key, 0.0) + own
    whole = sum(totals.values()) or 1.0
    print("own time by package:")
    for key, own in sorted(totals.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {key:<30} {own * 1000:9.1f} ms {own / whole:6.1%}")


def _prepare_environment() -> str:
    """Production settings (no demo flag), as ``bench/loadtest.py`` runs gunicorn."""
    var = ROOT / "var" / "bench_requests"
    var.mkdir(parents=True, exist_ok=True)
    for key in [k for k in os.environ if k.startswith("KAMPUNGKB_")]:
        del os.environ[key]
    os.environ["DJANGO_SETTINGS_MODULE"] = "kampungkb.config.settings"
    os.environ["KAMPUNGKB_VAR_DIR"] = str(var)
    os.environ["KAMPUNGKB_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["KAMPUNGKB_ALLOWED_HOSTS"] = "testserver"
    os.environ["KAMPUNGKB_PROXY_COUNT"] = "1"
    os.environ["KAMPUNGKB_LOG_LEVEL"] = "warning"
    url = os.environ.setdefault("DATABASE_URL", f"sqlite:///{var / 'kampungkb.sqlite3'}")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
        return "PostgreSQL"
    return "SQLite"


def _seed() -> None:
    from django.core.management import call_command

    from kampungkb.growth.models import Child, Measurement

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if not Child.objects.filter(is_synthetic=True).exists():
        started = time.perf_counter()
        print("seeding the district demo (seed_demo)...", flush=True)
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", stdout=quiet)
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    print(f"{Child.objects.count():,} children, {Measurement.objects.count():,} measurements")


def _backend_pid() -> int | None:
    """The process id of this process's PostgreSQL backend (None on SQLite): the database
    server runs on this machine, so its CPU per request can be read from ``/proc``."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def _backend_cpu_ms(pid: int | None) -> float:
    """CPU ms the PostgreSQL backend ``pid`` has used so far (``/proc/PID/schedstat``: time on
    a CPU in nanoseconds, finer than ``stat``'s 10 ms ticks); NaN when it cannot be read."""
    if pid is None:
        return float("nan")
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
    except (OSError, ValueError, IndexError):
        return float("nan")


def _cpu_ms(fn, n: int) -> tuple[float, float, float]:
    """Median CPU ms of this process, median wall ms and median CPU ms of the PostgreSQL
    backend (NaN on SQLite) of ``n`` calls of ``fn`` (after one warm-up)."""
    fn()
    cpu, wall, db = [], [], []
    for _ in range(n):
        pid = _backend_pid()
        d0 = _backend_cpu_ms(pid)
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        # A connection closed and opened again during the call: its backend is another one.
        db.append(_backend_cpu_ms(pid) - d0 if _backend_pid() == pid else float("nan"))
    return statistics.median(cpu), statistics.median(wall), _median(db)


def _median(values: list[float]) -> float:
    values = [v for v in values if v == v]  # without NaN
    return statistics.median(values) if values else float("nan")


def _print_sql(fn, *, warm_up: bool = True) -> None:
    """Run ``fn`` once (after a warm-up call unless ``warm_up`` is false: a save is not
    repeated) and print each SQL statement it sent, shortened."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm_up:
        fn()
    with CaptureQueriesContext(connection) as captured:
        fn()
    for number, query in enumerate(captured.captured_queries, 1):
        sql = " ".join(query["sql"].split())
        print(f"{number:3d} {query['time']:>6} s  {sql[:220]}")


def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


class Browser:
    """A logged-in browser: cookies, the CSRF token in the htmx header, HTTPS as behind nginx."""

    def __init__(self, user=None):
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)
        if user is not None:
            self.client.force_login(user)

    def get(self, url, *, htmx: str | None = None, page: str | None = None, status=200):
        headers = dict(HTTPS["headers"])
        if htmx:
            headers |= {"HX-Request": "true", "HX-Target": htmx, "HX-Current-URL": ORIGIN + page}
        response = self.client.get(url, secure=True, headers=headers)
        assert response.status_code == status, (url, response.status_code)
        return response

    def post(self, url, data, *, htmx: str, page: str):
        token = self.client.cookies["csrftoken"].value
        headers = dict(HTTPS["headers"]) | {
            "Origin": ORIGIN,
            "Referer": ORIGIN + page,
            "X-CSRFToken": token,
            "HX-Request": "true",
            "HX-Target": htmx,
            "HX-Current-URL": ORIGIN + page,
        }
        return self.client.post(url, data, secure=True, headers=headers)


def _users(posyandu_pk: int | None = None):
    from django.db.models import Count
    from django.utils import timezone

    from kampungkb.accounts.models import Role, User
    from kampungkb.growth.models import Child, Posyandu
    from kampungkb.wilayah.models import Level, Wilayah

    # The posyandu with the most under-fives not weighed yet today (each run weighs
    # ``--writes`` of them, so runs of one day move on to another posyandu).
    today = timezone.localdate()
    under_five = Child.objects.filter(
        is_synthetic=True,
        posyandu__isnull=False,
        tanggal_lahir__lte=today,
        tanggal_lahir__gte=today - datetime.timedelta(days=1856),
    )
    counts = Counter(dict(under_five.values_list("posyandu_id").annotate(n=Count("pk"))))
    counts.subtract(
        dict(
            under_five.filter(measurements__tanggal=today)
            .values_list("posyandu_id")
            .annotate(n=Count("pk", distinct=True))
        )
    )
    (pk, _left), *_ = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    posyandu = Posyandu.objects.select_related("desa").get(pk=posyandu_pk or pk)
    desa = posyandu.desa
    kabupaten = Wilayah.objects.get(kode=desa.kode[:5])
    kecamatan = Wilayah.objects.get(kode=desa.kode[:8], level=Level.KECAMATAN)

    def account(username, role, wilayah):
        user, _ = User.objects.update_or_create(
            username=username, defaults={"role": role, "wilayah": wilayah, "is_active": True}
        )
        return user

    kader = account("bench.cpu.kader", Role.OPERATOR_DESA, desa)
    admin = account("bench.cpu.admin", Role.ADMIN_KABUPATEN, kabupaten)
    return kader, admin, posyandu, kabupaten, kecamatan


_MEASURE = re.compile(r'hx-get="(/pertumbuhan/sesi/\d+/[\d-]+/ukur/(\d+)/)"')
_RESULT = 'data-testid="result"'
_CHECK = 'data-testid="confirm-check"'


def _values(child_id: int, day) -> dict[str, str]:
    """What the scale shows: a little more than the child's last weighing (or a typical
    child of the age), in the form's Indonesian decimal notation."""
    from kampungkb.growth.models import Child, Measurement

    child = Child.objects.get(pk=child_id)
    last = Measurement.objects.filter(child=child, tanggal__lt=day).order_by("-tanggal").first()
    months = (day - child.tanggal_lahir).days / 30.4375
    weight = 3.3 + 0.55 * min(months, 12) + 0.2 * max(months - 12, 0)
    lying = 50 + 2.0 * min(months, 12) + 0.85 * max(months - 12, 0)
    if last is not None and last.berat is not None:
        weight = float(last.berat) + 0.2
    if last is not None and last.tinggi is not None:
        lying = float(last.tinggi) + (0.7 if last.cara_ukur == "TB" else 0.0) + 0.4
    standing = (day - child.tanggal_lahir).days >= 731
    height = lying - 0.7 if standing else lying
    return {
        "berat": f"{Decimal(weight).quantize(Decimal('0.01'))}".replace(".", ","),
        "tinggi": f"{Decimal(height).quantize(Decimal('0.1'))}".replace(".", ","),
        "cara_ukur": "TB" if standing else "PB",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--writes", type=int, default=12, help="weighings saved (timed)")
    parser.add_argument("--posyandu", type=int, help="this posyandu's session (its pk)")
    parser.add_argument("--profile", metavar="KIND", help="print a cProfile of this page label")
    parser.add_argument(
        "--pyinstrument", action="store_true", help="profile with pyinstrument, not cProfile"
    )
    parser.add_argument(
        "--sql", metavar="KIND", help="print the SQL of one request of this page label (or submit)"
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="also time one rebuild of the summaries (what the worker runs after changes)",
    )
    args = parser.parse_args(argv)
    database = _prepare_environment()

    import django

    django.setup()
    from django.urls import reverse
    from django.utils import timezone

    _seed()
    print(f"database: {database}; production settings, HTTPS, CSRF enforced")
    kader, admin, pos, kabupaten, kecamatan = _users(args.posyandu)
    day = timezone.localdate().isoformat()
    print(
        f"kader at {pos.nama} (posyandu {pos.pk}, {pos.desa.nama}); "
        f"areas {kabupaten.kode}, {kecamatan.kode}"
    )
    session = reverse("growth:session", args=[pos.pk, day])
    search = reverse("growth:session_search", args=[pos.pk, day]) + "?q="
    register = reverse("growth:session_register", args=[pos.pk, day])
    anonymous = Browser()
    k = Browser(kader)
    a = Browser(admin)
    login_page = anonymous.get("/akun/masuk/").content.decode()
    static = re.search(r'href="(/static/[^"]+\.css)"', login_page).group(1)

    def first_child() -> tuple[str, int]:
        found = _MEASURE.search(k.get(search, htmx="search-results", page=session).content.decode())
        assert found, "no child left to weigh at the posyandu today"
        return found.group(1), int(found.group(2))

    k.get(session)  # the CSRF cookie
    measure_form, _child = first_child()
    pages = [
        ("reference: login page", lambda: anonymous.get("/akun/masuk/")),
        ("reference: static file", lambda: anonymous.get(static)),
        ("entry: session page", lambda: k.get(session)),
        ("entry: children list", lambda: k.get(search, htmx="search-results", page=session)),
        ("entry: measure form", lambda: k.get(measure_form, htmx="entry", page=session)),
        ("entry: register form", lambda: k.get(register, htmx="entry", page=session)),
    ]
    analysis = reverse("analytics:dashboard")
    for label, kode in (("kabupaten", kabupaten.kode), ("kecamatan", kecamatan.kode)):
        pages += [
            (f"dashboard: area page ({label})", lambda kode=kode: a.get(f"/analisis/w/{kode}/")),
            (
                f"dashboard: trend spec ({label})",
                lambda kode=kode: a.get(f"/analisis/w/{kode}/tren.json"),
            ),
            (
                f"dashboard: map spec ({label})",
                lambda kode=kode: a.get(f"/analisis/w/{kode}/peta.json"),
            ),
        ]
    pages += [
        ("dashboard: analysis home (a redirect)", lambda: a.get(analysis, status=302)),
        ("dashboard: priority page", lambda: a.get(f"/analisis/prioritas/{kabupaten.kode}/")),
        (
            "dashboard: priority spec",
            lambda: a.get(f"/analisis/prioritas/{kabupaten.kode}/skor.json"),
        ),
    ]

    if args.sql and args.sql != "submit":
        _print_sql(dict(pages)[args.sql])
        return 0

    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time) if args.profile else None
    if args.profile == "submit" and args.pyinstrument:
        from pyinstrument import Profiler

        # Started and stopped around each save: the sessions of all the saves add up.
        profiler = Profiler(interval=0.0005)
    if args.profile and args.profile != "submit" and args.pyinstrument:
        # pyinstrument (``pip install pyinstrument``; not a dependency): a call tree by wall
        # time, sampled, so the profiler's own cost does not inflate small functions.
        from pyinstrument import Profiler

        fn = dict(pages)[args.profile]
        fn()
        sampler = Profiler(interval=0.0005)
        sampler.start()
        for _ in range(20):
            fn()
        sampler.stop()
        print(sampler.output_text(unicode=True, show_all=bool(os.environ.get("PROFILE_ALL"))))
        return 0
    if args.profile and args.profile != "submit":
        fn = dict(pages)[args.profile]
        fn()
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(5):
            fn()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(80)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        _print_by_package(profiler)
        return 0

    rows = []
    for label, fn in [] if profiler else pages:
        cpu, wall, db = _cpu_ms(fn, args.requests)
        rows.append((label, cpu, wall, _queries(fn), db))

    # The saves: each weighs the next child not yet weighed today (a real, audited write).
    submit_cpu, submit_wall, submit_q, submit_db, confirm_cpu, confirm_q = [], [], [], [], [], []
    for _ in range(args.writes):
        path, child = first_child()
        k.get(path, htmx="entry", page=session)  # the kader opens the form (timed above)
        fields = _values(child, timezone.localdate())
        for attempt in ("submit", "confirm"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            pid = _backend_pid()
            d0 = _backend_cpu_ms(pid)
            c0, w0 = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                if args.sql:
                    _print_sql(
                        lambda p=path, f=fields: k.post(p, f, htmx="entry", page=session),
                        warm_up=False,
                    )
                    return 0
                if profiler:
                    profiler.start() if args.pyinstrument else profiler.enable()
                response = k.post(path, fields, htmx="entry", page=session)
                if profiler:
                    profiler.stop() if args.pyinstrument else profiler.disable()
            cpu = (time.process_time() - c0) * 1000
            db = _backend_cpu_ms(pid) - d0 if _backend_pid() == pid else float("nan")
            text = response.content.decode()
            if attempt == "submit":
                submit_cpu.append(cpu)
                submit_db.append(db)
                submit_wall.append((time.perf_counter() - w0) * 1000)
                submit_q.append(len(captured))
            else:
                confirm_cpu.append(cpu)
                confirm_q.append(len(captured))
            if response.status_code == 200 and _RESULT in text:
                break
            assert response.status_code == 400 and _CHECK in text, (path, response.status_code)
            fields |= {"confirm": "1"}
    if profiler and args.pyinstrument:
        print(profiler.output_text(unicode=True, show_all=False))
        return 0
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        _print_by_package(profiler)
        return 0
    rows.append(
        (
            f"entry: measure submit ({len(submit_cpu)} saves)",
            statistics.median(submit_cpu),
            statistics.median(submit_wall),
            max(submit_q),
            _median(submit_db),
        )
    )
    if confirm_cpu:
        rows.append(
            (
                f"entry: measure confirm ({len(confirm_cpu)})",
                statistics.median(confirm_cpu),
                float("nan"),
                max(confirm_q),
                float("nan"),
            )
        )

    login_cpu = rows[0][1]
    print(
        f"reference (same run): login page {login_cpu:.1f} ms CPU, "
        f"static file {rows[1][1]:.1f} ms CPU"
    )
    print(
        f"{'page':<40} {'CPU ms':>8} {'wall ms':>8} {'x login':>8} {'queries':>8} {'PG CPU ms':>10}"
    )
    for label, cpu, wall, queries, db in rows:
        print(f"{label:<40} {cpu:8.1f} {wall:8.1f} {cpu / login_cpu:7.1f}x {queries:8d} {db:10.1f}")
    if args.rebuild:
        from kampungkb.analytics.services import summaries_rebuild

        pid = _backend_pid()
        d0, c0, w0 = _backend_cpu_ms(pid), time.process_time(), time.perf_counter()
        summaries_rebuild()
        cpu, wall = (time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000
        db = _backend_cpu_ms(pid) - d0 if _backend_pid() == pid else float("nan")
        print(
            f"{'worker: summaries rebuild (one)':<40} {cpu:8.0f} {wall:8.0f} "
            f"{cpu / login_cpu:7.0f}x {'':>8} {db:10.0f}"
        )
    entry = [cpu for label, cpu, _w, _q, _d in rows if label.startswith("entry:")]
    print(
        f"entry pages: mean {statistics.mean(entry):.1f} ms CPU "
        f"({statistics.mean(entry) / login_cpu:.1f}x the login page)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
