"""``kampungkb housekeeping``: what a year of running piles up is removed after its period,
on both sides of each cutoff, with real rows and real files; the audit trail never."""

import datetime
import io
import os

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kampungkb.core.housekeeping import (
    login_attempts_prune,
    login_logs_prune,
    sessions_prune,
    task_results_prune,
)
from kampungkb.core.models import AuditEntry
from kampungkb.growth.importing.uploads import imports_dir, upload_store
from kampungkb.growth.jobs.files import exports_dir
from kampungkb.growth.models import FileJob, JobKind, JobStatus, Upload

DAY = datetime.timedelta(days=1)


def _ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


def _task(status: str, *, started=None, finished=None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kampungkb.analytics.tasks.analytics_refresh",
        backend_name="default",
        queue_name="default",
        run_after=started or timezone.now(),
        started_at=started,
        finished_at=finished,
    )


@pytest.fixture
def tasks(db):
    """Tasks on both sides of the 30 days (and some that must stay whatever their age)."""
    return {
        "done_old": _task("SUCCESSFUL", started=_ago(days=31), finished=_ago(days=30, hours=1)),
        "done_new": _task("SUCCESSFUL", started=_ago(days=30), finished=_ago(days=29, hours=23)),
        "failed_old": _task("FAILED", started=_ago(days=40), finished=_ago(days=40)),
        "failed_new": _task("FAILED", started=_ago(days=2), finished=_ago(days=2)),
        # Started long ago and never ended: its worker was killed.
        "lost": _task("RUNNING", started=_ago(days=31)),
        "running": _task("RUNNING", started=_ago(minutes=5)),
        # Waiting for a worker (none ran for weeks): it still runs when one comes.
        "waiting": _task("READY", started=None),
    }


def test_finished_task_results_go_after_their_period_waiting_and_running_ones_stay(tasks):
    DBTaskResult.objects.filter(pk=tasks["waiting"].pk).update(enqueued_at=_ago(days=90))
    assert task_results_prune(days=30, dry_run=True) == 3
    assert DBTaskResult.objects.count() == 7
    assert task_results_prune(days=30) == 3
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {tasks[k].pk for k in ("done_new", "failed_new", "running", "waiting")}
    assert task_results_prune(days=30) == 0


def test_the_task_result_period_is_a_setting(tasks, settings):
    settings.KAMPUNGKB_TASK_RESULT_RETENTION_DAYS = 1
    assert task_results_prune() == 5  # those of 29 and 2 days go too


def _session(expires: datetime.datetime) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=expires)
    return store.session_key


def test_expired_sessions_go_live_ones_stay(db):
    expired, live = _session(_ago(seconds=1)), _session(_ago(seconds=-60))
    assert sessions_prune() == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live]
    assert expired != live and sessions_prune() == 0


def _aged(model, when, **fields):
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(attempt_time=when)  # auto_now_add
    return row


def test_login_records_go_after_their_period_and_attempts_after_their_cool_off(db, settings):
    settings.AXES_COOLOFF_TIME = 1  # hours
    who = {"username": "kader", "ip_address": "10.0.0.1", "user_agent": "x"}
    _aged(AccessLog, _ago(days=91), **who)
    recent_log = _aged(AccessLog, _ago(days=89), **who)
    _aged(AccessFailureLog, _ago(days=91), **who)
    recent_failure = _aged(AccessFailureLog, _ago(days=89), **who)
    attempt = {**who, "get_data": "", "post_data": "", "http_accept": "", "path_info": "/"}
    _aged(AccessAttempt, _ago(minutes=61), failures_since_start=3, **attempt)
    # A lockout running now: its failures still count.
    running = _aged(
        AccessAttempt, _ago(minutes=59), failures_since_start=5, **{**attempt, "username": "b"}
    )
    assert login_logs_prune(days=90) == 2
    assert list(AccessLog.objects.all()) == [recent_log]
    assert list(AccessFailureLog.objects.all()) == [recent_failure]
    assert login_attempts_prune() == 1
    assert list(AccessAttempt.objects.all()) == [running]
    assert login_logs_prune(days=90) == 0 and login_attempts_prune() == 0


