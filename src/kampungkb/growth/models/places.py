"""Where children are weighed: puskesmas and the posyandu of each desa."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.wilayah.models import Level


class Puskesmas(models.Model):
    """A community health centre; its working area is a set of desa."""

    kode = models.CharField(_("code"), max_length=20, blank=True)
    nama = models.CharField(_("name"), max_length=150)
    kecamatan = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="puskesmas",
        limit_choices_to={"level": Level.KECAMATAN},
    )
    wilayah_kerja = models.ManyToManyField(
        "wilayah.Wilayah",
        verbose_name=_("working area (desa)"),
        related_name="puskesmas_kerja",
        limit_choices_to={"level": Level.DESA},
        blank=True,
    )
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        verbose_name = _("puskesmas")
        verbose_name_plural = _("puskesmas")
        ordering = ["kecamatan_id", "nama"]
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "nama"], name="puskesmas_unique_name"),
        ]

    def __str__(self) -> str:
        return self.nama


class PosyanduQuerySet(ScopedQuerySet):
    scope_field = "desa__kode"


class Posyandu(models.Model):
    nama = models.CharField(_("name"), max_length=150)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa"),
        on_delete=models.PROTECT,
        related_name="posyandu",
        limit_choices_to={"level": Level.DESA},
    )
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    puskesmas = models.ForeignKey(
        Puskesmas,
        verbose_name=_("puskesmas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posyandu",
    )
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)

    objects = PosyanduQuerySet.as_manager()

    class Meta:
        verbose_name = _("posyandu")
        verbose_name_plural = _("posyandu")
        ordering = ["desa_id", "nama"]
        constraints = [
            models.UniqueConstraint(fields=["desa", "nama"], name="posyandu_unique_name_in_desa"),
        ]

    def __str__(self) -> str:
        return self.nama


class PosyanduAliasQuerySet(ScopedQuerySet):
    scope_field = "desa__kode"


class PosyanduAlias(models.Model):
    """Another name of a posyandu in its desa, as an import file writes it ("POSYANDU KURNYA
    1" for "Posyandu Kurnia I"): decided once by whoever imported it, then matched without a
    question. ``name_key`` is the name as the importer compares it (``places.posyandu_key``)."""

    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa"),
        on_delete=models.PROTECT,
        related_name="posyandu_aliases",
        limit_choices_to={"level": Level.DESA},
    )
    nama = models.CharField(_("name in the file"), max_length=150)
    name_key = models.CharField(max_length=150)
    posyandu = models.ForeignKey(
        Posyandu, verbose_name=_("posyandu"), on_delete=models.CASCADE, related_name="aliases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PosyanduAliasQuerySet.as_manager()

    class Meta:
        verbose_name = _("posyandu alias")
        verbose_name_plural = _("posyandu aliases")
        ordering = ["desa_id", "name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["desa", "name_key"], name="posyandu_alias_unique_name_in_desa"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama} → {self.posyandu.nama}"
