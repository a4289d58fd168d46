"""Backup and restore of the whole database, and a digest to prove a round trip.

SQLite is copied through its online backup API (``sqlite3.Connection.backup``): a consistent
copy taken under a read lock, safe while the server and the worker run (WAL lets them keep
writing). PostgreSQL goes through ``pg_dump`` / ``pg_restore`` in their custom format, the
tools PostgreSQL itself supports across versions.

Each function takes a Django database settings dict (``settings.DATABASES[alias]``), not a
connection: the commands work on the configured database, the round-trip tests on a fresh one
they create. A backup is a file named with its UTC time; a restore refuses a database that
already holds tables unless told to overwrite it.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
SUFFIX = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
# The first bytes of each kind of file: a restore checks the file before touching anything.
MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
PREFIX = "kampungkb-"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str


def vendor_of(db: Mapping) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return SQLITE
    if engine.endswith(("postgresql", "postgis")):
        return POSTGRESQL
    raise BackupError(
        _("Backup supports SQLite and PostgreSQL, not %(engine)s.") % {"engine": engine}
    )


def backup_file_name(vendor: str, when: datetime.datetime) -> str:
    """``kampungkb-20261129T093000Z.sqlite3``: sorts by time, says what it holds."""
    stamp = when.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{PREFIX}{stamp}{SUFFIX[vendor]}"


def backup_create(
    *, db: Mapping, folder: Path, now: datetime.datetime | None = None, keep: int | None = None
) -> Path:
    """Write a backup of ``db`` into ``folder`` (made, readable by the owner only, when
    missing) and return its path; with ``keep``, remove this kind of backup beyond the
    ``keep`` newest afterwards. The file appears whole or not at all. Refuses a SQLite file
    that is not there and a database with no tables (a wrong path or name, not the
    server's database)."""
    vendor = vendor_of(db)
    if keep is not None and keep < 1:
        raise BackupError(_("--keep must be at least 1."))
    folder = Path(folder)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            _("Cannot make the backup folder %(path)s: %(error)s")
            % {"path": folder, "error": exc.strerror or exc}
        ) from exc
    if vendor == SQLITE:
        _sqlite_ensure_exists(db)
    else:
        _pg_tool("pg_dump")  # what to install, before anything connects
    if not table_names(db):
        # A wrong database (a path or name that differs from the server's): an empty backup,
        # and with --keep the real ones pruned for it.
        raise BackupError(
            _("The database %(name)s has no tables: nothing to back up. Check DATABASE_URL.")
            % {"name": db["NAME"]}
        )
    name = backup_file_name(vendor, now or datetime.datetime.now(datetime.UTC))
    path = folder / name
    n = 1
    while path.exists():  # two backups in the same second
        n += 1
        path = folder / name.replace(SUFFIX[vendor], f"-{n}{SUFFIX[vendor]}")
    part = path.with_name(path.name + ".part")
    try:
        # The copy holds children's NIK: owner only, from its first byte.
        os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        if vendor == SQLITE:
            _sqlite_copy(source=_sqlite_connect(db), target=sqlite3.connect(part), single_file=True)
        else:
            _run_pg(
                "pg_dump", db, ["--format=custom", "--no-owner", f"--file={part}"], with_db=True
            )
        os.replace(part, path)
    except OSError as exc:  # a folder the backup may not write, a full disk
        raise BackupError(
            _("Cannot write the backup into %(path)s: %(error)s")
            % {"path": folder, "error": exc.strerror or exc}
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
    if keep is not None:
        backups_prune(folder=folder, vendor=vendor, keep=keep)
    return path


#: A backup's unfinished file (``.part``) this long untouched was left by a backup that was
#: killed (a timeout, the OOM killer, the power): a running one writes it all the time.
STALE_PART = datetime.timedelta(hours=12)


def backups_prune(
    *, folder: Path, vendor: str, keep: int, now: datetime.datetime | None = None
) -> list[Path]:
    """Remove backups of ``vendor`` in ``folder`` beyond the ``keep`` newest, and the
    unfinished files of backups killed half-way (untouched for ``STALE_PART``: whole copies
    of the database that no rotation would ever see); return them, oldest backups first."""
    found = sorted(Path(folder).glob(f"{PREFIX}*{SUFFIX[vendor]}"), key=_backup_order)
    old = found[:-keep] if keep else found
    stale = (now or datetime.datetime.now(datetime.UTC)) - STALE_PART
    for part in sorted(Path(folder).glob(f"{PREFIX}*{SUFFIX[vendor]}.part")):
        with contextlib.suppress(FileNotFoundError):  # a backup that just finished
            if part.stat().st_mtime < stale.timestamp():
                old.append(part)
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _backup_order(path: Path) -> tuple[str, int]:
    """Oldest first: by the time in the name, then the same second's number (``-2``)."""
    stamp, _dash, n = path.name.removeprefix(PREFIX).split(".")[0].partition("-")
    return stamp, int(n) if n.isdigit() else 1


def backup_restore(*, db: Mapping, path: Path, force: bool = False) -> None:
    """Replace the contents of ``db`` with the backup at ``path``.

    Refuses (``BackupError``) a file that is not a backup of this kind of database (on
    SQLite: one without Django's migration table, another program's file), and a
    database that already has tables unless ``force``. On PostgreSQL the restore runs in one
    transaction: it lands whole or leaves the database as it was.
    """
    vendor = vendor_of(db)
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": path})
    with path.open("rb") as fh:
        head = fh.read(max(len(magic) for magic in MAGIC.values()))
    if not head.startswith(MAGIC[vendor]):
        other = next((v for v, magic in MAGIC.items() if head.startswith(magic)), None)
        if other:
            raise BackupError(
                _("%(path)s is a %(other)s backup; the configured database is %(vendor)s.")
                % {"path": path, "other": other, "vendor": vendor}
            )
        raise BackupError(_("%(path)s is not a kampungkb backup.") % {"path": path})
    if not force and table_names(db):
        raise BackupError(
            _(
                "The database %(name)s already has tables; restoring would overwrite them. "
                "Restore into an empty database, or add --force to overwrite it."
            )
            % {"name": db["NAME"]}
        )
    if vendor == SQLITE:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                source.close()
                raise BackupError(_("%(path)s is damaged (SQLite quick_check).") % {"path": path})
            # Another program's SQLite file (or an empty one) would replace every table.
            ours = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            source.close()
            raise BackupError(_("%(path)s is not a kampungkb backup.") % {"path": path}) from exc
        if ours is None:
            source.close()
            raise BackupError(_("%(path)s is not a kampungkb backup.") % {"path": path})
        # The backup API replaces every page of the target: tables the file lacks go too.
        _sqlite_copy(source=source, target=_sqlite_connect(db))
    else:
        args = ["--no-owner", "--single-transaction", "--exit-on-error"]
        if force:
            args += ["--clean", "--if-exists"]
        _run_pg("pg_restore", db, [*args, f"--dbname={db['NAME']}", str(path)], with_db=False)


def table_names(db: Mapping) -> list[str]:
    """The database's own tables (not the engine's catalogue), sorted."""
    with _connect(db) as (cursor, vendor):
        if vendor == SQLITE:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        else:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            )
        return [row[0] for row in cursor.fetchall()]


