"""What a server still lacks: the checks behind ``kampungkb check_install``.

Each check looks at one thing a real installation needs (deploy/README.md) and says whether it
is there, and if not, what to do. ``essential`` checks decide the command's exit code; the others
warn (SQLite is fine for a trial, a worker that has had nothing to do is not broken).
"""

import datetime
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks_db.models import DBTaskResult

from kampungkb.accounts.models import Role, User
from kampungkb.core.housekeeping import login_log_retention_days, task_result_retention_days
from kampungkb.growth.importing.uploads import retention_days
from kampungkb.growth.models import Upload
from kampungkb.wilayah.models import Level, Wilayah

OK = "ok"
MISSING = "missing"
WARNING = "warning"

# A task waiting longer than this means no worker takes them.
WORKER_WAIT_MINUTES = 10
# No task at all for this long: the worker may be gone (or there was nothing to do).
WORKER_QUIET_HOURS = 24
# django's own bar for a strong key (security.W009).
SECRET_KEY_MIN_LENGTH = 50
# The test suite's and the help's throwaway keys (tests/settings.py, kampungkb.cli).
THROWAWAY_KEY_PREFIXES = ("tests-only-", "help-only-", "django-insecure-")


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    advice: str = ""
    essential: bool = True


def _ok(name, detail) -> Check:
    return Check(name, OK, detail)


def _missing(name, detail, advice) -> Check:
    return Check(name, MISSING, detail, advice)


def _warning(name, detail, advice) -> Check:
    return Check(name, WARNING, detail, advice, essential=False)


def check_mode() -> Check:
    name = _("Mode")
    if settings.DEMO:
        return _missing(
            name,
            _("KAMPUNGKB_DEMO is on: plain HTTP and a secret key generated into var/."),
            _("Remove KAMPUNGKB_DEMO from the server's environment."),
        )
    if settings.DEBUG:
        return _missing(
            name,
            _("KAMPUNGKB_DEBUG is on: error pages would show the code and the settings."),
            _("Remove KAMPUNGKB_DEBUG from the server's environment."),
        )
    return _ok(name, _("demo and debug are off"))


def check_secret_key() -> Check:
    name = _("Secret key")
    key = settings.SECRET_KEY or ""
    if not os.environ.get("KAMPUNGKB_SECRET_KEY", "").strip():
        detail = _("not set in the environment (the demo's key from var/ is used)")
    elif key.startswith(THROWAWAY_KEY_PREFIXES):
        detail = _("a throwaway key of the tests or of the help is used")
    elif len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < 5:
        detail = _("too short: at least %(n)d varied characters") % {"n": SECRET_KEY_MIN_LENGTH}
    else:
        return _ok(name, _("set (%(n)d characters)") % {"n": len(key)})
    return _missing(
        name,
        detail,
        _(
            "Set KAMPUNGKB_SECRET_KEY in the environment file to a new random value, e.g. "
            "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        ),
    )


def check_allowed_hosts() -> Check:
    name = _("Host names")
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts or "*" in hosts:
        return _missing(
            name,
            _("ALLOWED_HOSTS is empty or '*'") if not hosts or hosts == ["*"] else ", ".join(hosts),
            _("Set KAMPUNGKB_ALLOWED_HOSTS to the server's names, e.g. kampungkb.example.go.id"),
        )
    return _ok(name, ", ".join(hosts))


def check_https() -> Check:
    name = _("HTTPS")
    wanted = {
        "SECURE_SSL_REDIRECT": bool(getattr(settings, "SECURE_SSL_REDIRECT", False)),
        "SESSION_COOKIE_SECURE": bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        "CSRF_COOKIE_SECURE": bool(getattr(settings, "CSRF_COOKIE_SECURE", False)),
        "SECURE_PROXY_SSL_HEADER": bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None)),
        "SECURE_HSTS_SECONDS": getattr(settings, "SECURE_HSTS_SECONDS", 0) > 0,
    }
    off = [key for key, on in wanted.items() if not on]
    if off:
        return _missing(
            name,
            _("off: %(settings)s") % {"settings": ", ".join(off)},
            _(
                "Outside the demo these are on; keep KAMPUNGKB_SSL_REDIRECT and "
                "KAMPUNGKB_HSTS_SECONDS unset (or 1 and a year) and serve through HTTPS."
            ),
        )
    return _ok(name, _("redirect to HTTPS, secure cookies, HSTS"))


