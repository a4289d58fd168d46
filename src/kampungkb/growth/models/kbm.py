"""The KBM (Kenaikan Berat Minimal) tables the growth codes are computed with, and the
recomputes of every measurement that follow a change of the default one."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.models import RecomputeRunBase


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


class RecomputeRun(RecomputeRunBase):
    """One recompute of every stored measurement: who asked, with which KBM table, and
    what it did (rows read, rows whose values changed, rows only relabelled)."""

    kbm_table = models.ForeignKey(
        KBMTable, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.IntegerField(_("rows"), default=0)
    written = models.IntegerField(_("rows changed"), default=0)
    relabelled = models.IntegerField(_("rows only relabelled"), default=0)

    class Meta(RecomputeRunBase.Meta):
        verbose_name = _("recompute")
        verbose_name_plural = _("recomputes")