def database_digest(db: Mapping, *, batch: int = 5000) -> dict[str, TableDigest]:
    """Each table's row count and a SHA-256 of its rows in primary-key order.

    Two databases with the same digest hold the same rows with the same values, whatever
    order they were written in; one changed value, one row more or less changes it. Values
    are hashed as the database driver returns them, so compare two databases of one kind.
    """
    out = {}
    for table in table_names(db):
        with _connect(db) as (cursor, vendor):
            order = _primary_key(cursor, vendor, table) or _columns(cursor, vendor, table)
            quoted = ", ".join(_quote(c) for c in order)
            cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {quoted}")  # noqa: S608
            columns = [d[0] for d in cursor.description]
            sha = hashlib.sha256(repr(columns).encode())
            rows = 0
            while chunk := cursor.fetchmany(batch):
                for row in chunk:
                    sha.update(repr(tuple(row)).encode())
                    sha.update(b"\n")
                rows += len(chunk)
        out[table] = TableDigest(rows=rows, sha256=sha.hexdigest())
    return out


# --- engines -------------------------------------------------------------------------------


def _sqlite_connect(db: Mapping) -> sqlite3.Connection:
    name = str(db["NAME"])
    uri = name.startswith("file:")  # the test suite's shared in-memory database
    if name != ":memory:" and not uri and not Path(name).parent.is_dir():
        raise BackupError(_("No folder for the database file %(name)s.") % {"name": name})
    return sqlite3.connect(name, uri=uri, timeout=60)


