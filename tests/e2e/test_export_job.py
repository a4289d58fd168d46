import datetime
import os

import pytest
from playwright.sync_api import expect

from kampungkb.accounts.models import Role
from kampungkb.growth.jobs.tasks import file_job_run
from kampungkb.growth.models import FileJob, JobStatus
from tests import factories
from tests.conftest import KURNIA_JAYA
from tests.e2e.test_foundation import _login


@pytest.fixture
def operator(transactional_db, make_user, beltim, settings, tmp_path, today):
    settings.MEDIA_ROOT = tmp_path
    settings.KAMPUNGKB_EXPORT_SYNC_ROWS = 0  # every export goes to the worker
    # The worker is this test: a queued task waits until the test runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    posyandu = factories.posyandu(KURNIA_JAYA, "Posyandu Melati")
    for i in range(3):
        child = factories.child(
            posyandu=posyandu,
            nama=f"Anak Ekspor {i}",
            tanggal_lahir=today - datetime.timedelta(days=400 + i),
        )
        factories.measurement(
            child, today - datetime.timedelta(days=10), berat=8, tinggi=72, cara_ukur="PB"
        )
    return make_user(Role.OPERATOR_DESA, KURNIA_JAYA, username="ekspor.kurnia")


def _shot(page, name: str) -> None:
    if os.environ.get("KAMPUNGKB_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["KAMPUNGKB_SCREENSHOTS"], name))


def test_a_background_export_shows_its_progress_and_its_download_on_a_phone(
    phone, live_server, operator
):
    _login(phone, live_server, "ekspor.kurnia")
    phone.wait_for_url(lambda url: "/akun/masuk/" not in url)
    phone.goto(live_server.url + "/pertumbuhan/impor/ekspor/")
    phone.get_by_role("button", name="Unduh xlsx").click()
    phone.wait_for_url("**/pertumbuhan/impor/tugas/**")
    progress = phone.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(progress).to_contain_text("0 dari 3 baris")

    # The worker has started and written some of the rows: the page follows by itself.
    job = FileJob.objects.get()
    FileJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=2)
    expect(progress).to_have_attribute("data-status", "running", timeout=10_000)
    expect(progress).to_contain_text("2 dari 3 baris")
    assert phone.locator("progress").get_attribute("value") == "66"
    _shot(phone, "export-progress-phone.png")

    FileJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, done=0)
    file_job_run.call(job_id=job.pk)  # what the worker does
    expect(progress).to_have_attribute("data-status", "done", timeout=10_000)
    download = phone.get_by_test_id("job-download")
    expect(download).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    _shot(phone, "export-ready-phone.png")
    with phone.expect_download() as saved:
        download.click()
    assert saved.value.suggested_filename == "e-ppgbm-pengukuran.xlsx"
