"""A job's progress page (polled by htmx until it is finished) and its file's download."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from kampungkb.core.downloads import XLSX_TYPE, file_response
from kampungkb.growth import personal_data
from kampungkb.growth.importing.uploads import retention_days
from kampungkb.growth.jobs.files import file_job_expired
from kampungkb.growth.jobs.selectors import file_job_file, file_job_get

POLL = "2s"


@require_safe
def job_page(request, pk: int):
    job = file_job_get(user=request.user, pk=pk)
    template = "growth/partials/job_progress.html" if request.htmx else "growth/job.html"
    return render(request, template, _context(job))


def _context(job) -> dict:
    return {
        "job": job,
        "poll": POLL,
        "retention_days": retention_days(),
        "expired": file_job_expired(job),
    }


@require_safe
def job_download(request, pk: int):
    job = file_job_get(user=request.user, pk=pk)
    if file_job_expired(job):
        # Its page, saying the file is gone and why (whole NIKs), not a bare 404: 410 Gone.
        return render(request, "growth/job.html", _context(job), status=410)
    job, path = file_job_file(user=request.user, pk=pk)
    personal_data.export_file_downloaded(user=request.user, job=job)
    return file_response(path, filename=job.download_name, content_type=XLSX_TYPE)