def _sqlite_ensure_exists(db: Mapping) -> None:
    """Refuse a database file that is not there (connecting would make an empty one)."""
    name = str(db["NAME"])
    if name != ":memory:" and not name.startswith("file:") and not Path(name).is_file():
        raise BackupError(_("No database file at %(name)s.") % {"name": name})


def _sqlite_copy(
    *, source: sqlite3.Connection, target: sqlite3.Connection, single_file: bool = False
) -> None:
    """Copy every page in one step (pages=-1): one consistent snapshot under a read lock,
    which WAL lets writers work beside; a step-wise copy would restart on each write.
    ``single_file``: leave the copy in rollback-journal mode, one self-contained file (a WAL
    database needs its -shm file beside it even to be read)."""
    try:
        source.backup(target, pages=-1)
        if single_file:
            target.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(
            _("SQLite could not copy the database: %(error)s") % {"error": exc}
        ) from exc
    finally:
        target.close()
        source.close()


def _pg_env(db: Mapping) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _pg_tool(tool: str) -> str:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            _(
                "%(tool)s was not found. Install PostgreSQL's client tools of the server's "
                "version or newer (Debian/Ubuntu: apt install postgresql-client)."
            )
            % {"tool": tool}
        )
    return executable


def _run_pg(tool: str, db: Mapping, args: list[str], *, with_db: bool) -> None:
    executable = _pg_tool(tool)
    command = [executable, *args, *([f"--dbname={db['NAME']}"] if with_db else [])]
    done = subprocess.run(  # noqa: S603 - our arguments, no shell
        command, env=_pg_env(db), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit code %(code)d): %(error)s")
            % {"tool": tool, "code": done.returncode, "error": done.stderr.strip()[-2000:]}
        )


class _connect:
    """``with _connect(db) as (cursor, vendor)``: a plain DB-API connection of its own,
    outside Django's, so two databases can be read side by side."""

    def __init__(self, db: Mapping):
        self.db, self.vendor = db, vendor_of(db)

    def __enter__(self):
        if self.vendor == SQLITE:
            self.conn = _sqlite_connect(self.db)
        else:
            import psycopg

            env = _pg_env(self.db)
            try:
                self.conn = psycopg.connect(
                    dbname=self.db["NAME"],
                    host=env.get("PGHOST"),
                    port=env.get("PGPORT"),
                    user=env.get("PGUSER"),
                    password=env.get("PGPASSWORD"),
                    sslmode=env.get("PGSSLMODE"),
                )
            except psycopg.OperationalError as exc:
                raise BackupError(
                    _("Cannot connect to the database %(name)s: %(error)s")
                    % {"name": self.db["NAME"], "error": str(exc).strip()}
                ) from exc
        self.cursor = self.conn.cursor()
        return self.cursor, self.vendor

    def __exit__(self, *exc):
        self.cursor.close()
        self.conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _primary_key(cursor, vendor: str, table: str) -> list[str]:
    if vendor == SQLITE:
        cursor.execute(f"PRAGMA table_info({_quote(table)})")
        keyed = sorted((row[5], row[1]) for row in cursor.fetchall() if row[5])
        return [name for _n, name in keyed]
    cursor.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey, a.attnum)",
        [_quote(table)],
    )
    return [row[0] for row in cursor.fetchall()]


def _columns(cursor, vendor: str, table: str) -> list[str]:
    if vendor == SQLITE:
        cursor.execute(f"PRAGMA table_info({_quote(table)})")
        return [row[1] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]