def _job(user, *, status: str, created: datetime.datetime, content: bytes | None) -> FileJob:
    job = FileJob.objects.create(kind=JobKind.EXPORT_MEASUREMENTS, requested_by=user)
    fields = {"status": status, "created_at": created, "started_at": created}
    if content is not None:
        exports_dir().mkdir(parents=True, exist_ok=True)
        fields["file_name"] = f"{job.pk:032d}.xlsx"
        (exports_dir() / fields["file_name"]).write_bytes(content)
    FileJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def _upload(user, name: str, content: bytes, *, days: float) -> Upload:
    upload = upload_store(user=user, upload=SimpleUploadedFile(name, content))
    when = _ago(days=days)
    Upload.objects.filter(pk=upload.pk).update(created_at=when)
    path = imports_dir() / f"{upload.sha256}.{upload.ext}"
    os.utime(path, (when.timestamp(), when.timestamp()))
    return upload


@pytest.fixture
def a_year(users, settings, tmp_path, tasks):
    """A server's leftovers, each on both sides of its cutoff."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS = 3
    user = users["admin"]
    _upload(user, "lama.xlsx", b"old NIKs", days=3.1)
    _upload(user, "baru.xlsx", b"new NIKs", days=2.9)
    _job(user, status=JobStatus.DONE, created=_ago(days=3, minutes=1), content=b"old")
    _job(user, status=JobStatus.DONE, created=_ago(days=2, hours=23), content=b"new")
    _session(_ago(hours=1))
    _session(_ago(hours=-1))
    _aged(AccessLog, _ago(days=100), username="kader", ip_address="10.0.0.1", user_agent="")
    return user


def _state():
    return {
        "uploads": sorted(Upload.objects.values_list("file_name", flat=True)),
        "imports": sorted(p.name for p in imports_dir().iterdir()),
        "jobs": FileJob.objects.count(),
        "exports": sorted(p.name for p in exports_dir().iterdir()),
        "tasks": DBTaskResult.objects.count(),
        "sessions": Session.objects.count(),
        "logins": AccessLog.objects.count(),
    }


def test_housekeeping_removes_what_is_past_its_period_says_so_and_keeps_the_audit_trail(a_year):
    audit = set(AuditEntry.objects.values_list("pk", flat=True))
    assert audit  # the uploads' creation
    before = _state()
    out = io.StringIO()
    call_command("housekeeping", "--dry-run", stdout=out)
    assert _state() == before
    assert "Akan dihapus / would remove: 1 unggahan / uploads" in out.getvalue()

    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    text = out.getvalue()
    for line in (
        "Dihapus / removed: 1 unggahan / uploads, lebih lama dari / older than 3 hari / days.",
        "Dihapus / removed: 1 berkas unggahan / upload files, lebih lama dari / older than 3",
        "Dihapus / removed: 1 ekspor / exports, lebih lama dari / older than 3 hari / days.",
        "Dihapus / removed: 1 berkas ekspor / export files, lebih lama dari / older than 3",
        "Dihapus / removed: 3 hasil tugas latar / background task results, lebih lama dari / "
        "older than 30 hari / days.",
        "Dihapus / removed: 1 sesi kedaluwarsa / expired sessions.",
        "Dihapus / removed: 1 catatan login / login records, lebih lama dari / older than 90",
    ):
        assert line in text, text
    after = _state()
    assert after["uploads"] == ["baru.xlsx"] and len(after["imports"]) == 1
    assert after["jobs"] == 1 and len(after["exports"]) == 1
    assert (after["tasks"], after["sessions"], after["logins"]) == (4, 1, 0)
    # The audit trail lost nothing (the purge adds its own DELETE entries).
    assert audit <= set(AuditEntry.objects.values_list("pk", flat=True))

    # Idempotent: a second run finds nothing more.
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    assert _state() == after
    counts = [line.split(":")[1].split()[0] for line in out.getvalue().splitlines()]
    assert counts and set(counts) == {"0"}


def test_housekeeping_leaves_an_old_job_its_worker_is_still_writing(a_year, settings):
    settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS = 0  # everything is old enough
    running = _job(a_year, status=JobStatus.RUNNING, created=_ago(minutes=10), content=None)
    writing = exports_dir() / "abcdef.xlsx.part"
    writing.write_bytes(b"half")
    call_command("housekeeping", stdout=io.StringIO())
    assert list(FileJob.objects.all()) == [running]
    assert [p.name for p in exports_dir().iterdir()] == [writing.name]
