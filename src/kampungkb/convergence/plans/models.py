"""Yearly activity plans of a Kampung KB (RKM) or of an OPD, their activities and the
realisation recorded against each activity."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.agencies import Opd, ProgrammeArea
from kampungkb.convergence.years import YEAR_VALIDATORS
from kampungkb.core.scoping import ScopedQuerySet, covered_kode, scope_q
from kampungkb.wilayah.models import FundingSourceType, KampungKB, Wilayah


class PlanQuerySet(ScopedQuerySet):
    def for_user(self, user):
        # An OPD plan is its kabupaten's: everyone with an area in it reads it (and a
        # province's users those of every kabupaten of the province).
        area = covered_kode(user)
        if area is None:
            return self.none()
        opd_plans = scope_q(user, "kabupaten__kode")
        if len(area) > 5:  # a kecamatan or desa: the plans of its kabupaten
            opd_plans |= Q(kabupaten_id=area[:5])
        return self.filter(scope_q(user, "desa__kode") | (Q(desa__isnull=True) & opd_plans))


class Plan(models.Model):
    """A yearly activity plan of a Kampung KB (RKM) or of an OPD."""

    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kampung = models.ForeignKey(
        KampungKB, null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    desa = models.ForeignKey(
        Wilayah, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opd = models.ForeignKey(
        Opd, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    # An OPD plan's kabupaten (an OPD of the same name serves each kabupaten of a province).
    kabupaten = models.ForeignKey(
        Wilayah, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity plan")
        verbose_name_plural = _("activity plans")
        ordering = ["tahun", "desa_id", "opd_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kampung__isnull=False,
                    desa__isnull=False,
                    opd__isnull=True,
                    kabupaten__isnull=True,
                )
                | Q(
                    kampung__isnull=True,
                    desa__isnull=True,
                    opd__isnull=False,
                    kabupaten__isnull=False,
                ),
                name="plan_kampung_or_opd_of_a_kabupaten",
            ),
            models.UniqueConstraint(
                fields=["tahun", "kampung"],
                condition=Q(kampung__isnull=False),
                name="plan_one_per_kampung_year",
            ),
            models.UniqueConstraint(
                fields=["tahun", "opd", "kabupaten"],
                condition=Q(opd__isnull=False),
                name="plan_one_per_opd_kabupaten_year",
            ),
        ]

    def __str__(self) -> str:
        owner = self.kampung.nama if self.kampung_id else str(self.opd)
        return f"{owner} {self.tahun}"


class PlanActivity(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    kegiatan = models.CharField(_("activity"), max_length=200)
    programme_area = models.ForeignKey(
        ProgrammeArea, verbose_name=_("programme area"), on_delete=models.PROTECT, related_name="+"
    )
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("responsible OPD"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sasaran = models.CharField(_("target group"), max_length=150)
    jumlah_sasaran = models.PositiveIntegerField(_("number targeted"))
    anggaran = models.DecimalField(
        _("budget (Rp)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )
    sumber_dana = models.CharField(
        _("budget source"), max_length=15, choices=FundingSourceType.choices
    )
    bulan = models.JSONField(_("months"), default=list, help_text=_("Months 1-12"))
    penanggung_jawab = models.CharField(_("owner"), max_length=150)
    # The latest realisation, kept here so plan-vs-realisation sums stay plain SQL sums.
    progres = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    anggaran_realisasi = models.DecimalField(
        _("budget spent (Rp)"), max_digits=15, decimal_places=0, default=0
    )
    output_tercapai = models.PositiveIntegerField(_("output achieved"), default=0)

    class Meta:
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        ordering = ["plan_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progres__lte=100), name="activity_progress_max_100"),
            models.CheckConstraint(
                condition=Q(anggaran__gte=0), name="activity_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.kegiatan


class Realisation(models.Model):
    activity = models.ForeignKey(
        PlanActivity, on_delete=models.CASCADE, related_name="realisations"
    )
    tanggal = models.DateField(_("date"))
    progres = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    output_tercapai = models.PositiveIntegerField(_("output achieved (people or units)"))
    anggaran_realisasi = models.DecimalField(
        _("budget spent so far (Rp)"),
        max_digits=15,
        decimal_places=0,
        validators=[MinValueValidator(0)],
    )
    catatan = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        ordering = ["activity_id", "tanggal", "id"]

    def __str__(self) -> str:
        return f"{self.activity} {self.tanggal}"
