"""The records of pregnancy monitoring: the ANC contacts of a pregnancy (an ibu hamil target),
and after delivery (on the pasca persalinan target) the KB decision and the nifas visits.

What they imply (K numbers, trimesters, KEK, anaemia, flags) is computed by ``rules``, never
stored: it follows the HPHT, which may be corrected.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.families.tpk.models import Target
from kampungkb.families.tpk.pregnancy.rules import kb_within_42_days

# Plausibility bounds (the services say them in words; the columns keep them too).
BOUNDS = {
    "berat": (25, 200),  # kg
    "lila": (10, 50),  # cm
    "hb": (3, 20),  # g/dL
    "sistolik": (60, 260),  # mmHg
    "diastolik": (30, 160),
    "ttd_diterima": (0, 120),  # tablets
    "ttd_diminum": (0, 120),
}


def _bounded(name: str):
    low, high = BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


class Examiner(models.TextChoices):
    BIDAN = "bidan", _("Midwife")
    DOKTER = "dokter", _("Doctor")
    LAINNYA = "lainnya", _("Other health worker")


class KbDecision(models.TextChoices):
    """A contraceptive method of the family list (``families.models.ContraceptiveMethod``,
    not imported: the families models import these; a test keeps the two the same), or no
    method (yet)."""

    PIL = "pil", _("Pill")
    SUNTIK = "suntik", _("Injectable")
    IUD = "iud", _("IUD")
    IMPLAN = "implan", _("Implant")
    MOW = "mow", _("Female sterilisation (MOW)")
    MOP = "mop", _("Male sterilisation (MOP)")
    KONDOM = "kondom", _("Condom")
    MAL = "mal", _("Lactational amenorrhoea (MAL)")
    TRADISIONAL = "tradisional", _("Traditional")
    BELUM = "belum", _("Not decided yet")
    TIDAK = "tidak", _("No contraception")

    @classmethod
    def methods(cls) -> frozenset[str]:
        """The decisions that are a method (chosen KB)."""
        return frozenset(cls.values) - {cls.BELUM, cls.TIDAK}


class AncContactQuerySet(ScopedQuerySet):
    scope_field = "target__desa__kode"


class AncContact(models.Model):
    """An antenatal care contact of a pregnant woman, as the TPK hears of it or sees it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="anc_contacts")
    tanggal = models.DateField(_("ANC contact date"))
    tempat = models.CharField(_("place or provider"), max_length=150)
    pemeriksa = models.CharField(_("examined by"), max_length=10, choices=Examiner.choices)
    berat = models.DecimalField(
        _("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True,
        validators=_bounded("berat"),
    )  # fmt: skip
    lila = models.DecimalField(
        _("LiLA (cm)"), max_digits=3, decimal_places=1, null=True, blank=True,
        validators=_bounded("lila"),
    )  # fmt: skip
    hb = models.DecimalField(
        _("Hb (g/dL)"), max_digits=3, decimal_places=1, null=True, blank=True,
        validators=_bounded("hb"),
    )  # fmt: skip
    sistolik = models.PositiveSmallIntegerField(
        _("systolic blood pressure (mmHg)"), null=True, blank=True, validators=_bounded("sistolik")
    )
    diastolik = models.PositiveSmallIntegerField(
        _("diastolic blood pressure (mmHg)"),
        null=True,
        blank=True,
        validators=_bounded("diastolik"),
    )
    ttd_diterima = models.PositiveSmallIntegerField(
        _("iron tablets (TTD) received"), default=0, validators=_bounded("ttd_diterima")
    )
    # Taken since the previous contact (her own count, or the empty strips).
    ttd_diminum = models.PositiveSmallIntegerField(
        _("iron tablets (TTD) taken since the last contact"),
        default=0,
        validators=_bounded("ttd_diminum"),
    )
    kelas_ibu_hamil = models.BooleanField(
        _("attended a kelas ibu hamil since the last contact"), default=False
    )
    catatan = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AncContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("ANC contact")
        verbose_name_plural = _("ANC contacts")
        ordering = ["target_id", "tanggal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "tanggal"], name="anc_one_contact_a_day"),
            models.CheckConstraint(
                condition=Q(sistolik__isnull=True)
                | Q(diastolik__isnull=True)
                | Q(diastolik__lt=F("sistolik")),
                name="anc_diastolic_below_systolic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.nama} ANC {self.tanggal}"


class KbPascaPersalinanQuerySet(ScopedQuerySet):
    scope_field = "target__desa__kode"


class KbPascaPersalinan(models.Model):
    """The contraception decision of a mother after delivery (one per delivery)."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="kb_pasca")
    keputusan = models.CharField(_("KB decision"), max_length=12, choices=KbDecision.choices)
    tanggal = models.DateField(_("decision date"))
    catatan = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KbPascaPersalinanQuerySet.as_manager()

    class Meta:
        verbose_name = _("KB pasca persalinan")
        verbose_name_plural = _("KB pasca persalinan")

    def __str__(self) -> str:
        return f"{self.target.nama} KB {self.keputusan}"

    @property
    def is_method(self) -> bool:
        return self.keputusan in KbDecision.methods()

    @property
    def within_42_days(self) -> bool:
        return kb_within_42_days(self.target.tanggal_persalinan, self.tanggal)


class NifasVisitQuerySet(ScopedQuerySet):
    scope_field = "target__desa__kode"


class NifasVisit(models.Model):
    """A postnatal (nifas) check of a mother by a health worker, within 42 days of delivery."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="nifas_visits")
    tanggal = models.DateField(_("nifas visit date"))
    tempat = models.CharField(_("place or provider"), max_length=150)
    pemeriksa = models.CharField(_("examined by"), max_length=10, choices=Examiner.choices)
    catatan = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NifasVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("nifas visit")
        verbose_name_plural = _("nifas visits")
        ordering = ["target_id", "tanggal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "tanggal"], name="nifas_one_visit_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.target.nama} KF {self.tanggal}"


__all__ = ["AncContact", "Examiner", "KbDecision", "KbPascaPersalinan", "NifasVisit"]
