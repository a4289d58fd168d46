"""Innovations of a desa, the evidence that they work and where they were replicated."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.years import YEAR_VALIDATORS
from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.wilayah.models import Wilayah


class Innovation(models.Model):
    nama = models.CharField(_("name"), max_length=200)
    desa = models.ForeignKey(
        Wilayah, verbose_name=_("desa"), on_delete=models.PROTECT, related_name="+"
    )
    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    deskripsi = models.TextField(_("description"))
    bukti = models.TextField(
        _("evidence"), help_text=_("What shows it works: figures, documents, links.")
    )
    direplikasi_di = models.ManyToManyField(
        Wilayah, verbose_name=_("replicated in"), blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["-tahun", "nama"]

    def __str__(self) -> str:
        return self.nama
