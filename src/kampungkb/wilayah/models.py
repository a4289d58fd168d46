from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet, within_q

KODE_VALIDATOR = RegexValidator(
    r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$",
    _("A Kemendagri code looks like 19, 19.06, 19.06.01 or 19.06.01.2001."),
)


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KECAMATAN = "kecamatan", _("Sub-district")
    DESA = "desa_kelurahan", _("Village")


# Length of the dotted Kemendagri code at each level.
KODE_LENGTH = {Level.PROVINSI: 2, Level.KABUPATEN: 5, Level.KECAMATAN: 8, Level.DESA: 13}


class WilayahQuerySet(ScopedQuerySet):
    scope_field = "kode"

    def within(self, kode: str):
        return self.filter(within_q("kode", kode))

    def desa(self):
        return self.filter(level=Level.DESA)

    def kecamatan(self):
        return self.filter(level=Level.KECAMATAN)


class Wilayah(models.Model):
    """An administrative area: provinsi, kabupaten/kota, kecamatan or desa/kelurahan.

    Keyed by its Kemendagri code, so the code itself says what contains what.
    """

    kode = models.CharField(
        _("Kemendagri code"), max_length=13, primary_key=True, validators=[KODE_VALIDATOR]
    )
    nama = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=15, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    jenis = models.CharField(
        _("type"),
        max_length=10,
        blank=True,
        choices=[("desa", _("Desa")), ("kelurahan", _("Kelurahan"))],
    )
    kode_bps = models.CharField(_("BPS code"), max_length=10, blank=True)
    lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    lng = models.FloatField(_("centroid longitude"), null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WilayahQuerySet.as_manager()

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["kode"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="provinsi", parent__isnull=True)
                | Q(~Q(level="provinsi"), parent__isnull=False),
                name="wilayah_parent_except_provinsi",
            ),
        ]

    def __str__(self) -> str:
        return self.nama

    @property
    def is_desa(self) -> bool:
        return self.level == Level.DESA

    @property
    def kecamatan_kode(self) -> str | None:
        return self.kode[:8] if len(self.kode) >= 8 else None


class KampungKBQuerySet(ScopedQuerySet):
    scope_field = "desa__kode"


class MaturityLevel(models.TextChoices):
    DASAR = "dasar", _("Dasar")
    BERKEMBANG = "berkembang", _("Berkembang")
    MANDIRI = "mandiri", _("Mandiri")
    BERKELANJUTAN = "berkelanjutan", _("Berkelanjutan")


class KampungKB(models.Model):
    """A Kampung Keluarga Berkualitas: at most one per desa."""

    desa = models.OneToOneField(
        Wilayah,
        verbose_name=_("desa"),
        on_delete=models.PROTECT,
        related_name="kampung_kb",
        limit_choices_to={"level": Level.DESA},
    )
    nama = models.CharField(_("name"), max_length=150)
    tanggal_pencanangan = models.DateField(_("launch date (pencanangan)"), null=True, blank=True)
    sk_nomor = models.CharField(_("decree (SK) number"), max_length=100, blank=True)
    sk_tanggal = models.DateField(_("decree (SK) date"), null=True, blank=True)
    catatan = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(
        _("synthetic demo entry"),
        default=False,
        help_text=_("Made up for the demo; not a real Kampung KB."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KampungKBQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kampung KB")
        verbose_name_plural = _("Kampung KB")
        ordering = ["desa_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sk_tanggal__isnull=True) | ~Q(sk_nomor=""),
                name="kampungkb_sk_date_needs_number",
            ),
        ]

    def __str__(self) -> str:
        return self.nama

    @property
    def current_maturity(self):
        records = getattr(self, "_prefetched_objects_cache", {}).get("maturity_records")
        if records is not None:
            return max(records, key=lambda r: (r.tanggal, r.pk), default=None)
        return self.maturity_records.order_by("-tanggal", "-pk").first()


class PokjaSeksi(models.TextChoices):
    """The 8 seksi of a Pokja, mirroring the 8 family functions."""

    KEAGAMAAN = "keagamaan", _("1. Religion")
    SOSIALISASI_PENDIDIKAN = "sosialisasi_pendidikan", _("2. Socialisation and education")
    REPRODUKSI = "reproduksi", _("3. Reproduction")
    EKONOMI = "ekonomi", _("4. Economy")
    PERLINDUNGAN = "perlindungan", _("5. Protection")
    KASIH_SAYANG = "kasih_sayang", _("6. Love and affection")
    SOSIAL_BUDAYA = "sosial_budaya", _("7. Social and culture")
    PEMBINAAN_LINGKUNGAN = "pembinaan_lingkungan", _("8. Environment")


class PokjaPosition(models.TextChoices):
    PELINDUNG = "pelindung", _("Patron (Kepala Desa)")
    PENASEHAT = "penasehat", _("Adviser")
    KETUA = "ketua", _("Chair")
    SEKRETARIS = "sekretaris", _("Secretary")
    BENDAHARA = "bendahara", _("Treasurer")
    KOORDINATOR_SEKSI = "koordinator_seksi", _("Section coordinator")
    ANGGOTA = "anggota", _("Member")


class PokjaMember(models.Model):
    kampung = models.ForeignKey(KampungKB, on_delete=models.CASCADE, related_name="pokja_members")
    nama = models.CharField(_("name"), max_length=150)
    jabatan = models.CharField(_("position"), max_length=20, choices=PokjaPosition.choices)
    seksi = models.CharField(_("section"), max_length=30, choices=PokjaSeksi.choices, blank=True)
    telepon = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 -]{6,20}$", _("Enter a phone number of digits."))],
    )

    class Meta:
        verbose_name = _("Pokja member")
        verbose_name_plural = _("Pokja members")
        ordering = ["kampung_id", "id"]

    def __str__(self) -> str:
        return self.nama


