"""The review of the Kampung KB: the indicators and their recorded values, the maturity rule
sets, and the evaluations computed with them (every run kept)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.agencies import ProgrammeArea
from kampungkb.convergence.years import YEAR_VALIDATORS
from kampungkb.wilayah.models import KampungKB, MaturityLevel


class IndicatorGroup(models.TextChoices):
    INPUT = "input", _("Input")
    PROCESS = "process", _("Process")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome (from the system)")


class IndicatorDefinition(models.Model):
    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    kelompok = models.CharField(_("group"), max_length=10, choices=IndicatorGroup.choices)
    satuan = models.CharField(_("unit"), max_length=30)
    computed = models.BooleanField(_("computed by the system"), default=False)
    programme_area = models.ForeignKey(
        ProgrammeArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    urutan = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Kampung KB indicator")
        verbose_name_plural = _("Kampung KB indicators")
        ordering = ["urutan"]

    def __str__(self) -> str:
        return self.nama


class RuleSet(models.Model):
    """Weights and thresholds of the maturity classification, valid from a year on."""

    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    berlaku_dari = models.PositiveSmallIntegerField(
        _("valid from year"), unique=True, validators=YEAR_VALIDATORS
    )
    rules = models.JSONField(_("rules"))
    sumber = models.CharField(_("source"), max_length=400)

    class Meta:
        verbose_name = _("maturity rule set")
        verbose_name_plural = _("maturity rule sets")
        ordering = ["berlaku_dari"]

    def __str__(self) -> str:
        return self.nama


class IndicatorRecord(models.Model):
    kampung = models.ForeignKey(
        KampungKB, on_delete=models.CASCADE, related_name="indicator_records"
    )
    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    indicator = models.ForeignKey(IndicatorDefinition, on_delete=models.PROTECT, related_name="+")
    nilai = models.FloatField(_("value"), validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["kampung_id", "tahun", "indicator__urutan"]
        constraints = [
            models.UniqueConstraint(
                fields=["kampung", "tahun", "indicator"], name="indicator_one_value_per_year"
            ),
            models.CheckConstraint(condition=Q(nilai__gte=0), name="indicator_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.tahun}: {self.nilai}"


class Evaluation(models.Model):
    """One computed classification of a Kampung KB for a year; every run is kept."""

    kampung = models.ForeignKey(KampungKB, on_delete=models.CASCADE, related_name="evaluations")
    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="evaluations")
    skor_manajemen = models.FloatField(_("management score"), null=True)
    skor_kontribusi = models.FloatField(_("contribution score"), null=True)
    tingkat = models.CharField(
        _("computed level"), max_length=15, choices=MaturityLevel.choices, blank=True
    )
    detail = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("maturity evaluation")
        verbose_name_plural = _("maturity evaluations")
        ordering = ["kampung_id", "tahun", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kampung} {self.tahun}: {self.tingkat or '-'}"
