import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Viewed personal data")
    LOAD = "load", _("Loaded reference data")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    LOCKOUT = "lockout", _("Locked out")


class AuditEntry(models.Model):
    """One state change (or read of personal data): who, what, when and the change.

    Written by services in the same transaction as the change itself, never edited.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the trail survives the user being deleted.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    # The wilayah the object belongs to, so the trail can be scoped like the data.
    wilayah_kode = models.CharField(_("wilayah code"), max_length=13, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        who = self.actor_username or "-"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_repr}"


class RecomputeRunBase(models.Model):
    """What every recorded background recompute keeps (the KBM recompute of measurements, the
    KRS recompute of family labels): who asked and why, when it started and finished, how long
    it took and the error that stopped it. Each app's run adds what it works with and counts.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.reason}"

    #: Unfinished this long after it was asked for, a run is lost: its worker stopped (killed,
    #: restarted) without recording an end. The apps' ``recompute_in_progress`` no longer waits
    #: for it either (their RUN_TIMEOUT).
    lost_after = datetime.timedelta(hours=1)

    @property
    def status(self) -> str:
        """``queued``, ``running``, ``done`` or ``failed`` (a lost run too: it would say
        "running" for ever)."""
        if self.error:
            return "failed"
        if self.finished_at:
            return "done"
        if self.requested_at and self.requested_at < timezone.now() - self.lost_after:
            return "failed"
        return "running" if self.started_at else "queued"


class SubmittedForm(models.Model):
    """A create form that was saved: its one-time token (``core.submissions``), who sent it
    and the record it made, so that the same form sent again answers with that record instead
    of making a second one. The token is unique: of two sends at once, the database refuses
    the second. Rows are forgotten after a while (``submissions.submitted_forms_prune``)."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.content_type_id}:{self.object_id}"
