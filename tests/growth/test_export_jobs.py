"""Big e-PPGBM exports run in the background: a progress page, a download for the requester
only, an audit entry, and the file forgotten after the retention period."""

import datetime
import io
import os

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kampungkb.core.models import AuditAction, AuditEntry
from kampungkb.growth.importing.commit import measurements_import
from kampungkb.growth.importing.export import measurements_export_xlsx
from kampungkb.growth.jobs.files import exports_dir, file_job_path, file_jobs_purge
from kampungkb.growth.jobs.services import (
    file_job_claim,
    file_job_execute,
    measurements_export_request,
)
from kampungkb.growth.jobs.tasks import file_job_run, file_job_start
from kampungkb.growth.models import FileJob, JobStatus


@pytest.fixture
def stored(eppgbm, users, media_root):
    """Four measurements: three in Manggar (two desa), one in Gantung."""
    rows = [
        eppgbm.row(**{"Tanggal Pengukuran": "15/08/2025"}),
        eppgbm.row(**{"Tanggal Pengukuran": "15/09/2025"}),
        eppgbm.row(
            NIK="",
            Nama="Anak Tanpa NIK",
            JK="P",
            **{"Nama Ortu": "Ibu Dua", "Desa/Kel": "Lalang Jaya", "Posyandu": "Mawar"},
        ),
        eppgbm.row(
            NIK="1906020101240004",
            Nama="Anak Gantung",
            Kec="Gantung",
            Pukesmas="Puskesmas Gantung",
            **{"Desa/Kel": "Batu Penyu", "Tgl Lahir": "01/12/2022", "Cara Ukur": "Berdiri"},
        ),
    ]
    result = measurements_import(user=users["admin"], path=eppgbm.xlsx(rows))
    assert result.n_rejected == 0 and result.n_created == 4


@pytest.fixture
def in_background(settings):
    """Every export counts as big: it goes to the worker."""
    settings.KAMPUNGKB_EXPORT_SYNC_ROWS = 0


def _request(client, django_capture_on_commit_callbacks, *, run=True, **params):
    # The tests run tasks at once (ImmediateBackend) when the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=run):
        response = client.post(reverse("growth:export_xlsx"), params)
    assert response.status_code == 302, response.content[:300]
    return FileJob.objects.get(), response["Location"]


