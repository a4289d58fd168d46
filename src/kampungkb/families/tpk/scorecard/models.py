"""The cells a KPM enters on the scorecard: one value per target, quarter and indicator, with
who entered it and when (every write audited by ``services.scorecard_entry_save``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.families.tpk.scorecard.catalogue import INDICATORS


class CellValue(models.TextChoices):
    Y = "Y", _("Y (received)")
    T = "T", _("T (not received)")
    TS = "TS", _("TS (not applicable)")


class ScorecardEntryQuerySet(ScopedQuerySet):
    scope_field = "target__desa__kode"


class ScorecardEntry(models.Model):
    target = models.ForeignKey(
        "families.Target", on_delete=models.CASCADE, related_name="scorecard_entries"
    )
    tahun = models.PositiveSmallIntegerField(_("year"))
    kuartal = models.PositiveSmallIntegerField(_("quarter"))
    indikator = models.CharField(
        _("indicator"), max_length=30, choices=[(i.key, i.label) for i in INDICATORS]
    )
    nilai = models.CharField(_("value"), max_length=2, choices=CellValue.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)

    objects = ScorecardEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard entry")
        verbose_name_plural = _("scorecard entries")
        ordering = ["target_id", "tahun", "kuartal", "indikator"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "tahun", "kuartal", "indikator"],
                name="scorecard_one_entry_per_cell",
            ),
            models.CheckConstraint(
                condition=Q(kuartal__gte=1, kuartal__lte=4), name="scorecard_kuartal_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.tahun}-{self.kuartal} {self.indikator}={self.nilai}"
