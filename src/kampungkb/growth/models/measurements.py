"""Measurements of children, with what is computed when they are written."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.growth.models.children import Child
from kampungkb.growth.models.places import Posyandu
from kampungkb.growth.plausibility import reasons_text


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
    # Values the plausibility rules (growth.plausibility) question, saved after the kader
    # confirmed them or by an import: they count nowhere (no status, no growth code, no
    # analytics) until a reviewer confirms them or they are corrected.
    # Defaults in the database too: raw bulk inserts (the demo seed, core.bulk) leave them out.
    needs_check = models.BooleanField(_("needs checking"), default=False, db_default=False)
    #: The rules that questioned them: codes of ``plausibility.Reason``, space-separated.
    check_reasons = models.CharField(
        _("why it needs checking"), max_length=200, blank=True, default="", db_default=""
    )
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

    @property
    def check_reasons_text(self) -> list[str]:
        """Why the measurement needs checking, as labels (see ``growth.plausibility``)."""
        return reasons_text(self.check_reasons)
