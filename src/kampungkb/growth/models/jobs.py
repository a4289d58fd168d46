"""Long pieces of work on a file that the worker runs while the user watches their progress."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    # An import run in the background (the commit of an upload) becomes a second kind here:
    # the progress page and the purge already serve any kind.
    EXPORT_MEASUREMENTS = "export_measurements", _("e-PPGBM export")


#: A job running for longer than this is taken as lost: its worker stopped without recording
#: an end (killed, restarted, the server rebooted). A district's export takes minutes. So is
#: a job still queued this long after it was requested: its task never reached a worker (its
#: queueing failed, no worker runs).
JOB_TIMEOUT = datetime.timedelta(hours=1)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class FileJob(models.Model):
    """One export (or, later, import) run by the worker: who asked, with which filters, how
    far it got, and the file it wrote.

    The file lies in MEDIA_ROOT/exports/<file_name> and is only its requester's (it holds
    whole NIKs): ``jobs.selectors.file_job_get`` gives anyone else a 404. ``kampungkb
    purge_uploads`` removes a job and its file after ``KAMPUNGKB_UPLOAD_RETENTION_DAYS``.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=JobKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The requester's area when they asked (the audit entry's area).
    wilayah_kode = models.CharField(max_length=13, blank=True, db_index=True)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.IntegerField(_("rows done"), default=0)
    total = models.IntegerField(_("rows in all"), default=0)
    file_name = models.CharField(max_length=100, blank=True)
    download_name = models.CharField(_("file name"), max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__gte=0) & Q(total__gte=0), name="growth_filejob_counts_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="growth_filejob_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> int:
        """How far it got, 0-100 (100 once done, whatever the counts)."""
        if self.status == JobStatus.DONE:
            return 100
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def lost(self) -> bool:
        """Whether it has been running, or waiting to run, for longer than ``JOB_TIMEOUT``
        (see there)."""
        since = timezone.now() - JOB_TIMEOUT
        if self.status == JobStatus.QUEUED:
            return self.created_at < since
        return (
            self.status == JobStatus.RUNNING
            and self.started_at is not None
            and self.started_at < since
        )

    @property
    def finished(self) -> bool:
        """Whether nothing more will happen to it (its page stops polling)."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED) or self.lost