def test_a_big_export_goes_to_its_progress_page_and_is_downloaded_when_ready(
    client, users, stored, in_background, django_capture_on_commit_callbacks
):
    client.force_login(users["kecamatan"])
    job, location = _request(client, django_capture_on_commit_callbacks)
    assert location == reverse("growth:job", args=[job.pk])
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    path = file_job_path(job)
    assert path.parent == exports_dir() and path.is_file()
    html = client.get(location).content.decode()
    assert "siap" in html and "3 dari 3 baris" in html
    assert reverse("growth:job_download", args=[job.pk]) in html
    assert 'hx-trigger="every' not in html  # finished: nothing left to poll
    response = client.get(reverse("growth:job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="e-ppgbm-pengukuran.xlsx"'
    assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    content = b"".join(response.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and {r[9] for r in rows[1:]} == {"Manggar"}


def test_a_queued_export_shows_its_progress_and_polls_until_it_is_done(
    client, users, stored, in_background, django_capture_on_commit_callbacks
):
    client.force_login(users["desa"])
    job, location = _request(client, django_capture_on_commit_callbacks, run=False)
    assert (job.status, job.total) == (JobStatus.QUEUED, 2)
    html = client.get(location).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'data-status="queued"' in html
    assert '<progress id="job-bar-' in html and 'value="0"' in html
    assert reverse("growth:job_download", args=[job.pk]) not in html
    # Not ready yet: nothing to download.
    assert client.get(reverse("growth:job_download", args=[job.pk])).status_code == 404
    file_job_run.enqueue(job_id=job.pk)  # what the worker does
    partial = client.get(location, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="job-progress"')
    assert 'data-status="done"' in partial and 'value="100"' in partial
    assert 'hx-trigger="every' not in partial and "<html" not in partial


def test_a_small_export_is_handed_out_at_once_and_kept_as_a_job_too(
    client, users, stored, settings
):
    settings.KAMPUNGKB_EXPORT_SYNC_ROWS = 10
    client.force_login(users["admin"])
    response = client.post(reverse("growth:export_xlsx"), {"desa": "19.06.01.2002"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attach")
    job = FileJob.objects.get()
    assert (job.status, job.done, job.download_name) == (
        JobStatus.DONE,
        2,
        "e-ppgbm-pengukuran-19.06.01.2002.xlsx",
    )


def test_only_the_requester_sees_the_job_and_its_file(
    client, users, stored, in_background, django_capture_on_commit_callbacks
):
    client.force_login(users["desa"])
    job, _ = _request(client, django_capture_on_commit_callbacks)
    # The Admin Kabupaten covers the desa, yet the file is a copy made for its requester.
    for role in ("admin", "kecamatan", "mitra", "viewer"):
        client.force_login(users[role])
        assert client.get(reverse("growth:job", args=[job.pk])).status_code == 404, role
        assert client.get(reverse("growth:job_download", args=[job.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("growth:job_download", args=[job.pk]))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_an_export_is_audited_as_a_read_of_personal_data_with_its_filters(
    users, stored, media_root
):
    job = measurements_export_request(
        user=users["kecamatan"], date_from=datetime.date(2025, 9, 1), desa="19.06.01.2002"
    )
    entry = AuditEntry.objects.get(object_type="growth.filejob", object_id=str(job.pk))
    assert (entry.action, entry.actor, entry.wilayah_kode) == (
        AuditAction.VIEW,
        users["kecamatan"],
        users["kecamatan"].wilayah_id,
    )
    assert entry.changes == {
        "export": "e-PPGBM",
        "rows": 1,
        "date_from": "2025-09-01",
        "date_to": None,
        "desa": "19.06.01.2002",
    }


def test_the_worker_writes_the_export_as_its_requester_with_the_current_area(
    users, stored, media_root, make_user
):
    operator = make_user("operator_kecamatan", "19.06.01", username="pindah")
    job = measurements_export_request(user=operator)
    assert job.total == 3
    operator.wilayah_id = "19.06.02"  # moved to Gantung before the worker ran
    operator.save()
    file_job_run.enqueue(job_id=job.pk)
    job.refresh_from_db()
    sheet = openpyxl.load_workbook(file_job_path(job)).active
    assert [r[1] for r in list(sheet.iter_rows(values_only=True))[1:]] == ["Anak Gantung"]


def test_a_job_delivered_twice_runs_once(users, stored, media_root):
    job = measurements_export_request(user=users["admin"])
    assert file_job_run.enqueue(job_id=job.pk).return_value == {"rows": 4}
    assert file_job_run.enqueue(job_id=job.pk).return_value == {"skipped": True}
    assert len(list(exports_dir().iterdir())) == 1


def test_progress_is_recorded_while_the_file_is_written(users, stored, media_root):
    seen = []
    measurements_export_xlsx(
        user=users["admin"], out=io.BytesIO(), progress=seen.append, progress_every=1
    )
    assert seen == [1, 2, 3, 4]
    job = file_job_claim(measurements_export_request(user=users["admin"]).pk)
    with CaptureQueriesContext(connection) as queries:
        file_job_execute(job, progress_seconds=0, progress_every=1)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "growth_filejob"')]
    assert len(updates) == 5  # four rows of progress, then the end


def test_a_failed_export_says_so_and_leaves_no_file(client, users, stored, media_root):
    job = file_job_claim(measurements_export_request(user=users["desa"]).pk)
    job.params = {"date_from": "not-a-date"}  # as if the stored filters were damaged
    with pytest.raises(ValueError):
        file_job_execute(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "ValueError" in job.error
    assert list(exports_dir().iterdir()) == []
    client.force_login(users["desa"])
    html = client.get(reverse("growth:job", args=[job.pk])).content.decode()
    assert "Ekspor gagal" in html and 'hx-trigger="every' not in html


def test_old_exports_and_their_files_are_purged_recent_ones_kept(users, stored, media_root):
    old, recent = (measurements_export_request(user=users["admin"]) for _ in range(2))
    for job in (old, recent):
        file_job_execute(file_job_claim(job.pk))
    FileJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=5))
    old.refresh_from_db()
    recent.refresh_from_db()
    old_file, recent_file = file_job_path(old), file_job_path(recent)
    stray, fresh = exports_dir() / "nobodys.xlsx", exports_dir() / "being-written.xlsx.part"
    for path in (stray, fresh):
        path.write_bytes(b"x")
    long_ago = (timezone.now() - datetime.timedelta(days=30)).timestamp()
    os.utime(stray, (long_ago, long_ago))
    out = io.StringIO()
    call_command("purge_uploads", "--dry-run", stdout=out)
    assert "1 ekspor / exports, 2 berkas ekspor / export files" in out.getvalue()
    assert old_file.is_file() and FileJob.objects.count() == 2
    call_command("purge_uploads", stdout=io.StringIO())
    assert list(FileJob.objects.all()) == [recent]
    assert {p.name for p in exports_dir().iterdir()} == {recent_file.name, fresh.name}
    deleted = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="growth.filejob")
    assert deleted.object_id == str(old.pk)
    assert file_jobs_purge(days=0).jobs == [recent]


def test_an_export_request_queues_the_purge_of_old_ones(
    client, users, stored, in_background, django_capture_on_commit_callbacks
):
    old = measurements_export_request(user=users["admin"])
    FileJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=5))
    client.force_login(users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("growth:export_xlsx"))
    assert not FileJob.objects.filter(pk=old.pk).exists() and FileJob.objects.count() == 1


def test_file_job_start_runs_a_small_job_in_the_request(users, stored, media_root, settings):
    settings.KAMPUNGKB_EXPORT_SYNC_ROWS = 4
    job = measurements_export_request(user=users["admin"])
    assert file_job_start(job) and job.status == JobStatus.DONE


@pytest.mark.parametrize(
    ("change", "value"),
    [("role", "viewer"), ("wilayah_id", "19.06.02"), ("is_active", False)],
)
def test_a_finished_export_is_not_handed_out_once_its_requester_may_no_longer_see_it(
    client, users, stored, media_root, make_user, change, value
):
    """The file holds the names and whole NIKs of the requester's area when it was written: a
    requester made Viewer (aggregates only) or moved to another kecamatan could still download
    it for the retention period."""
    operator = make_user("operator_kecamatan", "19.06.01", username="pindah")
    job = measurements_export_request(user=operator)
    file_job_run.enqueue(job_id=job.pk)
    client.force_login(operator)
    download = reverse("growth:job_download", args=[job.pk])
    assert client.get(download).status_code == 200
    setattr(operator, change, value)
    operator.save()
    client.force_login(operator)
    assert client.get(download).status_code in (302, 404)
    assert client.get(reverse("growth:job", args=[job.pk])).status_code in (302, 404)


def test_each_download_of_a_finished_export_is_audited(
    client, users, stored, in_background, django_capture_on_commit_callbacks
):
    """The file holds names and whole NIKs: every time it is handed out is a read of personal
    data (one entry per download), not only the request that made it."""
    client.force_login(users["kecamatan"])
    job, _location = _request(client, django_capture_on_commit_callbacks)
    download = reverse("growth:job_download", args=[job.pk])
    downloads = AuditEntry.objects.filter(
        action=AuditAction.VIEW, changes__page="eppgbm_export_download"
    )
    for n in (1, 2):
        assert client.get(download).status_code == 200
        assert downloads.count() == n
    entry = downloads.first()
    assert (entry.actor, entry.object_type, entry.object_id, entry.wilayah_kode) == (
        users["kecamatan"],
        "growth.filejob",
        str(job.pk),
        users["kecamatan"].wilayah_id,
    )
    assert entry.changes["rows"] == 3 and entry.changes["desa"] == ""


def test_a_job_whose_worker_stopped_half_way_stops_polling_and_says_it_failed(
    client, users, stored, in_background, django_capture_on_commit_callbacks
):
    """A worker killed mid-export (OOM, a restart, a reboot) never records an end: its job
    stays "running", and the page would poll every two seconds for ever, promising a file."""
    client.force_login(users["desa"])
    job, location = _request(client, django_capture_on_commit_callbacks, run=False)
    assert file_job_claim(job.pk) is not None  # the worker took it, then died
    html = client.get(location).content.decode()
    assert 'hx-trigger="every 2s"' in html  # a running job is polled

    FileJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    html = client.get(location, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every' not in html
    assert "Ekspor gagal" in html
    assert reverse("growth:job_download", args=[job.pk]) not in html


def test_an_export_file_is_readable_by_its_owner_only_whatever_the_umask(users, stored, media_root):
    """It holds whole NIKs, as an upload and a backup do (both made 0600): a server run
    outside the systemd units (umask 022) must not leave it readable to every local user."""
    previous = os.umask(0o022)
    try:
        job = file_job_execute(file_job_claim(measurements_export_request(user=users["admin"]).pk))
    finally:
        os.umask(previous)
    assert job.status == JobStatus.DONE
    assert file_job_path(job).stat().st_mode & 0o077 == 0


def _exports_folder_unwritable(media_root):
    """A file where the exports folder should be: no file can be written there (as a full
    disk or a read-only mount, an OSError)."""
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "exports").write_text("not a folder")


def test_a_small_export_the_server_cannot_write_says_it_failed_not_a_server_error(
    client, users, stored, media_root, settings
):
    settings.KAMPUNGKB_EXPORT_SYNC_ROWS = 10
    _exports_folder_unwritable(media_root)
    client.force_login(users["admin"])
    response = client.post(reverse("growth:export_xlsx"), {})
    job = FileJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:job", args=[job.pk])
    assert job.status == JobStatus.FAILED and job.file_name == "" and job.error
    html = client.get(response["Location"]).content.decode()
    assert "Ekspor gagal" in html and 'hx-trigger="every' not in html
    assert client.get(reverse("growth:job_download", args=[job.pk])).status_code == 404


def test_a_worker_that_cannot_write_the_export_marks_the_job_failed(users, stored, media_root):
    _exports_folder_unwritable(media_root)
    job = measurements_export_request(user=users["admin"])
    with pytest.raises(OSError):
        file_job_run.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None  # not running forever


def test_a_job_that_never_reached_a_worker_stops_polling_and_says_it_failed(
    client, users, stored, in_background, django_capture_on_commit_callbacks
):
    """Its task was never queued (the queueing met a lost connection after the commit) or no
    worker runs: the job stays "queued", and its page would poll every two seconds for ever."""
    client.force_login(users["desa"])
    job, location = _request(client, django_capture_on_commit_callbacks, run=False)
    assert 'hx-trigger="every 2s"' in client.get(location).content.decode()

    FileJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    html = client.get(location, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every' not in html
    assert "Ekspor gagal" in html


def test_a_job_shown_failed_for_its_wait_is_not_written_when_a_worker_comes_at_last(
    client, users, stored, in_background, django_capture_on_commit_callbacks, media_root
):
    """Shown "Ekspor gagal" after an hour in the queue (a backlog, a restarted worker), the
    job was still claimed and written later: a file of whole NIKs for a requester who was
    told it failed (and has asked again). The worker records it failed and writes nothing."""
    client.force_login(users["desa"])
    job, location = _request(client, django_capture_on_commit_callbacks, run=False)
    FileJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert "Ekspor gagal" in client.get(location).content.decode()

    assert file_job_run.call(job_id=job.pk) == {"skipped": True}
    job.refresh_from_db()
    assert (job.status, job.file_name) == (JobStatus.FAILED, "")
    assert "Ekspor gagal" in client.get(location).content.decode()
    assert not list(exports_dir().glob("*"))


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_connection_is_lost_as_it_ends_is_marked_failed(
    users, stored, media_root, monkeypatch
):
    """The database connection dropped after the file was written, as its end was recorded:
    the job must not stay "running" (its page polling for an hour) beside a file nobody
    can download."""
    if connection.vendor != "postgresql":
        pytest.skip("the test's SQLite database lives in memory: closing it loses it")
    from kampungkb.growth.jobs import services

    real = services.measurements_export_xlsx

    def export_then_lose_the_connection(**kwargs):
        rows = real(**kwargs)
        connection.connection.close()  # the server went away under the worker
        return rows

    monkeypatch.setattr(services, "measurements_export_xlsx", export_then_lose_the_connection)
    job = file_job_claim(measurements_export_request(user=users["admin"]).pk)
    try:
        with pytest.raises(Exception):  # noqa: B017 - the driver's own error for a closed link
            file_job_execute(job)
    finally:
        connection.close()  # as the worker does after a database error (db_worker)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert list(exports_dir().iterdir()) == []


def test_a_purge_of_any_period_leaves_a_job_being_written_and_its_unfinished_file(
    users, stored, media_root
):
    # The worker is half-way through an old-enough job (--days 0: everything is old enough).
    running, queued, done = (measurements_export_request(user=users["admin"]) for _ in range(3))
    file_job_execute(file_job_claim(done.pk))
    file_job_claim(running.pk)
    exports_dir().mkdir(parents=True, exist_ok=True)
    writing = exports_dir() / "0123abcd.xlsx.part"
    writing.write_bytes(b"half")
    an_hour_ago = timezone.now() - datetime.timedelta(minutes=59)
    os.utime(writing, (an_hour_ago.timestamp(), an_hour_ago.timestamp()))
    result = file_jobs_purge(days=0)
    assert [j.pk for j in result.jobs] == [done.pk]
    assert set(FileJob.objects.values_list("pk", flat=True)) == {running.pk, queued.pk}
    assert writing.is_file()
    # Past JOB_TIMEOUT the job is lost (its worker died): it goes, and so does its stray file.
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    FileJob.objects.filter(pk=running.pk).update(started_at=long_ago, created_at=long_ago)
    FileJob.objects.filter(pk=queued.pk).update(created_at=long_ago)
    os.utime(writing, (long_ago.timestamp(), long_ago.timestamp()))
    assert len(file_jobs_purge(days=0).jobs) == 2
    assert not FileJob.objects.exists() and not writing.exists()


def test_an_export_past_its_period_is_refused_with_its_reason_before_the_purge_removes_it(
    client, users, stored, in_background, settings, django_capture_on_commit_callbacks
):
    """The purge runs daily: between the end of the period and that run, the file (whole NIKs)
    was still handed out. It is refused from the first minute past the period, on a page that
    says why, and the page no longer offers it."""
    settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS = 3
    client.force_login(users["kecamatan"])
    job, location = _request(client, django_capture_on_commit_callbacks)
    download = reverse("growth:job_download", args=[job.pk])
    downloads = AuditEntry.objects.filter(changes__page="eppgbm_export_download")
    FileJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3) + datetime.timedelta(minutes=1)
    )
    assert client.get(download).status_code == 200  # a minute before the end of its period
    assert downloads.count() == 1

    FileJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3, minutes=1)
    )
    assert file_job_path(job).is_file()  # not purged yet
    response = client.get(download)
    assert response.status_code == 410
    html = response.content.decode()
    assert "Ekspor ini sudah kedaluwarsa" in html and "setelah 3 hari" in html
    assert downloads.count() == 1  # nothing handed out, nothing read
    page = client.get(location).content.decode()
    assert "kedaluwarsa" in page and download not in page
    # Once purged, the job is gone: a 404 like any job that is not the user's.
    file_jobs_purge()
    assert client.get(download).status_code == 404
