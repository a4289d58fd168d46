"""``kampungkb check_install``: what a server still lacks, and an exit code to stop on."""

import datetime
import os
import secrets
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kampungkb.accounts.models import Role
from kampungkb.site import install_checks
from kampungkb.site.install_checks import MISSING, OK, WARNING

KAMPUNGKB = shutil.which("kampungkb", path=str(Path(sys.executable).parent))
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run(**kwargs) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("check_install", stdout=out, **kwargs)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_test_settings_are_no_server(make_user, settings, tmp_path):
    """The tests run as the demo does: the report names each thing a server would lack."""
    settings.STATIC_ROOT = tmp_path / "static"
    make_user(Role.ADMIN_KABUPATEN, "19.06")
    report, code = _run()
    assert code == 1
    lines = report.splitlines()
    missing = [line for line in lines if line.startswith("[KURANG]")]
    assert [line.split(":")[0].split("]")[1].strip() for line in missing] == [
        "Mode",
        "Kunci rahasia",
        "Nama host",
        "HTTPS",
        "Berkas statis",
    ]
    words = _words(report)
    assert "KAMPUNGKB_DEMO menyala" in words
    assert "-> Hapus KAMPUNGKB_DEMO dari environment server." in words  # what to do
    assert "-> Jalankan: kampungkb collectstatic --noinput" in words
    assert "[OK] Wilayah: 1 kabupaten, 39 desa" in words
    assert "[OK] Admin Kabupaten: 1 aktif" in words
    assert "[PERINGATAN] Basis data: sqlite" in words or "[OK] Basis data: PostgreSQL" in words
    assert "[PERINGATAN] Proses latar belakang: tugas dijalankan di dalam permintaan web" in words


def test_english_on_request(settings, tmp_path, db):
    settings.STATIC_ROOT = tmp_path
    report, code = _run(language="en")
    assert code == 1
    words = _words(report)
    assert "[MISSING] Mode: KAMPUNGKB_DEMO is on" in words
    assert "[MISSING] Secret key: a throwaway key of the tests or of the help is used" in words


def test_what_a_complete_installation_reports(settings, tmp_path, make_user, monkeypatch):
    monkeypatch.setenv("KAMPUNGKB_SECRET_KEY", "k" + secrets.token_urlsafe(50))
    settings.SECRET_KEY = os.environ["KAMPUNGKB_SECRET_KEY"]
    settings.DEMO = False
    settings.ALLOWED_HOSTS = ["kampungkb.example.go.id"]
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.KAMPUNGKB_PROXY_COUNT = 1
    settings.TASKS = DB_TASKS
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    tmp_path.chmod(0o750)
    make_user(Role.ADMIN_KABUPATEN, "19.06")
    _task(started=timezone.now() - datetime.timedelta(minutes=5))

    checks = install_checks.install_checks()
    not_ok = {c.name: c.status for c in checks if c.status != OK}
    # The test database is SQLite unless DATABASE_URL says PostgreSQL.
    assert not_ok in ({}, {"Basis data": WARNING})
    report, code = _run()
    assert code == 0
    assert "Semua yang wajib sudah ada" in report


def _task(*, status="SUCCESSFUL", enqueued=None, started=None):
    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kampungkb.analytics.tasks.analytics_refresh",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - datetime.timedelta(hours=1),
        started_at=started,
        finished_at=started,
    )
    if enqueued is not None:
        DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued)
    return task


def test_the_worker_check(db, settings):
    settings.TASKS = DB_TASKS
    now = timezone.now()
    check = install_checks.check_worker()
    assert (check.status, check.essential) == (WARNING, False)
    assert check.detail == "tidak ada tugas yang berjalan dalam 24 jam terakhir"

    _task(started=now - datetime.timedelta(hours=3))
    check = install_checks.check_worker()
    assert (check.status, check.detail) == (OK, "tugas terakhir mulai 3 jam lalu")

    # A task waiting longer than 10 minutes: nobody takes them.
    _task(status="READY", enqueued=now - datetime.timedelta(minutes=11))
    check = install_checks.check_worker()
    assert (check.status, check.essential) == (MISSING, True)
    assert "1 tugas menunggu lebih dari 10 menit" in check.detail
    assert "systemctl enable --now kampungkb-worker" in check.advice


def test_the_wilayah_and_admin_checks(no_wilayah):
    assert install_checks.check_wilayah().status == MISSING
    assert install_checks.check_admin().status == MISSING


@pytest.mark.parametrize(
    ("count", "status"), [(0, MISSING), (1, OK), (2, WARNING), (-1, MISSING)], ids=str
)
def test_the_proxy_count_agrees_with_the_https_proxy(settings, count, status):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.KAMPUNGKB_PROXY_COUNT = count
    assert install_checks.check_proxy_count().status == status


