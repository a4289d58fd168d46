"""The catin screening: the versioned thresholds (``rules``) and the screenings of a catin
target, each kept with the threshold version it was evaluated by.

A threshold version applies from its ``berlaku_mulai`` date: a screening is evaluated by the
version in force on its date (the one with the latest start not after it). The version stays
on the screening, so a later edit of the thresholds changes no stored result until someone
re-evaluates the screenings explicitly (``services.screenings_reevaluate``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.families.tpk.screening import rules


class Peran(models.TextChoices):
    BRIDE = rules.BRIDE, _("Bride (catin perempuan)")
    GROOM = rules.GROOM, _("Groom (catin laki-laki)")


class Hasil(models.TextChoices):
    AT_RISK = rules.RESULT_AT_RISK, _("At risk (berisiko)")
    IDEAL = rules.RESULT_IDEAL, _("Ideal")
    INCOMPLETE = rules.RESULT_INCOMPLETE, _("Incomplete")


class CatinThresholdSet(models.Model):
    """A version of the screening thresholds (``rules.DEFAULT_THRESHOLDS`` shape)."""

    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=150)
    sumber = models.CharField(_("source"), max_length=300)
    thresholds = models.JSONField(_("thresholds"))
    berlaku_mulai = models.DateField(_("in force from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("catin screening threshold set")
        verbose_name_plural = _("catin screening threshold sets")
        ordering = ["-berlaku_mulai", "-pk"]

    def __str__(self) -> str:
        return self.nama


class CatinScreeningQuerySet(ScopedQuerySet):
    scope_field = "target__desa__kode"


class CatinScreening(models.Model):
    """One screening of the bride or the groom of a catin target."""

    target = models.ForeignKey(
        "families.Target", on_delete=models.CASCADE, related_name="screenings"
    )
    tanggal = models.DateField(_("screening date"))
    peran = models.CharField(_("who"), max_length=10, choices=Peran.choices)
    umur_tahun = models.PositiveSmallIntegerField(_("age (years)"))
    berat_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1)
    tinggi_cm = models.DecimalField(_("height (cm)"), max_digits=4, decimal_places=1)
    lila_cm = models.DecimalField(
        _("LiLA (cm)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    hb = models.DecimalField(_("Hb (g/dL)"), max_digits=3, decimal_places=1, null=True, blank=True)
    lingkar_perut_cm = models.DecimalField(
        _("waist (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    merokok = models.BooleanField(_("smokes"), default=False)
    # Computed by ``rules.evaluate`` with ``threshold_set`` when saved.
    imt = models.DecimalField(_("BMI"), max_digits=4, decimal_places=1)
    hasil = models.CharField(_("result"), max_length=15, choices=Hasil.choices)
    alasan = models.JSONField(_("reasons"), default=list, blank=True)
    threshold_set = models.ForeignKey(
        CatinThresholdSet,
        verbose_name=_("thresholds"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    # Values outside the usual ranges, saved after the cadre confirmed them.
    perlu_dicek = models.BooleanField(_("needs checking"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatinScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("catin screening")
        verbose_name_plural = _("catin screenings")
        ordering = ["target_id", "-tanggal", "-pk"]
        indexes = [models.Index(fields=["target", "peran", "tanggal"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(peran__in=[rules.BRIDE, rules.GROOM]), name="catin_screening_peran"
            ),
            models.CheckConstraint(
                condition=Q(hasil__in=[r.value for r in Hasil]), name="catin_screening_hasil"
            ),
            models.CheckConstraint(
                condition=Q(berat_kg__gt=0) & Q(tinggi_cm__gt=0), name="catin_screening_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.nama} {self.tanggal}"

    def measures(self) -> rules.Measures:
        return rules.Measures(
            peran=self.peran,
            umur_tahun=self.umur_tahun,
            berat_kg=self.berat_kg,
            tinggi_cm=self.tinggi_cm,
            lila_cm=self.lila_cm,
            hb=self.hb,
            lingkar_perut_cm=self.lingkar_perut_cm,
            merokok=self.merokok,
        )

    def reason_texts(self) -> list[str]:
        """The reasons as sentences, by the thresholds this screening was evaluated with."""
        m = self.measures()
        t = self.threshold_set.thresholds
        return [rules.reason_text(code, m, self.imt, t) for code in self.alasan]

    def missing_labels(self) -> list[str]:
        """The measures the thresholds needed but the screening lacks."""
        found = rules.evaluate(self.measures(), self.threshold_set.thresholds).missing
        return [str(rules.MEASURE_LABELS[name]) for name in found]


__all__ = ["CatinScreening", "CatinThresholdSet", "Hasil", "Peran"]