class ActivityGroupType(models.TextChoices):
    BKB = "bkb", "BKB"
    BKR = "bkr", "BKR"
    BKL = "bkl", "BKL"
    UPPKA = "uppka", "UPPKA"
    PIKR = "pikr", "PIK-R"
    DASHAT = "dashat", "Dashat"
    RUMAH_DATAKU = "rumah_dataku", "Rumah DataKu"


class ActivityGroup(models.Model):
    """An activity group (poktan) of a Kampung KB and whether it runs."""

    kampung = models.ForeignKey(KampungKB, on_delete=models.CASCADE, related_name="groups")
    jenis = models.CharField(_("group"), max_length=15, choices=ActivityGroupType.choices)
    aktif = models.BooleanField(_("active"), default=False)
    tanggal_mulai = models.DateField(_("start date"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity group")
        verbose_name_plural = _("activity groups")
        ordering = ["kampung_id", "jenis"]
        constraints = [
            models.UniqueConstraint(fields=["kampung", "jenis"], name="activitygroup_unique_type"),
            models.CheckConstraint(
                condition=Q(aktif=True) | Q(tanggal_mulai__isnull=True),
                name="activitygroup_start_only_if_active",
            ),
        ]

    def __str__(self) -> str:
        return self.get_jenis_display()


class PartnerType(models.TextChoices):
    PKK = "pkk", _("PKK")
    KARANG_TARUNA = "karang_taruna", _("Karang Taruna")
    OPD = "opd", _("OPD (district agency)")
    LAINNYA = "lainnya", _("Other")


class Partner(models.Model):
    kampung = models.ForeignKey(KampungKB, on_delete=models.CASCADE, related_name="partners")
    jenis = models.CharField(_("type"), max_length=15, choices=PartnerType.choices)
    nama = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kampung_id", "jenis", "nama"]

    def __str__(self) -> str:
        return self.nama


class FundingSourceType(models.TextChoices):
    APBN = "apbn", _("APBN / BKKBN")
    APBD = "apbd", _("APBD")
    DANA_DESA = "dana_desa", _("Dana Desa / APBDes")
    CSR = "csr", _("CSR (companies)")
    SWADAYA = "swadaya", _("Community (swadaya)")
    LAINNYA = "lainnya", _("Other")


class FundingSource(models.Model):
    kampung = models.ForeignKey(KampungKB, on_delete=models.CASCADE, related_name="funding")
    sumber = models.CharField(_("source"), max_length=15, choices=FundingSourceType.choices)
    keterangan = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["kampung_id", "sumber"]

    def __str__(self) -> str:
        return self.get_sumber_display()


class MaturityRecord(models.Model):
    """A dated maturity level of a Kampung KB and who said so; the history is kept."""

    kampung = models.ForeignKey(
        KampungKB, on_delete=models.CASCADE, related_name="maturity_records"
    )
    tingkat = models.CharField(_("level"), max_length=15, choices=MaturityLevel.choices)
    tanggal = models.DateField(_("date"))
    sumber = models.CharField(
        _("source"), max_length=200, help_text=_("e.g. BKKBN Kampung KB website, assessment")
    )
    catatan = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("maturity level record")
        verbose_name_plural = _("maturity level history")
        ordering = ["kampung_id", "-tanggal", "-id"]

    def __str__(self) -> str:
        return f"{self.get_tingkat_display()} ({self.tanggal})"
