"""Uploaded and committed e-PPGBM files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One committed e-PPGBM file: who, when, which file (by hash), and what happened."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    wilayah_kode = models.CharField(max_length=13, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    n_rows = models.IntegerField(default=0)
    n_created = models.IntegerField(default=0)
    n_updated = models.IntegerField(default=0)
    n_unchanged = models.IntegerField(default=0)
    n_rejected = models.IntegerField(default=0)
    n_children_created = models.IntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d})"


class Upload(models.Model):
    """One e-PPGBM file as a user uploaded it, kept for its preview and save.

    The file lies in MEDIA_ROOT/imports/<sha256>.<ext> (one copy for every user who sent the
    same bytes); the upload belongs to ``uploaded_by`` and is seen by the admins of the area
    they had (``wilayah_kode``). ``kampungkb purge_uploads`` removes it after
    ``KAMPUNGKB_UPLOAD_RETENTION_DAYS``; a committed import keeps its ImportBatch.
    """

    sha256 = models.CharField(max_length=64, db_index=True)
    ext = models.CharField(max_length=8)
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    wilayah_kode = models.CharField(max_length=13, blank=True, db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256", "uploaded_by"], name="growth_upload_one_per_uploader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]})"