def check_proxy_count() -> Check:
    name = _("Reverse proxy")
    count = settings.KAMPUNGKB_PROXY_COUNT
    behind_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    if count < 0 or (behind_proxy and count == 0):
        return _missing(
            name,
            _("KAMPUNGKB_PROXY_COUNT is %(n)d while HTTPS is expected from a proxy") % {"n": count},
            _(
                "Set KAMPUNGKB_PROXY_COUNT to the number of proxies in front (1 for nginx on "
                "the same server); otherwise every login shares the proxy's address."
            ),
        )
    if count > 1:
        return _warning(
            name,
            _("KAMPUNGKB_PROXY_COUNT is %(n)d") % {"n": count},
            _("Check that exactly that many proxies append to X-Forwarded-For."),
        )
    return _ok(name, _("KAMPUNGKB_PROXY_COUNT is %(n)d") % {"n": count})


#: Days past which uploads (children's NIK) are kept longer than an import needs.
RETENTION_WARNING_DAYS = 30


def check_upload_retention() -> Check:
    name = _("Upload retention")
    days = retention_days()
    if days < 1:
        return _missing(
            name,
            _(
                "KAMPUNGKB_UPLOAD_RETENTION_DAYS is %(days)d: an upload would be removed "
                "before it is saved"
            )
            % {"days": days},
            _("Set KAMPUNGKB_UPLOAD_RETENTION_DAYS to 1 or more, or leave it unset (3 days)."),
        )
    if days > RETENTION_WARNING_DAYS:
        return _warning(
            name,
            _("uploads holding children's NIK are kept %(days)d days") % {"days": days},
            _("Keep them a few days only (the default is 3): they hold children's NIK."),
        )
    return _ok(name, _("uploaded files are removed after %(days)d days") % {"days": days})


def check_database() -> Check:
    name = _("Database")
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        return _missing(
            name,
            _("not reachable: %(error)s") % {"error": " ".join(str(exc).split())[:200]},
            _("Check DATABASE_URL and that PostgreSQL is running."),
        )
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return _ok(name, _("PostgreSQL %(version)s") % {"version": f"{major}.{minor}"})
    return _warning(
        name,
        _("%(vendor)s: fine for a trial, not for a district's daily work")
        % {"vendor": connection.vendor},
        _("Set DATABASE_URL to a PostgreSQL database (deploy/README.md)."),
    )


def check_migrations() -> Check:
    name = _("Migrations")
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return _missing(
            name,
            _("%(n)d not applied") % {"n": len(plan)},
            _("Run: kampungkb migrate"),
        )
    return _ok(name, _("all applied"))


def check_static_files() -> Check:
    name = _("Static files")
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        return _missing(
            name,
            _("%(path)s is missing") % {"path": manifest},
            _("Run: kampungkb collectstatic --noinput (again after every upgrade)"),
        )
    return _ok(name, _("collected in %(path)s") % {"path": settings.STATIC_ROOT})


def _writable(path: Path) -> bool:
    # A folder not made yet is made by the app under a writable parent.
    while not path.exists():
        if path.parent == path:
            return False
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def check_folders() -> Check:
    name = _("Folders")
    var_dir, media = Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT)
    not_writable = [str(p) for p in (var_dir, media) if not _writable(p)]
    if not_writable:
        return _missing(
            name,
            _("not writable: %(paths)s") % {"paths": ", ".join(not_writable)},
            _("Give the service's user the folder: chown -R kampungkb: %(path)s")
            % {"path": var_dir},
        )
    if var_dir.exists() and var_dir.stat().st_mode & (stat.S_IROTH | stat.S_IWOTH):
        return _warning(
            name,
            _("%(path)s is open to other users of the server") % {"path": var_dir},
            _("It holds uploads with children's NIK: chmod 750 %(path)s") % {"path": var_dir},
        )
    return _ok(name, _("%(var)s and %(media)s writable") % {"var": var_dir, "media": media})


