"""An import keeps other writers waiting only while it writes (SQLite's write lock), two imports
of one file at once store it once, and a busy database is a message, never a traceback.

SQLite's locks need a database file that several processes open, as the web server, the
worker and a command do in production: these tests run ``kampungkb`` commands in separate
processes on a migrated file in a temporary KAMPUNGKB_VAR_DIR, and hold the write lock from
the test with ``BEGIN IMMEDIATE``. PostgreSQL's own test (two threads, two connections) runs
when the suite runs on PostgreSQL.
"""

import html
import http.cookiejar
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from kampungkb.core.database import BUSY_MESSAGE
from kampungkb.growth.importing.commit import measurements_import
from kampungkb.growth.models import Child, ImportBatch, Measurement
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.growth.conftest import days_ago

KAMPUNGKB = str(Path(sys.executable).parent / "kampungkb")
on_sqlite_files = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite's file locks (the suite runs on SQLite)"
)


def _env(var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        KAMPUNGKB_VAR_DIR=str(var_dir),
        KAMPUNGKB_DEMO="1",
        KAMPUNGKB_SECRET_KEY="tests-only-not-a-secret-" + "x" * 30,
        PYTHONWARNINGS="ignore",
    )
    env.update(extra)
    return env


def _run(var_dir: Path, *args, timeout: float = 180, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KAMPUNGKB, *args],
        env=_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory) -> Path:
    """A migrated SQLite file with Belitung Timur loaded, made once and copied per test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    for args in (("migrate", "-v0"), ("load_wilayah",)):
        done = _run(folder, *args)
        assert done.returncode == 0, done.stderr
    return folder / "kampungkb.sqlite3"


@pytest.fixture
def var_dir(tmp_path, migrated_file) -> Path:
    folder = tmp_path / "var"
    folder.mkdir()
    shutil.copy(migrated_file, folder / "kampungkb.sqlite3")
    (folder / "secret_key").write_text("tests-only-not-a-secret-" + "x" * 30)
    return folder


class WriteLock:
    """Another connection holding the database's write lock (as an import used to)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        self.db.execute("ROLLBACK")

    def count(self, table: str) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def _rows(eppgbm, n: int = 6, *, nik: bool = True):
    """``n`` children of Kurnia Jaya, each measured twice (half of them without a NIK, or all
    when not ``nik``: then no unique NIK stops a second copy of a child)."""
    rows = []
    for i in range(n):
        child = {
            "NIK": f"19060101012400{i:02d}" if i % 2 and nik else "",
            "Nama": f"Anak Kunci {i}",
            "Nama Ortu": f"Ibu Kunci {i}",
        }
        rows.append(eppgbm.row(**child, **{"Tanggal Pengukuran": days_ago(40)}))
        rows.append(eppgbm.row(**child, **{"Tanggal Pengukuran": days_ago(10), "Berat": "10,6"}))
    return rows


def _counts_line(**counts) -> str:
    base = dict.fromkeys(
        ("n_rows", "n_created", "n_updated", "n_unchanged", "n_rejected", "n_children_created"),
        0,
    )
    base.update(n_posyandu_created=0, n_puskesmas_created=0)
    base.update(counts)
    return (
        _(
            "rows: %(n_rows)d, new: %(n_created)d, updated: %(n_updated)d, "
            "unchanged: %(n_unchanged)d, rejected: %(n_rejected)d, "
            "new children: %(n_children_created)d, new posyandu: %(n_posyandu_created)d, "
            "new puskesmas: %(n_puskesmas_created)d"
        )
        % base
    )


@on_sqlite_files
def test_a_dry_run_runs_while_another_connection_holds_the_write_lock(var_dir, eppgbm):
    path = eppgbm.csv(_rows(eppgbm, 2))
    with WriteLock(var_dir / "kampungkb.sqlite3"):
        done = _run(
            var_dir, "import_measurements", "--dry-run", str(path), KAMPUNGKB_SQLITE_TIMEOUT="2"
        )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    expected = _counts_line(
        n_rows=4, n_created=4, n_children_created=2, n_posyandu_created=1, n_puskesmas_created=1
    )
    assert expected in done.stdout


@on_sqlite_files
def test_an_import_that_cannot_get_the_write_lock_says_so_and_exits_2(var_dir, eppgbm):
    path = eppgbm.csv(_rows(eppgbm, 2))
    with WriteLock(var_dir / "kampungkb.sqlite3") as lock:
        done = _run(var_dir, "import_measurements", str(path), KAMPUNGKB_SQLITE_TIMEOUT="1")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(BUSY_MESSAGE) in done.stderr
    assert lock.count("growth_measurement") == 0 and lock.count("growth_child") == 0


def _wait_for(process: subprocess.Popen, text: str) -> None:
    """Read the process's stderr until ``text`` (or its end: then fail with what it said)."""
    said = []
    for line in process.stderr:
        said.append(line)
        if text in line:
            return
    pytest.fail("".join(said))


