"""The people of the convergence work in a desa: cadres (TPK, KPM, posyandu, PKK...), their
trainings and their assignments."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.wilayah.models import Wilayah


class CadreRole(models.TextChoices):
    TPK_BIDAN = "tpk_bidan", _("TPK: midwife (bidan)")
    TPK_PKK = "tpk_pkk", _("TPK: PKK cadre")
    TPK_KB = "tpk_kb", _("TPK: KB cadre")
    KPM = "kpm", _("KPM (human development cadre)")
    KADER_POSYANDU = "kader_posyandu", _("Posyandu cadre")
    PKK = "pkk", _("PKK")
    KARANG_TARUNA = "karang_taruna", _("Karang Taruna")
    POKJA = "pokja", _("Pokja member")


TPK_ROLES = (CadreRole.TPK_BIDAN, CadreRole.TPK_PKK, CadreRole.TPK_KB)


class Cadre(models.Model):
    desa = models.ForeignKey(
        Wilayah, verbose_name=_("desa"), on_delete=models.PROTECT, related_name="+"
    )
    nama = models.CharField(_("name"), max_length=150)
    peran = models.CharField(_("role"), max_length=20, choices=CadreRole.choices)
    telepon = models.CharField(_("phone"), max_length=20, blank=True)
    aktif = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["desa_id", "peran", "nama"]

    def __str__(self) -> str:
        return self.nama


class Training(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="trainings")
    tanggal = models.DateField(_("date"))
    topik = models.CharField(_("topic"), max_length=200)
    penyelenggara = models.CharField(_("organiser"), max_length=150)
    sertifikat = models.CharField(_("certificate number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["cadre_id", "-tanggal"]

    def __str__(self) -> str:
        return self.topik


class Assignment(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assignments")
    tugas = models.CharField(_("assignment"), max_length=200)
    mulai = models.DateField(_("from"))
    selesai = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["cadre_id", "-mulai"]
        constraints = [
            models.CheckConstraint(
                condition=Q(selesai__isnull=True) | Q(selesai__gte=models.F("mulai")),
                name="assignment_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.tugas


class TpkMembership(models.Model):
    """A cadre's place in a TPK team (families.TpkTeam): the team's bidan, PKK cadre or KB
    cadre. Defined here because convergence sits above families; the families app reads a
    team's members through the reverse relation ``team.memberships``."""

    team = models.ForeignKey(
        "families.TpkTeam",
        verbose_name=_("TPK team"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    cadre = models.OneToOneField(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="tpk_membership"
    )
    # The cadre's TPK role, kept on the link so that a team's roles are one query.
    peran = models.CharField(
        _("role"), max_length=20, choices=[(r.value, r.label) for r in TPK_ROLES]
    )

    class Meta:
        verbose_name = _("TPK team member")
        verbose_name_plural = _("TPK team members")
        ordering = ["team_id", "peran"]
        constraints = [
            models.UniqueConstraint(fields=["team", "peran"], name="tpk_one_member_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} ({self.get_peran_display()})"