def test_a_var_folder_open_to_everyone_is_a_warning(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    tmp_path.chmod(0o755)
    check = install_checks.check_folders()
    assert check.status == WARNING and "chmod 750" in check.advice
    tmp_path.chmod(0o711)  # others may pass through to static/, not list or read
    assert install_checks.check_folders().status == OK
    tmp_path.chmod(0o500)
    if os.access(tmp_path, os.W_OK):  # root writes anywhere: nothing to test then
        return
    assert install_checks.check_folders().status == MISSING


def _server_env(tmp_path, **extra) -> dict:
    """A server's environment: no demo, its own secret key and host names; a SQLite file in
    a fresh var folder."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "KAMPUNGKB_VAR_DIR": str(tmp_path / "var"),
        "KAMPUNGKB_SECRET_KEY": secrets.token_urlsafe(50),
        "KAMPUNGKB_ALLOWED_HOSTS": "kampungkb.example.go.id",
    }
    (tmp_path / "var").mkdir(mode=0o750)
    return {**env, **extra}


def _check_install(env, *args):
    return subprocess.run(
        [KAMPUNGKB, "check_install", *args],
        env=env,
        cwd=env["HOME"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_new_server_is_told_what_is_missing(tmp_path):
    out = _check_install(_server_env(tmp_path))
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    statuses = {
        line.split("]")[1].split(":")[0].strip(): line[1 : line.index("]")]
        for line in out.stdout.splitlines()
        if line.startswith("[")
    }
    assert statuses == {
        "Mode": "OK",
        "Kunci rahasia": "OK",
        "Nama host": "OK",
        "HTTPS": "OK",
        "Proksi balik": "OK",
        "Retensi unggahan": "OK",
        "Basis data": "PERINGATAN",  # SQLite: fine for a trial
        "Migrasi": "KURANG",
        "Wilayah": "KURANG",  # no table yet
        "Admin Kabupaten": "KURANG",
        "Proses latar belakang": "KURANG",
        "Pemeliharaan rutin": "KURANG",  # no table yet
        "Zona waktu": "OK",  # nothing loaded to compare it with
        "Berkas statis": "KURANG",
        "Folder": "OK",
        "Laporan PDF": "OK",
    }
    assert "-> Jalankan: kampungkb migrate" in _words(out.stdout)
    assert "hal wajib belum ada" in out.stderr


def test_a_weak_key_or_the_demo_is_missing(tmp_path):
    env = _server_env(tmp_path, KAMPUNGKB_SECRET_KEY="pendek", KAMPUNGKB_PROXY_COUNT="0")
    out = _check_install(env, "--language", "en")
    assert out.returncode == 1
    words = _words(out.stdout)
    assert "[MISSING] Secret key: too short" in words
    assert "[MISSING] Reverse proxy: KAMPUNGKB_PROXY_COUNT is 0" in words
    demo = _check_install({**env, "KAMPUNGKB_DEMO": "1"}, "--language", "en")
    assert "[MISSING] Mode: KAMPUNGKB_DEMO is on" in _words(demo.stdout)
    assert "Secret key: too short" in _words(demo.stdout)


@pytest.mark.parametrize(
    ("days", "status", "said"),
    [
        (0, MISSING, "unggahan akan terhapus sebelum disimpan"),
        (3, OK, "dihapus setelah 3 hari"),
        (365, WARNING, "berisi NIK anak disimpan 365 hari"),
    ],
)
def test_the_upload_retention_is_checked(settings, days, status, said):
    """0 days (or less) removed an upload right after it was stored, before its preview could
    be saved; a year keeps children's NIK in files long after their import."""
    settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS = days
    check = install_checks.check_upload_retention()
    assert check.status == status and said in check.detail


def test_the_time_zone_is_checked_against_the_wilayah_loaded(settings, beltim):
    """Belitung Timur lies in WIB; the same installation set to WIT would take "today" and
    show every time two hours ahead of the kabupaten's clocks."""
    check = install_checks.check_time_zone()
    assert (check.status, check.detail) == (OK, "Asia/Jakarta (WIB)")
    settings.TIME_ZONE = "Asia/Jayapura"
    check = install_checks.check_time_zone()
    assert (check.status, check.essential) == (WARNING, False)
    assert check.detail == "Asia/Jayapura (WIT), tetapi wilayah yang dimuat berada di Asia/Jakarta"
    assert "KAMPUNGKB_TIME_ZONE" in check.advice


def test_housekeeping_that_does_not_run_is_a_warning(db, settings, make_user):
    """Nothing said the daily housekeeping never ran: its leftovers pile up unseen."""
    from django.contrib.sessions.models import Session

    from kampungkb.growth.models import Upload

    settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS = 3
    settings.KAMPUNGKB_TASK_RESULT_RETENTION_DAYS = 30
    check = install_checks.check_housekeeping()
    assert check.status == OK
    assert check.detail == (
        "tugas latar yang sudah selesai dihapus setelah 30 hari, catatan login setelah 90 hari"
    )
    now = timezone.now()
    day = datetime.timedelta(days=1)
    # Past their period, within the two days' slack of a daily timer: not late yet.
    _task(started=now - 31 * day)
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - day)
    user = make_user(Role.OPERATOR_DESA, "19.06.01.2002")
    upload = Upload.objects.create(
        sha256="b" * 64, ext="xlsx", uploaded_by=user, created_at=now - 4 * day
    )
    assert install_checks.check_housekeeping().status == OK
    _task(started=now - 33 * day)
    Session.objects.create(session_key="c" * 32, session_data="", expire_date=now - 3 * day)
    check = install_checks.check_housekeeping()
    assert (check.status, check.essential) == (WARNING, False)
    assert check.detail == (
        "disimpan melewati masa simpannya: tugas latar yang sudah selesai, sesi yang kedaluwarsa"
    )
    assert "kampungkb-purge.timer" in check.advice
    Upload.objects.filter(pk=upload.pk).update(created_at=now - 6 * day)
    assert "unggahan, tugas latar" in install_checks.check_housekeeping().detail
    call_command("housekeeping", stdout=StringIO())
    assert install_checks.check_housekeeping().status == OK


@pytest.mark.parametrize(
    "setting", ["KAMPUNGKB_TASK_RESULT_RETENTION_DAYS", "KAMPUNGKB_LOGIN_LOG_RETENTION_DAYS"]
)
def test_a_housekeeping_period_under_a_day_is_missing(db, settings, setting):
    setattr(settings, setting, 0)
    check = install_checks.check_housekeeping()
    assert (check.status, check.detail) == (MISSING, f"{setting} bernilai 0")
