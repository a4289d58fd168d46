"""The KBM (Kenaikan Berat Minimal) tables the growth codes are computed with, and the
recomputes of every measurement that follow a change of the default one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class KBMTable(models.Model):
    """A versioned table of minimum monthly weight gain (Kenaikan Berat Minimal) by age.

    Sources disagree (e.g. month 3 is 800 g in Buku KIA 2023 and 600 g in a posyandu
    spreadsheet), so each variant is kept with its source and one is the default.
    """

    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=150)
    sumber = models.CharField(_("source"), max_length=300)
    # When a weighing follows a gap, either code it O (Buku KIA / F1 recap), or compare the
    # gain with KBM × months since the last weighing (a variant seen in posyandu sheets).
    scale_by_gap = models.BooleanField(_("scale KBM by months since last weighing"), default=False)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("KBM table")
        verbose_name_plural = _("KBM tables")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="kbm_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.nama


class KBMEntry(models.Model):
    table = models.ForeignKey(KBMTable, on_delete=models.CASCADE, related_name="entries")
    umur_bulan_dari = models.PositiveSmallIntegerField(_("from age (months)"))
    umur_bulan_sampai = models.PositiveSmallIntegerField(_("to age (months), inclusive"))
    kbm_gram = models.PositiveSmallIntegerField(_("minimum gain (g)"))

    class Meta:
        ordering = ["table_id", "umur_bulan_dari"]
        constraints = [
            models.UniqueConstraint(fields=["table", "umur_bulan_dari"], name="kbm_unique_start"),
            models.CheckConstraint(
                condition=Q(umur_bulan_sampai__gte=models.F("umur_bulan_dari")),
                name="kbm_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.umur_bulan_dari}-{self.umur_bulan_sampai} bln: {self.kbm_gram} g"


class RecomputeRun(models.Model):
    """One recompute of every stored measurement: who asked, with which KBM table, and
    what it did (rows read, rows whose values changed, rows only relabelled)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    kbm_table = models.ForeignKey(
        KBMTable, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.IntegerField(_("rows"), default=0)
    written = models.IntegerField(_("rows changed"), default=0)
    relabelled = models.IntegerField(_("rows only relabelled"), default=0)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("recompute")
        verbose_name_plural = _("recomputes")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.reason}"

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.finished_at:
            return "done"
        return "running" if self.started_at else "queued"
