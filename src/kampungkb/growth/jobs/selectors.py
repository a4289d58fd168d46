"""Reads of the jobs: a job and its file answer only to whoever requested it."""

from pathlib import Path

from django.http import Http404
from django.shortcuts import get_object_or_404

from kampungkb.core.permissions import can_view_personal_data
from kampungkb.core.scoping import own_in_scope_q
from kampungkb.growth.jobs.files import file_job_expired, file_job_path
from kampungkb.growth.models import FileJob, JobStatus


def file_job_get(*, user, pk: int) -> FileJob:
    """The user's own job; anyone else's (an admin's area notwithstanding) is a 404: the file
    is a copy of personal data made for that person. So is their own once they may no longer
    see it: their role lost personal-data access, or their area no longer covers the job's."""
    if user is None or not user.is_authenticated or not can_view_personal_data(user):
        raise Http404
    return get_object_or_404(FileJob.objects.filter(own_in_scope_q(user, "requested_by")), pk=pk)


def file_job_file(*, user, pk: int) -> tuple[FileJob, Path]:
    """The user's finished job and its file; 404 while it is not done, and once it is past its
    retention period (purged or not yet)."""
    job = file_job_get(user=user, pk=pk)
    path = file_job_path(job)
    if job.status != JobStatus.DONE or file_job_expired(job) or path is None or not path.is_file():
        raise Http404
    return job, path
