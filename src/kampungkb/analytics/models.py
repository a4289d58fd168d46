"""Analysis and publication: stored summaries, survey figures, targets, priority weights and
frozen publications.

The summary tables are derived data: ``services.summaries_rebuild`` replaces them from the
stored measurements. Everything else here is entered by people and kept.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet


class PeriodType(models.TextChoices):
    MONTH = "month", _("Month")
    PENIMBANGAN = "penimbangan", _("Weighing month (Feb/Aug)")
    YEAR = "year", _("Year")


class Indicator(models.TextChoices):
    STUNTING = "stunting", _("Stunting")
    SEVERE_STUNTING = "severe_stunting", _("Severe stunting")
    WASTING = "wasting", _("Wasting")
    SEVERE_WASTING = "severe_wasting", _("Severe wasting")
    UNDERWEIGHT = "underweight", _("Underweight")
    OVERWEIGHT = "overweight", _("Overweight")


class SummaryLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KECAMATAN = "kecamatan", _("Sub-district")
    DESA = "desa_kelurahan", _("Village")


class Group(models.TextChoices):
    ALL = "all", _("All desa")
    KAMPUNG_KB = "kampung_kb", _("Kampung KB desa")
    OTHER = "other", _("Other desa")


class SummaryQuerySet(ScopedQuerySet):
    scope_field = "wilayah_kode"


class _SummaryKey(models.Model):
    wilayah_kode = models.CharField(_("wilayah code"), max_length=13)
    level = models.CharField(_("level"), max_length=15, choices=SummaryLevel.choices)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices, default="all")
    period_type = models.CharField(_("period type"), max_length=12, choices=PeriodType.choices)
    period_start = models.DateField(_("period start"))

    objects = SummaryQuerySet.as_manager()

    class Meta:
        abstract = True


class PrevalenceSummary(_SummaryKey):
    """One cell: an area (or its Kampung KB / other desa) × period × indicator."""

    indicator = models.CharField(_("indicator"), max_length=16, choices=Indicator.choices)
    n = models.IntegerField(_("children measured (valid)"))
    cases = models.IntegerField(_("cases"))
    prevalence = models.FloatField(_("prevalence"), null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)

    class Meta:
        verbose_name = _("prevalence summary")
        verbose_name_plural = _("prevalence summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["wilayah_kode", "group", "period_type", "period_start", "indicator"],
                name="prevalence_summary_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(cases__lte=models.F("n")) & Q(cases__gte=0),
                name="prevalence_summary_cases_within_n",
            ),
        ]
        indexes = [
            models.Index(fields=["period_type", "indicator", "wilayah_kode"]),
        ]

    def __str__(self) -> str:
        return f"{self.wilayah_kode} {self.group} {self.period_start} {self.indicator}"


class QualitySummary(_SummaryKey):
    """Coverage and data quality of an area × period (independent of the indicator)."""

    n_registered = models.IntegerField(_("children registered and under five"))
    n_measured = models.IntegerField(_("children measured"))
    coverage = models.FloatField(_("coverage"), null=True)
    n_records = models.IntegerField(_("measurements recorded"))
    n_flagged = models.IntegerField(_("measurements flagged"))
    n_missing_height = models.IntegerField(_("measurements without length/height"))
    n_height = models.IntegerField(_("measurements with length/height"))
    n_digit_05 = models.IntegerField(_("lengths/heights ending in .0 or .5"))
    share_flagged = models.FloatField(null=True)
    share_missing_height = models.FloatField(null=True)
    digit_preference = models.FloatField(null=True)

    class Meta:
        verbose_name = _("coverage and quality summary")
        verbose_name_plural = _("coverage and quality summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["wilayah_kode", "group", "period_type", "period_start"],
                name="quality_summary_unique_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wilayah_kode} {self.group} {self.period_start}"


class SummaryState(models.Model):
    """When the summaries were last rebuilt and how long it took (one row); since when the
    records they are built from have changes the summaries do not show, and when a refresh
    last failed and why (so a page can say its figures are behind)."""

    rebuilt_at = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)
    n_measurements = models.IntegerField(default=0)
    n_rows = models.IntegerField(default=0)
    # The earliest change the summaries do not show yet (the pages say "since" it; stale once
    # it has waited too long, however many changes follow it).
    changed_at = models.DateTimeField(null=True)
    # When the rebuild running (or the last one started) began to read: a change before it
    # is covered once that rebuild is committed.
    rebuild_from = models.DateTimeField(null=True)
    failed_at = models.DateTimeField(null=True)
    failure = models.CharField(max_length=300, blank=True)
    # When the last refresh queued on the worker's deferred queue is due: until shortly
    # before then, a change needs no refresh of its own (that one starts after it).
    refresh_due = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return str(self.rebuilt_at)


class SurveyName(models.TextChoices):
    SSGI = "ssgi", "SSGI"
    SKI = "ski", "SKI"
    RISKESDAS = "riskesdas", "Riskesdas"
    OTHER = "other", _("Other survey")


class SurveyFigure(models.Model):
    """A survey prevalence (SSGI, SKI, ...) for an area and year, with its source.

    Kept apart from the posyandu (e-PPGBM) figures: surveys sample and measure differently.
    """

    survey = models.CharField(_("survey"), max_length=12, choices=SurveyName.choices)
    tahun = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="survey_figures",
    )
    indicator = models.CharField(
        _("indicator"), max_length=16, choices=Indicator.choices, default=Indicator.STUNTING
    )
    prevalensi = models.DecimalField(
        _("prevalence (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    sumber = models.CharField(_("source"), max_length=400)
    catatan = models.CharField(_("notes"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey figure")
        verbose_name_plural = _("survey figures")
        ordering = ["wilayah_id", "indicator", "tahun", "survey"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "tahun", "wilayah", "indicator"], name="survey_figure_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_survey_display()} {self.tahun} {self.wilayah_id}: {self.prevalensi}%"


class TargetScope(models.TextChoices):
    NATIONAL = "national", _("National")
    DISTRICT = "district", _("District")


class Target(models.Model):
    """A prevalence target for a year: national (no wilayah) or the district's own."""

    scope = models.CharField(_("target of"), max_length=10, choices=TargetScope.choices)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    tahun = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    indicator = models.CharField(
        _("indicator"), max_length=16, choices=Indicator.choices, default=Indicator.STUNTING
    )
    nilai = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    sumber = models.CharField(_("source"), max_length=400)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["scope", "wilayah_id", "indicator", "tahun"]
        constraints = [
            # One target per year and indicator: nationally, and per district. Two partial
            # constraints, because SQLite cannot treat the national rows' NULL wilayah as equal.
            models.UniqueConstraint(
                fields=["tahun", "indicator"],
                condition=Q(scope="national"),
                name="target_unique_national",
            ),
            models.UniqueConstraint(
                fields=["wilayah", "tahun", "indicator"],
                condition=Q(scope="district"),
                name="target_unique_district",
            ),
            models.CheckConstraint(
                condition=Q(scope="national", wilayah__isnull=True)
                | Q(scope="district", wilayah__isnull=False),
                name="target_national_has_no_wilayah",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.tahun}: {self.nilai}%"


class PriorityWeights(models.Model):
    """How much each criterion counts in the priority-desa (lokus) ranking of a district."""

    kabupaten = models.OneToOneField(
        "wilayah.Wilayah",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="priority_weights",
    )
    w_prevalence = models.PositiveSmallIntegerField(_("weight: stunting prevalence"), default=35)
    w_cases = models.PositiveSmallIntegerField(_("weight: number of stunted children"), default=25)
    w_trend = models.PositiveSmallIntegerField(_("weight: trend (rise in prevalence)"), default=15)
    w_coverage = models.PositiveSmallIntegerField(_("weight: low weighing coverage"), default=15)
    w_quality = models.PositiveSmallIntegerField(_("weight: poor data quality"), default=10)
    # The share of KRS among the target families of the desa (analytics.priority).
    w_krs = models.PositiveSmallIntegerField(
        _("weight: families at risk of stunting (KRS share)"), default=0
    )
    n_lokus = models.PositiveSmallIntegerField(
        _("number of priority desa (lokus)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("priority weights")
        verbose_name_plural = _("priority weights")

    def __str__(self) -> str:
        return str(self.kabupaten_id)


class Publication(models.Model):
    """A published period of a district (aksi 7): a frozen copy of its figures.

    Publishing the same period again makes a new version; older versions are kept.
    """

    kabupaten = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    period_type = models.CharField(_("period type"), max_length=12, choices=PeriodType.choices)
    period_start = models.DateField(_("period start"))
    version = models.PositiveSmallIntegerField(_("version"))
    catatan = models.CharField(_("notes"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "period_type", "period_start", "version"],
                name="publication_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kabupaten_id} {self.period_type} {self.period_start} v{self.version}"


class PublishedFigure(models.Model):
    """One frozen cell of a publication: its true figures and what the public may see of them.

    ``n_hidden`` and ``cases_hidden`` are decided once, when the version is published
    (``publication.suppression_plan``), and never recomputed: what a version showed is fixed
    like its numbers, so a later version can be checked against it. They are None on versions
    published before they were stored; those are suppressed on display, as they always were.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="figures")
    wilayah_kode = models.CharField(max_length=13)
    wilayah_nama = models.CharField(max_length=100)
    parent_kode = models.CharField(max_length=13, blank=True)
    level = models.CharField(max_length=15, choices=SummaryLevel.choices)
    group = models.CharField(max_length=12, choices=Group.choices, default="all")
    indicator = models.CharField(max_length=16, choices=Indicator.choices)
    n = models.IntegerField()
    cases = models.IntegerField()
    prevalence = models.FloatField(null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    coverage = models.FloatField(null=True)
    n_hidden = models.BooleanField(null=True)
    cases_hidden = models.BooleanField(null=True)

    class Meta:
        ordering = ["publication_id", "wilayah_kode", "group", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "wilayah_kode", "group", "indicator"],
                name="published_figure_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.wilayah_kode} {self.indicator}"


class KrsSummary(_SummaryKey):
    """The families at risk of stunting (KRS) of an area (or its Kampung KB / other desa) in a
    family survey round: ``period_type`` is always "year", ``period_start`` 1 January of the
    round. Counts of survey rounds (``families.stats.krs_counts``), summed from the desa."""

    families = models.IntegerField(_("families surveyed"))
    sasaran = models.IntegerField(_("target families"))
    krs = models.IntegerField(_("KRS families"))
    f_air = models.IntegerField(_("drinking water not proper"))
    f_jamban = models.IntegerField(_("latrine not proper"))
    f_muda = models.IntegerField(_("wife too young"))
    f_tua = models.IntegerField(_("wife too old"))
    f_dekat = models.IntegerField(_("births too close"))
    f_banyak = models.IntegerField(_("too many children"))
    stunted = models.IntegerField(_("families with a stunted child"))
    pus = models.IntegerField(_("PUS"))
    pus_kb_modern = models.IntegerField(_("PUS using a modern method"))
    members = models.IntegerField(_("members"))
    jkn_known = models.IntegerField(_("members with a recorded JKN answer"))
    jkn_yes = models.IntegerField(_("members with JKN"))
    akta_known = models.IntegerField(_("members with a recorded birth certificate answer"))
    akta_yes = models.IntegerField(_("members with a birth certificate"))
    krs_share = models.FloatField(_("KRS among target families"), null=True)
    mcpr = models.FloatField(_("mCPR"), null=True)

    class Meta:
        verbose_name = _("KRS summary")
        verbose_name_plural = _("KRS summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["wilayah_kode", "group", "period_type", "period_start"],
                name="krs_summary_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(krs__lte=models.F("sasaran")) & Q(sasaran__lte=models.F("families")),
                name="krs_summary_krs_within_sasaran",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wilayah_kode} {self.group} {self.period_start} KRS"

    @property
    def tahun(self) -> int:
        return self.period_start.year


# --- TPK accompaniment summaries (issue 14 item 7; built by analytics.tpk_cube) ------------


class TpkPeriod(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class TpkSummary(_SummaryKey):
    """The TPK accompaniment figures of an area (or its Kampung KB / other desa) in a quarter
    or a year (``period_start``: its first day): counts only, summed from the desa
    (``tpk_cube`` says what each counts); the shares are computed when read."""

    period_type = models.CharField(_("period type"), max_length=12, choices=TpkPeriod.choices)
    krs = models.IntegerField(_("KRS families"))
    krs_accompanied = models.IntegerField(_("KRS families accompanied"))
    catin_registered = models.IntegerField(_("catin registered"))
    catin_screened = models.IntegerField(_("catin screened"))
    catin_screened_early = models.IntegerField(_("catin screened 3 months before the marriage"))
    catin_at_risk = models.IntegerField(_("catin at risk"))
    pregnant = models.IntegerField(_("pregnant women"))
    pregnant_kek = models.IntegerField(_("pregnant women with KEK"))
    pregnant_anaemia = models.IntegerField(_("pregnant women with anaemia"))
    pregnant_k4 = models.IntegerField(_("pregnant women with K4"))
    pregnant_k6 = models.IntegerField(_("pregnant women with K6"))
    pregnant_ttd90 = models.IntegerField(_("pregnant women with TTD >= 90"))
    deliveries = models.IntegerField(_("deliveries"))
    kb_pasca = models.IntegerField(_("mothers with KB pasca persalinan within 42 days"))
    scorecard_y = models.IntegerField(_("scorecard cells Y"))
    scorecard_applicable = models.IntegerField(_("scorecard cells that apply"))

    # (share name, numerator, denominator): what the pages, sheets and the review show.
    SHARES = (
        ("krs_accompanied_share", "krs_accompanied", "krs"),
        ("catin_screened_share", "catin_screened", "catin_registered"),
        ("catin_early_share", "catin_screened_early", "catin_registered"),
        ("catin_at_risk_share", "catin_at_risk", "catin_screened"),
        ("kek_share", "pregnant_kek", "pregnant"),
        ("anaemia_share", "pregnant_anaemia", "pregnant"),
        ("k4_share", "pregnant_k4", "pregnant"),
        ("k6_share", "pregnant_k6", "pregnant"),
        ("ttd90_share", "pregnant_ttd90", "pregnant"),
        ("kb_pasca_share", "kb_pasca", "deliveries"),
        ("convergence_level", "scorecard_y", "scorecard_applicable"),
    )

    class Meta:
        verbose_name = _("TPK summary")
        verbose_name_plural = _("TPK summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["wilayah_kode", "group", "period_type", "period_start"],
                name="tpk_summary_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(krs_accompanied__lte=models.F("krs"))
                & Q(catin_screened__lte=models.F("catin_registered"))
                & Q(catin_at_risk__lte=models.F("catin_screened"))
                & Q(kb_pasca__lte=models.F("deliveries"))
                & Q(scorecard_y__lte=models.F("scorecard_applicable")),
                name="tpk_summary_numerators_within_denominators",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wilayah_kode} {self.group} {self.period_type} {self.period_start} TPK"

    def share(self, name: str) -> float | None:
        """The share ``name`` of ``SHARES`` (None when its denominator is 0)."""
        _name, num, den = next(s for s in self.SHARES if s[0] == name)
        n = getattr(self, den)
        return getattr(self, num) / n if n else None

    @property
    def shares(self) -> dict[str, float | None]:
        return {name: self.share(name) for name, _num, _den in self.SHARES}

    @property
    def quarter(self) -> int | None:
        if self.period_type != TpkPeriod.QUARTER:
            return None
        return (self.period_start.month - 1) // 3 + 1


class PublishedKrsFigure(models.Model):
    """The frozen KRS figures of an area in a publication (the round of its period's year):
    target families as ``n``, KRS families as ``cases``, so that the public site hides them
    by the same rule as the prevalence figures (``publication``); decided once, at publishing,
    against the versions of the period before it, like ``PublishedFigure``."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="krs_figures"
    )
    wilayah_kode = models.CharField(max_length=13)
    wilayah_nama = models.CharField(max_length=100)
    parent_kode = models.CharField(max_length=13, blank=True)
    level = models.CharField(max_length=15, choices=SummaryLevel.choices)
    group = models.CharField(max_length=12, choices=Group.choices, default="all")
    tahun = models.PositiveSmallIntegerField(_("survey round (year)"))
    n = models.IntegerField(_("target families"))
    cases = models.IntegerField(_("KRS families"))
    prevalence = models.FloatField(_("KRS among target families"), null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    n_hidden = models.BooleanField(null=True)
    cases_hidden = models.BooleanField(null=True)

    class Meta:
        ordering = ["publication_id", "wilayah_kode", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "wilayah_kode", "group"],
                name="published_krs_figure_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.wilayah_kode} KRS {self.tahun}"