def check_wilayah() -> Check:
    name = _("Wilayah")
    kabupaten = Wilayah.objects.filter(level=Level.KABUPATEN).count()
    if not kabupaten:
        return _missing(
            name,
            _("no kabupaten loaded"),
            _("Run: kampungkb load_wilayah (Belitung Timur) or kampungkb load_wilayah FOLDER"),
        )
    desa = Wilayah.objects.filter(level=Level.DESA).count()
    return _ok(name, _("%(kab)d kabupaten, %(desa)d desa") % {"kab": kabupaten, "desa": desa})


#: Provinsi codes (Kemendagri) by time zone (Keppres 41/1987): WITA and WIT; the rest WIB.
_WITA = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})


def provinsi_time_zone(kode: str) -> str:
    """The time zone of a provinsi (its two-digit code) as ``TIME_ZONE`` names it.

    >>> provinsi_time_zone("19"), provinsi_time_zone("73"), provinsi_time_zone("94")
    ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura')
    """
    if kode in _WITA:
        return "Asia/Makassar"
    return "Asia/Jayapura" if kode in _WIT else "Asia/Jakarta"


def check_time_zone() -> Check:
    """The installation's time zone against its provinsi's: "today" and every time shown (a
    warning: only the deployer knows the kabupaten's clocks)."""
    name = _("Time zone")
    zone = settings.TIME_ZONE
    label = f"{zone} ({settings.TIME_ZONES.get(zone, zone)})"
    try:
        zones = {
            provinsi_time_zone(kode[:2])
            for kode in Wilayah.objects.filter(level=Level.KABUPATEN).values_list("kode", flat=True)
        }
    except DatabaseError:  # no database or no wilayah table yet: nothing to compare with
        zones = set()
    others = sorted(zones - {zone})
    if not others:
        return _ok(name, label)
    return _warning(
        name,
        _("%(zone)s, but the wilayah loaded lie in %(others)s")
        % {"zone": label, "others": ", ".join(others)},
        _("Set KAMPUNGKB_TIME_ZONE to the kabupaten's own zone, then restart the services."),
    )


def check_admin() -> Check:
    name = _("Admin Kabupaten")
    admins = User.objects.filter(role=Role.ADMIN_KABUPATEN, is_active=True).count()
    if not admins:
        return _missing(
            name,
            _("nobody can manage the kabupaten yet"),
            _("Create the first one (deploy/README.md, 'The first admin')."),
        )
    return _ok(name, _("%(n)d active") % {"n": admins})


