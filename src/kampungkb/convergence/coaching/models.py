"""Technical coaching of a desa and its Kampung KB by an OPD: the visits and the follow-ups
each visit agrees on."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.agencies import Opd, ProgrammeArea
from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.wilayah.models import KampungKB, Wilayah


class CoachingVisit(models.Model):
    opd = models.ForeignKey(
        Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="visits"
    )
    desa = models.ForeignKey(
        Wilayah, verbose_name=_("desa"), on_delete=models.PROTECT, related_name="+"
    )
    kampung = models.ForeignKey(
        KampungKB, null=True, blank=True, on_delete=models.SET_NULL, related_name="coaching_visits"
    )
    tanggal = models.DateField(_("date"))
    topik = models.CharField(_("topic"), max_length=200)
    programme_area = models.ForeignKey(
        ProgrammeArea,
        verbose_name=_("programme area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    temuan = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("coaching visit")
        verbose_name_plural = _("coaching visits")
        ordering = ["-tanggal", "-id"]

    def __str__(self) -> str:
        return f"{self.opd} · {self.desa} · {self.tanggal}"


class FollowUpStatus(models.TextChoices):
    TERBUKA = "terbuka", _("Open")
    SELESAI = "selesai", _("Done")


class FollowUp(models.Model):
    visit = models.ForeignKey(CoachingVisit, on_delete=models.CASCADE, related_name="follow_ups")
    tindakan = models.CharField(_("action"), max_length=300)
    # Who must act: an OPD, or (no OPD) the desa / Kampung KB itself.
    owner_opd = models.ForeignKey(
        Opd,
        verbose_name=_("owner OPD"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty when the desa / Kampung KB must act."),
    )
    penanggung_jawab = models.CharField(_("person responsible"), max_length=150)
    batas_waktu = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.TERBUKA
    )
    tanggal_selesai = models.DateField(_("date done"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["batas_waktu", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="selesai") | Q(tanggal_selesai__isnull=False),
                name="followup_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.tindakan
