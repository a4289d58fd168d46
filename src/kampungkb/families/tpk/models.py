"""TPK accompaniment: the targets (sasaran) a team accompanies, the teams of each desa and their
visits.

A target is one person in one stage of the life cycle (a catin couple, a pregnant woman, a
mother after delivery, a child under two or under five); when the stage ends by its rule
(``families.tpk.lifecycle``) the target is closed and, where the person moves on to the next
stage, a new target continues it (``previous``). Later work adds screening and ANC data to a
target or a visit; the kind decides which applies.

The team's three members (bidan, PKK cadre, KB cadre) are cadres of the convergence app, which
sits above families: it links them to a team (``convergence.cadres.models.TpkMembership``,
reverse relation ``team.memberships``), so nothing here imports it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.privacy import mask_nik
from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.growth.models import NIK_VALIDATOR
from kampungkb.wilayah.models import Level

# The cadre roles of a complete team, as convergence's CadreRole names them (a test checks).
TEAM_ROLES = ("tpk_bidan", "tpk_pkk", "tpk_kb")

# Birth weight under 2,500 g is BBLR; a birth length under 48 cm is short (Kemenkes).
BBLR_GRAMS = 2500
SHORT_BIRTH_LENGTH_CM = 48


class TargetKind(models.TextChoices):
    CATIN = "catin", _("Bride and groom (catin)")
    IBU_HAMIL = "ibu_hamil", _("Pregnant woman")
    PASCA_PERSALINAN = "pasca_persalinan", _("Mother after delivery")
    BADUTA = "baduta", _("Child under two (baduta)")
    BALITA = "balita", _("Child under five (balita)")


class EndReason(models.TextChoices):
    MARRIED = "menikah", _("Married")
    DELIVERED = "melahirkan", _("Delivered")
    POSTPARTUM_OVER = "nifas_selesai", _("42 days after delivery passed")
    TURNED_TWO = "usia_2", _("Child turned 2")
    TURNED_FIVE = "usia_5", _("Child turned 5")
    # Closed by hand (``services.target_close``), not by the life-cycle rule.
    MOVED_OUT = "pindah", _("Moved out of the area")
    DIED = "meninggal", _("Died")
    MISTAKE = "salah_daftar", _("Registered by mistake")
    OTHER = "lainnya", _("Other reason")


# The reasons a user closes a target with; only such a close can be reopened.
MANUAL_END_REASONS = (EndReason.MOVED_OUT, EndReason.DIED, EndReason.MISTAKE, EndReason.OTHER)


class DeliveryOutcome(models.TextChoices):
    LIVE_BIRTH = "lahir_hidup", _("Live birth")
    STILLBIRTH = "lahir_mati", _("Stillbirth")
    MISCARRIAGE = "keguguran", _("Miscarriage")


class VisitKind(models.TextChoices):
    KIE = "kie", _("Counselling (penyuluhan/KIE)")
    RUJUKAN = "rujukan", _("Referral facilitation")
    BANSOS = "bansos", _("Social assistance facilitation")
    SURVEILANS = "surveilans", _("Surveillance")


class TpkTeamQuerySet(ScopedQuerySet):
    scope_field = "desa__kode"


class TpkTeam(models.Model):
    """A Tim Pendamping Keluarga of a desa."""

    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa"),
        on_delete=models.PROTECT,
        related_name="tpk_teams",
        limit_choices_to={"level": Level.DESA},
    )
    nama = models.CharField(_("name"), max_length=100)
    aktif = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TpkTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("TPK team")
        verbose_name_plural = _("TPK teams")
        ordering = ["desa_id", "nama"]
        constraints = [
            models.UniqueConstraint(fields=["desa", "nama"], name="tpk_team_name_per_desa"),
        ]

    def __str__(self) -> str:
        return self.nama

    def missing_roles(self) -> list[str]:
        """The cadre roles (``TEAM_ROLES``) no member of this team holds."""
        held = {m.peran for m in self.memberships.all()}
        return [role for role in TEAM_ROLES if role not in held]


class TargetQuerySet(ScopedQuerySet):
    scope_field = "desa__kode"

    def active(self):
        return self.filter(aktif=True)


class Target(models.Model):
    """A person (or a catin couple) the TPK accompanies in one stage of the life cycle."""

    kind = models.CharField(_("target type"), max_length=20, choices=TargetKind.choices)
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa"),
        on_delete=models.PROTECT,
        related_name="tpk_targets",
        limit_choices_to={"level": Level.DESA},
    )
    team = models.ForeignKey(
        TpkTeam,
        verbose_name=_("TPK team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    nama = models.CharField(_("name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[NIK_VALIDATOR])
    tanggal_lahir = models.DateField(_("date of birth"), null=True, blank=True)
    # Where the target came from, when known.
    member = models.ForeignKey(
        "families.FamilyMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tpk_targets",
    )
    keluarga = models.ForeignKey(
        "families.Keluarga",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tpk_targets",
    )
    # Baduta/balita: the child; pasca persalinan: the baby, once registered in growth.
    child = models.ForeignKey(
        "growth.Child",
        verbose_name=_("child"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tpk_targets",
    )
    # Catin: the partner and the marriage.
    nama_pasangan = models.CharField(_("partner's name"), max_length=150, blank=True)
    nik_pasangan = models.CharField(
        _("partner's NIK"), max_length=16, blank=True, validators=[NIK_VALIDATOR]
    )
    tanggal_rencana_nikah = models.DateField(_("planned marriage date"), null=True, blank=True)
    tanggal_nikah = models.DateField(_("marriage date (recorded)"), null=True, blank=True)
    # Pregnancy: the first day of the last menstrual period or the estimated due date.
    hpht = models.DateField(_("first day of last period (HPHT)"), null=True, blank=True)
    hpl = models.DateField(_("estimated due date (HPL)"), null=True, blank=True)
    # Delivery (on the pregnancy it ends, and on the pasca persalinan target that follows).
    tanggal_persalinan = models.DateField(_("delivery date"), null=True, blank=True)
    hasil_persalinan = models.CharField(
        _("delivery outcome"), max_length=20, choices=DeliveryOutcome.choices, blank=True
    )
    berat_lahir = models.PositiveSmallIntegerField(
        _("birth weight (g)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(300), MaxValueValidator(7000)],
    )
    panjang_lahir = models.DecimalField(
        _("birth length (cm)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(65)],
    )
    tanggal_daftar = models.DateField(_("registration date"))
    aktif = models.BooleanField(_("active"), default=True)
    tanggal_selesai = models.DateField(_("end date"), null=True, blank=True)
    alasan_selesai = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    catatan_selesai = models.TextField(_("closing note"), blank=True)
    # Why a close by hand was undone (the last reopening; the audit trail keeps every one).
    catatan_buka = models.TextField(_("reason for reopening"), blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_stage"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("TPK target")
        verbose_name_plural = _("TPK targets")
        ordering = ["desa_id", "kind", "nama", "id"]
        indexes = [models.Index(fields=["desa", "aktif", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="catin") | Q(tanggal_rencana_nikah__isnull=False),
                name="tpk_catin_has_marriage_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ibu_hamil") | Q(hpht__isnull=False) | Q(hpl__isnull=False),
                name="tpk_pregnancy_has_hpht_or_hpl",
            ),
            models.CheckConstraint(
                condition=~Q(kind="pasca_persalinan") | Q(tanggal_persalinan__isnull=False),
                name="tpk_postpartum_has_delivery_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["baduta", "balita"]) | Q(child__isnull=False),
                name="tpk_child_target_has_child",
            ),
            models.CheckConstraint(
                condition=Q(aktif=True) | Q(tanggal_selesai__isnull=False),
                name="tpk_ended_target_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.get_kind_display()})"

    @property
    def closed_by_hand(self) -> bool:
        """Whether a user closed this target (moved out, died, ...), not its life-cycle rule."""
        return not self.aktif and self.alasan_selesai in MANUAL_END_REASONS

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def is_bblr(self) -> bool:
        """Low birth weight (under 2,500 g), when the weight is known."""
        return self.berat_lahir is not None and self.berat_lahir < BBLR_GRAMS

    @property
    def is_short_at_birth(self) -> bool:
        """Birth length under 48 cm, when known."""
        return self.panjang_lahir is not None and self.panjang_lahir < SHORT_BIRTH_LENGTH_CM


class VisitQuerySet(ScopedQuerySet):
    scope_field = "target__desa__kode"


class Visit(models.Model):
    """An accompaniment visit of a TPK to a target."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="visits")
    team = models.ForeignKey(
        TpkTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    tanggal = models.DateField(_("visit date"))
    jenis = models.CharField(_("type of visit"), max_length=20, choices=VisitKind.choices)
    temuan = models.TextField(_("findings"), blank=True)
    rujukan = models.BooleanField(_("referral made"), default=False)
    rujukan_ke = models.CharField(_("referred to"), max_length=150, blank=True)
    tindak_lanjut_tanggal = models.DateField(_("follow-up date"), null=True, blank=True)
    tindak_lanjut_hasil = models.TextField(_("follow-up result"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("TPK visit")
        verbose_name_plural = _("TPK visits")
        ordering = ["target_id", "-tanggal", "-id"]
        indexes = [models.Index(fields=["target", "tanggal"]), models.Index(fields=["tanggal"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rujukan=True) | Q(rujukan_ke=""), name="tpk_referral_place_if_referred"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.nama} {self.tanggal}"


__all__ = [
    "MANUAL_END_REASONS",
    "DeliveryOutcome",
    "EndReason",
    "Target",
    "TargetKind",
    "TpkTeam",
    "Visit",
    "VisitKind",
]
