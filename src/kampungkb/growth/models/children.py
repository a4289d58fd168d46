"""Children under five (balita), registered in a desa."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.growth.models.places import Posyandu
from kampungkb.wilayah.models import Level

NIK_VALIDATOR = RegexValidator(r"^[0-9]{16}$", _("A NIK has exactly 16 digits."))


class Sex(models.TextChoices):
    LAKI_LAKI = "L", _("Boy")
    PEREMPUAN = "P", _("Girl")


class ChildQuerySet(ScopedQuerySet):
    scope_field = "desa__kode"


class Child(models.Model):
    """A child under five (balita), registered in a desa and usually a posyandu."""

    nik = models.CharField(
        _("NIK"), max_length=16, null=True, blank=True, unique=True, validators=[NIK_VALIDATOR]
    )
    nama = models.CharField(_("name"), max_length=150)
    jenis_kelamin = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    tanggal_lahir = models.DateField(_("date of birth"))
    berat_lahir = models.DecimalField(
        _("birth weight (kg)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.3), MaxValueValidator(7)],
    )
    panjang_lahir = models.DecimalField(
        _("birth length (cm)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(65)],
    )
    nama_ibu = models.CharField(_("mother's name"), max_length=150, blank=True)
    nik_ibu = models.CharField(
        _("mother's NIK"), max_length=16, blank=True, validators=[NIK_VALIDATOR]
    )
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa"),
        on_delete=models.PROTECT,
        related_name="children_registered",
        limit_choices_to={"level": Level.DESA},
    )
    posyandu = models.ForeignKey(
        Posyandu,
        verbose_name=_("posyandu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    punya_buku_kia = models.BooleanField(_("has a KMS / Buku KIA"), null=True, blank=True)
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    alamat = models.CharField(_("address"), max_length=250, blank=True)
    # Normalised name|dob|mother|desa: how a child without NIK is matched on import.
    match_key = models.CharField(max_length=400, db_index=True, editable=False)
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["desa_id", "nama"]
        indexes = [models.Index(fields=["desa", "nama"])]

    def __str__(self) -> str:
        return self.nama
