"""The district agencies (OPD) and the programme areas each leads: the reference data the
district actions, plans, coaching and indicators all point at."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Opd(models.Model):
    """A district agency (Organisasi Perangkat Daerah) or another coaching institution."""

    kode = models.CharField(_("code"), max_length=30, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    singkatan = models.CharField(_("short name"), max_length=40)

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["singkatan"]

    def __str__(self) -> str:
        return self.singkatan

    def matches(self, organisation: str) -> bool:
        """Say whether a user's free-text ``organisation`` names this OPD."""
        org = (organisation or "").strip().casefold()
        return bool(org) and org in {
            self.kode.casefold(),
            self.nama.casefold(),
            self.singkatan.casefold(),
        }


class AreaKind(models.TextChoices):
    INPRES = "inpres", _("Inpres 3/2022 programme area")
    SEKSI = "seksi", _("Pokja section")


class ProgrammeArea(models.Model):
    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    jenis = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices)
    opd = models.ForeignKey(
        Opd, verbose_name=_("lead OPD"), null=True, blank=True, on_delete=models.SET_NULL
    )
    urutan = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("programme area")
        verbose_name_plural = _("programme areas")
        ordering = ["jenis", "urutan"]

    def __str__(self) -> str:
        return self.nama
