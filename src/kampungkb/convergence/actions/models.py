"""The district's convergence actions: the action frameworks (2022-2024: 8 aksi; 2025: 4 main
+ 2 supporting), what the district did for each action in a year, the Rembuk commitments and
the evidence files."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.convergence.agencies import Opd
from kampungkb.convergence.years import YEAR_VALIDATORS
from kampungkb.wilayah.models import Wilayah


class ActionFramework(models.Model):
    """A version of the convergence action list (2022-2024: 8 aksi; 2025: 4 main + 2 supporting)."""

    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    tahun_mulai = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    tahun_akhir = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    sumber = models.CharField(_("source"), max_length=400)

    class Meta:
        verbose_name = _("action framework")
        verbose_name_plural = _("action frameworks")
        ordering = ["tahun_mulai"]

    def __str__(self) -> str:
        return self.nama


class ActionKind(models.TextChoices):
    AKSI = "aksi", _("Action")
    UTAMA = "utama", _("Main action")
    PENDUKUNG = "pendukung", _("Supporting action")


class ActionDefinition(models.Model):
    framework = models.ForeignKey(ActionFramework, on_delete=models.CASCADE, related_name="actions")
    nomor = models.PositiveSmallIntegerField(_("number"))
    nama = models.CharField(_("name"), max_length=200)
    jenis = models.CharField(_("kind"), max_length=10, choices=ActionKind.choices)
    pemilik = models.CharField(_("default owner"), max_length=150)
    bulan_mulai = models.PositiveSmallIntegerField(
        _("planned start month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    bulan_selesai = models.PositiveSmallIntegerField(
        _("planned end month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    keluaran = models.TextField(_("what it delivers"), blank=True)

    class Meta:
        verbose_name = _("convergence action")
        verbose_name_plural = _("convergence actions")
        ordering = ["framework__tahun_mulai", "nomor"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "nomor"], name="action_unique_number"),
            models.CheckConstraint(
                condition=Q(bulan_selesai__gte=models.F("bulan_mulai")),
                name="action_months_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomor}. {self.nama}"


class ActionStatus(models.TextChoices):
    BELUM = "belum", _("Not started")
    BERJALAN = "berjalan", _("In progress")
    SELESAI = "selesai", _("Done")


class ActionRecord(models.Model):
    """What the district did for one action in one year."""

    kabupaten = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    action = models.ForeignKey(ActionDefinition, on_delete=models.PROTECT, related_name="records")
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.BELUM
    )
    tanggal_rencana = models.DateField(_("planned date"), null=True, blank=True)
    tanggal_selesai = models.DateField(_("date done"), null=True, blank=True)
    opd = models.ForeignKey(
        Opd, verbose_name=_("owner OPD"), null=True, blank=True, on_delete=models.SET_NULL
    )
    lokus_desa = models.ManyToManyField(
        Wilayah, verbose_name=_("priority desa (lokus)"), blank=True, related_name="+"
    )
    perbup_nomor = models.CharField(_("Perbup number"), max_length=100, blank=True)
    publikasi_url = models.URLField(_("publication link"), blank=True)
    catatan_reviu = models.TextField(_("review notes"), blank=True)
    # Anything else the year's juknis asks for, e.g. {"kpm_per_desa": {...}, "catatan": "..."}.
    keluaran = models.JSONField(_("other outputs"), default=dict, blank=True)
    is_demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action record")
        verbose_name_plural = _("action records")
        ordering = ["tahun", "action__nomor"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "tahun", "action"], name="actionrecord_unique_year"
            ),
            models.CheckConstraint(
                condition=~Q(status="selesai") | Q(tanggal_selesai__isnull=False),
                name="actionrecord_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tahun} · {self.action}"


class Commitment(models.Model):
    """A Rembuk Stunting commitment and who signed it."""

    record = models.ForeignKey(ActionRecord, on_delete=models.CASCADE, related_name="commitments")
    penandatangan = models.CharField(_("signatory"), max_length=150)
    lembaga = models.CharField(_("institution"), max_length=150)
    komitmen = models.TextField(_("commitment"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["record_id", "id"]

    def __str__(self) -> str:
        return self.lembaga


class EvidenceFile(models.Model):
    record = models.ForeignKey(ActionRecord, on_delete=models.CASCADE, related_name="evidence")
    berkas = models.FileField(_("file"), upload_to="konvergensi/bukti/%Y/")
    judul = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(max_length=40)
    ukuran = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["record_id", "id"]

    def __str__(self) -> str:
        return self.judul