@on_sqlite_files
def test_two_imports_of_one_file_at_once_store_it_once_with_no_traceback(var_dir, eppgbm):
    path = eppgbm.xlsx(_rows(eppgbm, 6))
    database = var_dir / "kampungkb.sqlite3"
    with WriteLock(database) as lock:
        imports = [
            subprocess.Popen(
                [KAMPUNGKB, "import_measurements", "-v2", str(path)],
                env=_env(var_dir, KAMPUNGKB_SQLITE_TIMEOUT="60"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _i in range(2)
        ]
        # Both read, matched and planned the whole file while the lock was held elsewhere:
        # planning takes no lock. Each now waits for the lock to write.
        for process in imports:
            _wait_for(process, _("Rows checked; saving..."))
    outputs = [process.communicate(timeout=120) for process in imports]
    for process, (_out, err) in zip(imports, outputs, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert lock.count("growth_measurement") == 12
    assert lock.count("growth_child") == 6
    assert lock.count("growth_posyandu") == 1 and lock.count("growth_importbatch") == 1
    first = _counts_line(
        n_rows=12, n_created=12, n_children_created=6, n_posyandu_created=1, n_puskesmas_created=1
    )
    # The second found the first's records when it got the lock, planned again, had nothing
    # left to write.
    second = _counts_line(n_rows=12, n_unchanged=12)
    stdout = sorted(out for out, _err in outputs)
    assert any(first in out for out in stdout) and any(second in out for out in stdout)


@on_sqlite_files
def test_the_worker_carries_on_after_the_database_was_locked(var_dir):
    enqueue = "from kampungkb.analytics.tasks import analytics_refresh; analytics_refresh.enqueue()"
    assert _run(var_dir, "shell", "-c", enqueue).returncode == 0
    with WriteLock(var_dir / "kampungkb.sqlite3") as lock:
        worker = subprocess.Popen(
            [KAMPUNGKB, "db_worker", "--batch", "--no-startup-delay", "--retry-base", "0.2"],
            env=_env(var_dir, KAMPUNGKB_SQLITE_TIMEOUT="0.2"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_for(worker, "Database unavailable")
    _out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    assert "Traceback" not in err
    status = lock.db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall()
    assert status == [("SUCCESSFUL",)]
    assert lock.count("analytics_summarystate") == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_on_postgresql_store_it_once(beltim, eppgbm):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs this in separate processes (above)")
    # Children without NIK and a posyandu already registered: no unique column would stop
    # a second copy of the file's records; only taking turns does.
    factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    path = eppgbm.xlsx(_rows(eppgbm, 6, nik=False))
    both_planned = threading.Barrier(2, timeout=60)
    results, errors = [], []

    first_plans = set()

    def wait_for_the_other(stage):
        # Only at each one's first plan: the second plans again once the first has written.
        if stage == "planned" and threading.get_ident() not in first_plans:
            first_plans.add(threading.get_ident())
            both_planned.wait()

    def run():
        try:
            results.append(measurements_import(user=None, path=path, progress=wait_for_the_other))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert Measurement.objects.count() == 12 and Child.objects.count() == 6
    assert ImportBatch.objects.count() == 1
    assert sorted((r.n_created, r.n_unchanged) for r in results) == [(0, 12), (12, 0)]


# --- the web pages, served by `kampungkb runserver` on the same file ----------------------


class Browser:
    """A plain HTTP client with cookies, posting forms with their CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post_form(self, path: str, form_page: str, data: dict) -> tuple[int, str]:
        status, page = self.request(form_page)
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(path, {"csrfmiddlewaretoken": token, **data})


@pytest.fixture
def served(var_dir, eppgbm):
    """The application on a free port over ``var_dir``'s database, with an Admin Kabupaten
    ("admin") whose upload of a two-child file waits for its save; yields (url, sha)."""
    path = eppgbm.csv(_rows(eppgbm, 2))
    setup = (
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "from kampungkb.accounts.models import User\n"
        "from kampungkb.growth.importing.uploads import upload_store\n"
        "u = User(username='admin', role='admin_kabupaten', wilayah_id='19.06')\n"
        f"u.set_password({factories.PASSWORD!r}); u.save()\n"
        f"f = SimpleUploadedFile('eppgbm.csv', open({str(path)!r}, 'rb').read())\n"
        "print(upload_store(user=u, upload=f).sha256)\n"
    )
    done = _run(var_dir, "shell", "-c", setup)
    assert done.returncode == 0, done.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [KAMPUNGKB, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=_env(var_dir, KAMPUNGKB_SQLITE_TIMEOUT="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _i in range(300):
            try:
                urllib.request.urlopen(base + "/akun/masuk/", timeout=1).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield base, done.stdout.split()[-1]
    finally:
        server.terminate()
        server.communicate(timeout=30)


@on_sqlite_files
def test_saving_an_import_while_the_database_is_locked_is_a_503_page_saying_try_again(
    served, var_dir
):
    base, sha = served
    browser = Browser(base)
    login = reverse("accounts:login")
    status, _page = browser.post_form(
        login, login, {"username": "admin", "password": factories.PASSWORD}
    )
    assert status == 200
    preview = reverse("growth:import_preview", args=[sha])
    # The preview is read before the lock is taken: showing it writes one audit entry (a read
    # of personal data), which, like any write, waits for a lock held this long.
    status, form = browser.request(preview)
    assert status == 200, form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    with WriteLock(var_dir / "kampungkb.sqlite3") as lock:
        status, page = browser.request(
            reverse("growth:import_commit", args=[sha]), {"csrfmiddlewaretoken": token}
        )
        assert lock.count("growth_measurement") == 0
    assert status == 503
    assert html.escape(str(BUSY_MESSAGE)) in page and preview in page
    # Once the lock is gone, the same save goes through.
    status, page = browser.post_form(reverse("growth:import_commit", args=[sha]), preview, {})
    assert status == 200 and lock.count("growth_measurement") == 4


@on_sqlite_files
def test_logging_in_while_the_database_is_locked_is_a_503_page_not_a_server_error(served, var_dir):
    base, _sha = served
    login = reverse("accounts:login")
    with WriteLock(var_dir / "kampungkb.sqlite3"):
        for password in ("wrong-password-123", factories.PASSWORD):
            status, page = Browser(base).post_form(
                login, login, {"username": "admin", "password": password}
            )
            assert status == 503, page
            assert html.escape(str(BUSY_MESSAGE)) in page
