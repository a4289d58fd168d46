"""Children under five, posyandu and their measurements, with what is computed at write."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.wilayah.models import Level

NIK_VALIDATOR = RegexValidator(r"^\d{16}$", _("A NIK has exactly 16 digits."))


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


class MeasureMethod(models.TextChoices):
    PB = "PB", _("PB (lying)")
    TB = "TB", _("TB (standing)")


class MeasurementSource(models.TextChoices):
    POSYANDU = "posyandu", _("Posyandu")
    BULAN_PENIMBANGAN = "bulan_penimbangan", _("Weighing month (Feb/Aug)")
    IMPORT = "import", _("e-PPGBM import")


class GrowthCode(models.TextChoices):
    N = "N", _("N (gained enough)")
    T = "T", _("T (did not gain enough)")
    O = "O", _("O (not weighed last month)")  # noqa: E741 - the posyandu code is the letter O
    B = "B", _("B (first weighing)")


class MeasurementQuerySet(ScopedQuerySet):
    scope_field = "child__desa__kode"


class Measurement(models.Model):
    """One weighing/measuring of a child. Raw values are kept as entered; everything below
    ``computed`` is derived by ``growth.compute`` when the row is written or recomputed."""

    # Each row is rewritten by a recompute and every index costs a write, so no index repeats
    # another: child and posyandu lead the (child, tanggal) and (posyandu, tanggal) indexes.
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="measurements", db_index=False
    )
    tanggal = models.DateField(_("measurement date"))
    posyandu = models.ForeignKey(
        Posyandu,
        verbose_name=_("posyandu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measurements",
        db_index=False,
    )
    berat = models.DecimalField(
        _("weight (kg)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    tinggi = models.DecimalField(
        _("length/height (cm)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    cara_ukur = models.CharField(
        _("how measured"), max_length=2, choices=MeasureMethod.choices, blank=True
    )
    oedema = models.BooleanField(_("oedema"), default=False)
    lila = models.DecimalField(
        _("arm circumference, LiLA (cm)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    lingkar_kepala = models.DecimalField(
        _("head circumference (cm)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    sumber = models.CharField(
        _("source"),
        max_length=20,
        choices=MeasurementSource.choices,
        default=MeasurementSource.POSYANDU,
    )
    vitamin_a = models.BooleanField(_("vitamin A given"), default=False)
    pmt_kg = models.DecimalField(
        _("PMT received (kg)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # Looked up only when a user is deleted (rare): not worth an index on every write.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    import_batch = models.ForeignKey(
        "growth.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measurements",
    )
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # computed
    umur_hari = models.IntegerField(_("age (days)"), null=True)
    umur_bulan = models.FloatField(_("age (months)"), null=True)
    clenhei = models.FloatField(null=True)
    cbmi = models.FloatField(null=True)
    zlen = models.FloatField(_("z PB/U or TB/U"), null=True)
    zwei = models.FloatField(_("z BB/U"), null=True)
    zwfl = models.FloatField(_("z BB/PB or BB/TB"), null=True)
    zbmi = models.FloatField(_("z IMT/U"), null=True)
    zhc = models.FloatField(null=True)
    zac = models.FloatField(null=True)
    flen = models.BooleanField(null=True)
    fwei = models.BooleanField(null=True)
    fwfl = models.BooleanField(null=True)
    fbmi = models.BooleanField(null=True)
    fhc = models.BooleanField(null=True)
    fac = models.BooleanField(null=True)
    cat_bbu = models.SmallIntegerField(null=True)
    cat_tbu = models.SmallIntegerField(null=True)
    cat_bbtb = models.SmallIntegerField(null=True)
    cat_imtu = models.SmallIntegerField(null=True)
    stunted = models.BooleanField(_("stunted"), null=True)
    severely_stunted = models.BooleanField(null=True)
    wasted = models.BooleanField(_("wasted"), null=True)
    severely_wasted = models.BooleanField(null=True)
    underweight = models.BooleanField(_("underweight"), null=True)
    overweight = models.BooleanField(_("overweight"), null=True)
    bgm = models.BooleanField(_("below the red line (BGM)"), null=True)
    growth_code = models.CharField(
        _("growth code"), max_length=1, choices=GrowthCode.choices, blank=True
    )
    kenaikan_gram = models.IntegerField(_("weight gain (g)"), null=True)
    kbm_gram = models.IntegerField(_("minimum gain, KBM (g)"), null=True)
    two_t = models.BooleanField(_("2T"), default=False)
    # Which KBM table gave the growth code. Not indexed and not checked by the database: a
    # recompute rewrites it on every row, and an index or constraint trigger per row would
    # cost more than the computing (KBMTable rows are reference data, never deleted in use).
    kbm_table = models.ForeignKey(
        "growth.KBMTable",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    compute_error = models.CharField(max_length=200, blank=True)
    # A digest of the computed values above (``compute.computed_digests``): a recompute
    # compares it with the digest of what it computes and rewrites only the rows that differ.
    computed_digest = models.BigIntegerField(null=True, editable=False)
    computed_at = models.DateTimeField(null=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["child_id", "tanggal"]
        constraints = [
            models.UniqueConstraint(fields=["child", "tanggal"], name="measurement_one_per_day"),
            models.CheckConstraint(
                condition=Q(berat__isnull=False)
                | Q(tinggi__isnull=False)
                | Q(lila__isnull=False)
                | Q(lingkar_kepala__isnull=False),
                name="measurement_has_a_value",
            ),
        ]
        indexes = [models.Index(fields=["tanggal"]), models.Index(fields=["posyandu", "tanggal"])]

    def __str__(self) -> str:
        return f"{self.child} {self.tanggal}"


class KBMTable(models.Model):
    """A versioned table of minimum monthly weight gain (Kenaikan Berat Minimal) by age.

    Sources disagree (e.g. month 3 is 800 g in Buku KIA 2023 and 600 g in a posyandu
    spreadsheet), so each variant is kept with its source and one is the default.
    """

    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=150)
    sumber = models.CharField(_("source"), max_length=300)
    # When a weighing follows a gap, either code it O (Buku KIA / F1 recap), or compare the
    # gain with KBM × months since the last weighing (a variant seen in posyandu sheets).
    scale_by_gap = models.BooleanField(_("scale KBM by months since last weighing"), default=False)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("KBM table")
        verbose_name_plural = _("KBM tables")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="kbm_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.nama


class KBMEntry(models.Model):
    table = models.ForeignKey(KBMTable, on_delete=models.CASCADE, related_name="entries")
    umur_bulan_dari = models.PositiveSmallIntegerField(_("from age (months)"))
    umur_bulan_sampai = models.PositiveSmallIntegerField(_("to age (months), inclusive"))
    kbm_gram = models.PositiveSmallIntegerField(_("minimum gain (g)"))

    class Meta:
        ordering = ["table_id", "umur_bulan_dari"]
        constraints = [
            models.UniqueConstraint(fields=["table", "umur_bulan_dari"], name="kbm_unique_start"),
            models.CheckConstraint(
                condition=Q(umur_bulan_sampai__gte=models.F("umur_bulan_dari")),
                name="kbm_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.umur_bulan_dari}-{self.umur_bulan_sampai} bln: {self.kbm_gram} g"


class ImportBatch(models.Model):
    """One committed e-PPGBM file: who, when, which file (by hash), and what happened."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    wilayah_kode = models.CharField(max_length=13, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    n_rows = models.IntegerField(default=0)
    n_created = models.IntegerField(default=0)
    n_updated = models.IntegerField(default=0)
    n_unchanged = models.IntegerField(default=0)
    n_rejected = models.IntegerField(default=0)
    n_children_created = models.IntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d})"


class RecomputeRun(models.Model):
    """One recompute of every stored measurement: who asked, with which KBM table, and
    what it did (rows read, rows whose values changed, rows only relabelled)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    kbm_table = models.ForeignKey(
        KBMTable, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.IntegerField(_("rows"), default=0)
    written = models.IntegerField(_("rows changed"), default=0)
    relabelled = models.IntegerField(_("rows only relabelled"), default=0)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("recompute")
        verbose_name_plural = _("recomputes")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.reason}"

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.finished_at:
            return "done"
        return "running" if self.started_at else "queued"
