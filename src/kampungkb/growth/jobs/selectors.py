"""Reads of the jobs: a job and its file answer only to whoever requested it."""

from pathlib import Path

from django.http import Http404
from django.shortcuts import get_object_or_404

from kampungkb.growth.jobs.files import file_job_path
from kampungkb.growth.models import FileJob, JobStatus


def file_job_get(*, user, pk: int) -> FileJob:
    """The user's own job; anyone else's (an admin's area notwithstanding) is a 404: the file
    is a copy of personal data made for that person."""
    if user is None or not user.is_authenticated:
        raise Http404
    return get_object_or_404(FileJob, pk=pk, requested_by_id=user.pk)


def file_job_file(*, user, pk: int) -> tuple[FileJob, Path]:
    """The user's finished job and its file; 404 while it is not done or once it is purged."""
    job = file_job_get(user=user, pk=pk)
    path = file_job_path(job)
    if job.status != JobStatus.DONE or path is None or not path.is_file():
        raise Http404
    return job, path
