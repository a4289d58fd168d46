"""Django settings for kampungkb.

Everything that differs between a demo laptop and a district server comes from the
environment:

- ``KAMPUNGKB_DEMO=1``: the local demo (plain HTTP, a secret key generated into ``var/``,
  static files served from the apps). Never set it on a server that faces a network.
- ``KAMPUNGKB_DEBUG=1``: Django's debug pages (a developer's machine only; the demo shows the
  product's own error pages).
- ``KAMPUNGKB_DEMO_CHILDREN``: how many synthetic children ``seed_demo`` creates (8000).
- ``KAMPUNGKB_SECRET_KEY``: required outside the demo.
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/kampungkb``; SQLite under ``var/``
  when unset.
- ``KAMPUNGKB_ALLOWED_HOSTS``: comma-separated host names (outside the demo).
- ``KAMPUNGKB_VAR_DIR``: where the SQLite file, secret key, uploads and static files live.
- ``KAMPUNGKB_UPLOAD_RETENTION_DAYS``: days an uploaded import file is kept (default 3).
- ``KAMPUNGKB_TASK_RESULT_RETENTION_DAYS`` (30), ``KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS`` (90):
  days ``kampungkb housekeeping`` keeps finished background tasks and login records.
- ``KAMPUNGKB_IMPORT_MAX_ROWS`` (default 250000), ``KAMPUNGKB_IMPORT_MAX_COLUMNS`` (200),
  ``KAMPUNGKB_IMPORT_MAX_UNCOMPRESSED_MB`` (1024: a csv's size, an xlsx's parts unpacked):
  an imported file past one of them is refused with a message naming it.
  ``KAMPUNGKB_IMPORT_PARSE_MEMORY_MB`` (1024) and ``KAMPUNGKB_IMPORT_PARSE_SECONDS`` (60, CPU
  time; twice that on the clock): the memory and time of the child process that reads it.
- ``KAMPUNGKB_PROXY_COUNT``: reverse proxies in front of the app (default 1 outside the demo,
  0 in it); the client's address is read from ``X-Forwarded-For`` accordingly.
- ``KAMPUNGKB_TIME_ZONE``: the installation's time zone, one of Indonesia's three:
  ``Asia/Jakarta`` (WIB, the default), ``Asia/Makassar`` (WITA), ``Asia/Jayapura`` (WIT). It
  decides what "today" is (a measurement dated today is not in the future) and the times shown.
- ``KAMPUNGKB_SUMMARY_REFRESH_DELAY``: seconds the analytics refresh waits after a change, so
  that the changes of those seconds share one rebuild (default 120; 0: at once).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _default_var_dir() -> Path:
    # In a source checkout (src layout) keep runtime files beside the code, in ./var;
    # an installed copy keeps them in the user's data directory.
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.home() / ".local" / "share" / "kampungkb"


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


VAR_DIR = Path(os.environ.get("KAMPUNGKB_VAR_DIR") or _default_var_dir())
DEMO = _env_flag("KAMPUNGKB_DEMO")
DEBUG = _env_flag("KAMPUNGKB_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("KAMPUNGKB_SECRET_KEY", "").strip()
    if key:
        return key
    if not DEMO:
        # One line in both languages: the `kampungkb` command prints it as it is.
        raise ImproperlyConfigured(
            "KAMPUNGKB_SECRET_KEY belum diisi: isi di environment, atau untuk demo lokal pakai "
            "KAMPUNGKB_DEMO=1 / KAMPUNGKB_SECRET_KEY is not set: set it in the environment, "
            "or for the local demo use KAMPUNGKB_DEMO=1."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "KAMPUNGKB_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEMO or DEBUG else ""
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    # Before django_tasks_db: core's `db_worker` (which outlasts a busy database) replaces
    # django-tasks-db's command of the same name.
    "kampungkb.core",
    "django_tasks",
    "django_tasks_db",
    "kampungkb.accounts",
    "kampungkb.wilayah",
    "kampungkb.growth",
    "kampungkb.families",
    "kampungkb.analytics",
    "kampungkb.convergence",
    "kampungkb.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files keep their own (long) caching.
    "kampungkb.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kampungkb.core.middleware.IndonesianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A view that met a busy database answers 503 "try again", not a server error.
    "kampungkb.core.middleware.DatabaseBusyMiddleware",
    # A write the database refused for a key taken meanwhile answers 409 "look again".
    "kampungkb.core.middleware.WriteConflictMiddleware",
    # Before CSRF, whose check reads the form: an oversized body is refused unread.
    "kampungkb.core.middleware.RequestBodyLimitMiddleware",
    # A NUL in the path, query, cookies or form is refused (400) before a query sees it.
    "kampungkb.core.middleware.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kampungkb.core.middleware.LoginRequiredByDefaultMiddleware",
    # Axes must be last: it turns a lockout raised during authentication into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kampungkb.config.urls"
WSGI_APPLICATION = "kampungkb.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kampungkb.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kampungkb.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while an import writes; IMMEDIATE avoids lock upgrades
    # failing half-way through a transaction. The WAL file keeps the size of the largest
    # write since the server started (a 250,000-row import: hundreds of MB) unless limited:
    # past a checkpoint it is cut back to 64 MB.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA journal_size_limit=67108864;"
            ),
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for another's write lock before giving up (a 503 page,
            # exit code 2); an import holds it only while it writes.
            "timeout": float(os.environ.get("KAMPUNGKB_SQLITE_TIMEOUT", "20")),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock a username out for an hour after 5 failed logins, from whatever addresses they came, and
# an address after 20 failures across usernames (an office shares one address, so its limit is
# higher). See kampungkb.accounts.lockout.
AXES_FAILURE_LIMIT = 5
KAMPUNGKB_LOGIN_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "kampungkb.accounts.lockout.LoginLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "kampungkb.accounts.lockout.throttled_address"
AXES_USERNAME_CALLABLE = "kampungkb.accounts.lockout.attempted_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of the app (nginx: 1). The login address is then read from
# X-Forwarded-For; without it every login would share the proxy's address and the address
# limit would lock everyone out together.
KAMPUNGKB_PROXY_COUNT = int(os.environ.get("KAMPUNGKB_PROXY_COUNT", "0" if DEMO else "1"))

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
#: Indonesia's time zones: WIB, WITA, WIT. A kabupaten in WITA or WIT set to WIB refused a
#: weighing dated today before 01:00 or 02:00 (its "today" was still yesterday in Jakarta)
#: and showed every time an hour or two off.
TIME_ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
TIME_ZONE = os.environ.get("KAMPUNGKB_TIME_ZONE", "").strip() or "Asia/Jakarta"
if TIME_ZONE not in TIME_ZONES:
    raise ImproperlyConfigured(
        f"KAMPUNGKB_TIME_ZONE={TIME_ZONE!r}: use one of "
        + ", ".join(f"{zone} ({name})" for zone, name in TIME_ZONES.items())
    )
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Served from the app folders without collectstatic while developing or testing.
WHITENOISE_USE_FINDERS = DEBUG or DEMO
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent with every page (core.middleware.SecurityHeadersMiddleware): scripts, styles, fonts and
# images only from this site (the vendored files), no inline script, no eval (Vega runs its
# expression interpreter, see core/static/core/charts.js), no inline <style>; data: images for
# Bootstrap's icons; no plugins, no framing, forms post only here.
# No style="" attributes either: widths are classes in core/static/core/app.css, and bars are
# sized through the CSSOM from data-width-percent (core/static/core/app.js).
KAMPUNGKB_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The largest file a page takes, unless its view says otherwise (core.middleware.upload_limit;
# the e-PPGBM import takes 50 MB): a larger body is refused from its Content-Length, unread.
# The front server must refuse what is larger still (README, "Security").
KAMPUNGKB_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An uploaded e-PPGBM file (full NIKs, names, mothers' names) is kept this many days for its
# preview and save, then removed with its upload record by `kampungkb housekeeping` (daily)
# and `kampungkb purge_uploads` (queued to the worker after each upload and save). A committed
# import keeps its ImportBatch and audit entries, not the file.
KAMPUNGKB_UPLOAD_RETENTION_DAYS = int(os.environ.get("KAMPUNGKB_UPLOAD_RETENTION_DAYS", "3"))
# `kampungkb housekeeping` (the daily kampungkb-purge timer) removes, besides old uploads and
# exports, the results of background tasks finished this many days ago (the worker's table
# grows by one row per refresh, export and purge; check_install reads the last day's), expired
# sessions, and the login records (usernames, addresses) older than the login log's period.
# The audit trail is never removed.
KAMPUNGKB_TASK_RESULT_RETENTION_DAYS = int(
    os.environ.get("KAMPUNGKB_TASK_RESULT_RETENTION_DAYS", "30")
)
KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS = int(os.environ.get("KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS", "90"))
# An imported file is read by a child process within these (growth/importing/limits.py).
KAMPUNGKB_IMPORT_MAX_ROWS = int(os.environ.get("KAMPUNGKB_IMPORT_MAX_ROWS", "250000"))
KAMPUNGKB_IMPORT_MAX_COLUMNS = int(os.environ.get("KAMPUNGKB_IMPORT_MAX_COLUMNS", "200"))
KAMPUNGKB_IMPORT_MAX_UNCOMPRESSED_MB = int(
    os.environ.get("KAMPUNGKB_IMPORT_MAX_UNCOMPRESSED_MB", "1024")
)
KAMPUNGKB_IMPORT_PARSE_MEMORY_MB = int(os.environ.get("KAMPUNGKB_IMPORT_PARSE_MEMORY_MB", "1024"))
KAMPUNGKB_IMPORT_PARSE_SECONDS = int(os.environ.get("KAMPUNGKB_IMPORT_PARSE_SECONDS", "60"))

if not DEMO:
    # A real deployment sits behind HTTPS (usually a reverse proxy that sets this header).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_flag("KAMPUNGKB_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("KAMPUNGKB_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("KAMPUNGKB_CSRF_TRUSTED_ORIGINS", "").split(",") if o
    ]

# Background work (analytics refresh after imports and edits) runs through Django's tasks API
# with a database queue: no broker to operate on a district server. Run `kampungkb db_worker`
# beside the web server (`make demo` starts one); the tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if _env_flag("KAMPUNGKB_TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Seconds a summaries' refresh waits after the change that asked for it, so that the changes
# of those seconds share one rebuild (with a queue that can wait: the worker's database queue;
# the tests' immediate backend refreshes at once). The pages say the figures are behind only
# after KAMPUNGKB_SUMMARY_STALE_MINUTES.
KAMPUNGKB_SUMMARY_REFRESH_DELAY = int(os.environ.get("KAMPUNGKB_SUMMARY_REFRESH_DELAY", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The wilayah data set loaded when `kampungkb load_wilayah` is called without arguments.
KAMPUNGKB_DEFAULT_WILAYAH = PACKAGE_DIR / "wilayah" / "data" / "beltim"
# The province installation's wilayah (load_wilayah --provinsi, seed_demo --province).
KAMPUNGKB_PROVINCE_WILAYAH = PACKAGE_DIR / "wilayah" / "data" / "babel"
# The size of the synthetic demo (`seed_demo`).
KAMPUNGKB_DEMO_CHILDREN = int(os.environ.get("KAMPUNGKB_DEMO_CHILDREN", "8000"))
# The size of the province demo (`seed_demo --province`): children under five at any month
# across the province (57,000: about 80,000 children and 1,100,000 measurements).
KAMPUNGKB_DEMO_PROVINCE_CHILDREN = int(os.environ.get("KAMPUNGKB_DEMO_PROVINCE_CHILDREN", "57000"))