def check_worker(now: datetime.datetime | None = None) -> Check:
    name = _("Background worker")
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        return _warning(
            name,
            _("tasks run inside the web requests (%(backend)s)") % {"backend": backend},
            _("Remove KAMPUNGKB_TASKS_IMMEDIATE and run kampungkb db_worker."),
        )
    now = now or timezone.now()
    waiting = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=now - datetime.timedelta(minutes=WORKER_WAIT_MINUTES))
        .count()
    )
    if waiting:
        return _missing(
            name,
            _("%(n)d task(s) waiting for more than %(minutes)d minutes")
            % {"n": waiting, "minutes": WORKER_WAIT_MINUTES},
            _("Start it: systemctl enable --now kampungkb-worker"),
        )
    last = (
        DBTaskResult.objects.exclude(started_at=None)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if last is None or last < now - datetime.timedelta(hours=WORKER_QUIET_HOURS):
        return _warning(
            name,
            _("no task has run in %(hours)d hours") % {"hours": WORKER_QUIET_HOURS},
            _(
                "Check that kampungkb-worker runs (systemctl status kampungkb-worker); on a "
                "new installation it has had nothing to do yet."
            ),
        )
    return _ok(name, _("last task started %(when)s") % {"when": _since(now - last)})


#: How long past its period a row may wait for the daily housekeeping before it is late.
HOUSEKEEPING_SLACK = datetime.timedelta(days=2)


def check_housekeeping(now: datetime.datetime | None = None) -> Check:
    name = _("Housekeeping")
    periods = {
        "KAMPUNGKB_TASK_RESULT_RETENTION_DAYS": task_result_retention_days(),
        "KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS": login_log_retention_days(),
    }
    for setting, days in periods.items():
        if days < 1:
            return _missing(
                name,
                _("%(setting)s is %(days)d") % {"setting": setting, "days": days},
                _("Set it to 1 or more, or leave it unset."),
            )
    # Rows left well past their period: the daily `kampungkb housekeeping` does not run.
    late = (now or timezone.now()) - HOUSEKEEPING_SLACK
    day = datetime.timedelta(days=1)
    left = [
        what
        for what, rows in (
            (_("uploads"), Upload.objects.filter(created_at__lt=late - retention_days() * day)),
            (
                _("finished background tasks"),
                DBTaskResult.objects.finished().filter(
                    finished_at__lt=late - task_result_retention_days() * day
                ),
            ),
            (_("expired sessions"), Session.objects.filter(expire_date__lt=late)),
        )
        if rows.exists()
    ]
    if left:
        return _warning(
            name,
            _("kept past their period: %(what)s") % {"what": ", ".join(left)},
            _(
                "kampungkb housekeeping does not run: systemctl enable --now "
                "kampungkb-purge.timer (deploy/README.md, 'Housekeeping')."
            ),
        )
    return _ok(
        name,
        _(
            "finished background tasks are removed after %(tasks)d days, login records after "
            "%(logins)d days"
        )
        % {
            "tasks": periods["KAMPUNGKB_TASK_RESULT_RETENTION_DAYS"],
            "logins": periods["KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS"],
        },
    )


def _since(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(n)d minutes ago") % {"n": minutes}
    return _("%(n)d hours ago") % {"n": minutes // 60}


def check_pdf() -> Check:
    name = _("PDF reports")
    try:
        import weasyprint  # noqa: F401 (loads Pango)
    except OSError as exc:
        return _missing(
            name,
            _("WeasyPrint cannot load Pango: %(error)s") % {"error": str(exc).splitlines()[0]},
            _("Install: apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"),
        )
    return _ok(name, _("WeasyPrint and Pango available; Chromium is not needed on a server"))


CONFIGURATION = (
    check_mode,
    check_secret_key,
    check_allowed_hosts,
    check_https,
    check_proxy_count,
    check_upload_retention,
)
# With the name each is reported under when the database cannot be reached.
WITH_DATABASE = (
    (check_migrations, gettext_noop("Migrations")),
    (check_wilayah, gettext_noop("Wilayah")),
    (check_admin, gettext_noop("Admin Kabupaten")),
    (check_worker, gettext_noop("Background worker")),
    (check_housekeeping, gettext_noop("Housekeeping")),
)
AFTER = (check_time_zone, check_static_files, check_folders, check_pdf)


def install_checks() -> list[Check]:
    """Every check, in the order a deployer fixes them; those that need the database are
    reported as missing, unchecked, when it cannot be reached."""
    checks = [check() for check in CONFIGURATION]
    database = check_database()
    checks.append(database)
    for check, name in WITH_DATABASE:
        if database.status == MISSING:
            checks.append(_missing(_(name), _("not checked"), _("Fix the database first.")))
            continue
        try:
            checks.append(check())
        except DatabaseError:  # its tables are not there yet
            checks.append(_missing(_(name), _("cannot be read"), _("Run: kampungkb migrate")))
    checks += [check() for check in AFTER]
    return checks
