"""Keluarga (by family card number), their survey rounds with the members as surveyed, the
labels the KRS rule gives each round, and the versioned KRS rule sets.

A family is surveyed again and again (the BKKBN family survey and its KRS verifications): each
round (one per year of the survey date) keeps its members and its own labels, so a family can
move in and out of KRS over time. The labels are derived at write time by
``families.labels`` with the default :class:`KrsRuleSet` and recomputed when it changes.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.models import RecomputeRunBase
from kampungkb.core.privacy import mask_nik
from kampungkb.core.scoping import ScopedQuerySet
from kampungkb.families.reasons import factor_reasons
from kampungkb.growth.models import NIK_VALIDATOR, Child, Sex
from kampungkb.wilayah.models import Level

KK_VALIDATOR = RegexValidator(r"^[0-9]{16}$", _("A family card number has exactly 16 digits."))


class Relation(models.IntegerChoices):
    HEAD = 1, _("Head of the family")
    SPOUSE = 2, _("Wife/husband")
    CHILD = 3, _("Child")
    OTHER = 4, _("Other")


class MaritalStatus(models.IntegerChoices):
    SINGLE = 1, _("Not married")
    MARRIED = 2, _("Married")
    DIVORCED = 3, _("Divorced")
    WIDOWED = 4, _("Widowed")


class WaterSource(models.IntegerChoices):
    BOTTLED = 1, _("Bottled/refill water")
    PIPED = 2, _("Piped water (PAM)")
    BOREHOLE = 3, _("Borehole/pump")
    PROTECTED_WELL = 4, _("Protected well")
    UNPROTECTED_WELL = 5, _("Unprotected well")
    PROTECTED_SPRING = 6, _("Protected spring")
    UNPROTECTED_SPRING = 7, _("Unprotected spring")
    SURFACE = 8, _("Surface water (river/lake/pond)")
    RAIN = 9, _("Rainwater")
    OTHER = 10, _("Other")


class Latrine(models.IntegerChoices):
    OWN_SEPTIC = 1, _("Own, with septic tank/IPAL")
    SHARED_SEPTIC = 2, _("Shared/communal, with septic tank")
    NO_SEPTIC = 3, _("Without septic tank")
    NONE = 4, _("None")


class ContraceptiveMethod(models.TextChoices):
    PIL = "pil", _("Pill")
    SUNTIK = "suntik", _("Injectable")
    IUD = "iud", _("IUD")
    IMPLAN = "implan", _("Implant")
    MOW = "mow", _("Female sterilisation (MOW)")
    MOP = "mop", _("Male sterilisation (MOP)")
    KONDOM = "kondom", _("Condom")
    MAL = "mal", _("Lactational amenorrhoea (MAL)")
    TRADISIONAL = "tradisional", _("Traditional")


# Modern methods for mCPR (BKKBN counts MAL and traditional methods apart).
MODERN_METHODS = frozenset(
    {
        ContraceptiveMethod.PIL,
        ContraceptiveMethod.SUNTIK,
        ContraceptiveMethod.IUD,
        ContraceptiveMethod.IMPLAN,
        ContraceptiveMethod.MOW,
        ContraceptiveMethod.MOP,
        ContraceptiveMethod.KONDOM,
    }
)


class KrsRuleSet(models.Model):
    """A versioned KRS rule (``families.krs``); exactly one is the default."""

    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=150)
    sumber = models.CharField(_("source"), max_length=300)
    rules = models.JSONField(_("rules"))
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("KRS rule set")
        verbose_name_plural = _("KRS rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="krs_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.nama


class KeluargaQuerySet(ScopedQuerySet):
    scope_field = "desa__kode"


class Keluarga(models.Model):
    """A family, known by its family card number (No KK), living in a desa."""

    # Unique by a constraint (below) rather than ``unique=True``, which on PostgreSQL adds a
    # second index for LIKE queries (varchar_pattern_ops) that no query makes.
    no_kk = models.CharField(_("family card number"), max_length=16, validators=[KK_VALIDATOR])
    # No index of its own: the index on (desa, rw, rt) below starts with it and serves every
    # lookup by desa (an index each family written must also enter).
    desa = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa"),
        on_delete=models.PROTECT,
        related_name="families",
        limit_choices_to={"level": Level.DESA},
        db_index=False,
    )
    rt = models.CharField(_("RT"), max_length=10, blank=True)
    rw = models.CharField(_("RW"), max_length=10, blank=True)
    alamat = models.CharField(_("address"), max_length=255, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo/test)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KeluargaQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["desa_id", "rw", "rt", "no_kk"]
        indexes = [models.Index(fields=["desa", "rw", "rt"])]
        constraints = [models.UniqueConstraint(fields=["no_kk"], name="keluarga_one_no_kk")]

    def __str__(self) -> str:
        return _("Family %(kk)s") % {"kk": mask_nik(self.no_kk)}


class FamilySurveyQuerySet(ScopedQuerySet):
    scope_field = "keluarga__desa__kode"


class FamilySurvey(models.Model):
    """One survey round of a family (one per year of the survey date): its family-level
    answers and the labels the KRS rule gave it."""

    # No index of its own: the unique constraint on (keluarga, tahun) is an index that starts
    # with it and serves every lookup by family.
    keluarga = models.ForeignKey(
        Keluarga, on_delete=models.CASCADE, related_name="surveys", db_index=False
    )
    tahun = models.PositiveSmallIntegerField(_("survey round (year)"))
    tanggal_pendataan = models.DateField(_("survey date"))
    sumber_air = models.PositiveSmallIntegerField(
        _("drinking water"), choices=WaterSource.choices, null=True, blank=True
    )
    jamban = models.PositiveSmallIntegerField(
        _("latrine"), choices=Latrine.choices, null=True, blank=True
    )
    # Derived by families.labels with ``rule_set`` (null: not computed yet).
    sasaran_pus = models.BooleanField(_("PUS"), default=False)
    sasaran_hamil = models.BooleanField(_("pregnant wife"), default=False)
    sasaran_baduta = models.BooleanField(_("child 0-23 months"), default=False)
    sasaran_balita = models.BooleanField(_("child 24-59 months"), default=False)
    is_sasaran = models.BooleanField(_("target family"), default=False)
    air = models.BooleanField(_("drinking water not proper"), default=False)
    jamban_tidak_layak = models.BooleanField(_("latrine not proper"), default=False)
    muda = models.BooleanField(_("wife too young (under 20)"), default=False)
    tua = models.BooleanField(_("wife too old (35-40)"), default=False)
    dekat = models.BooleanField(_("births too close"), default=False)
    banyak = models.BooleanField(_("too many children"), default=False)
    is_krs = models.BooleanField(_("at risk of stunting (KRS)"), default=False)
    pus_kb_modern = models.BooleanField(_("PUS using a modern method"), default=False)
    # No database constraint and no index on the rule set: a rule change rewrites it on most
    # rounds, and PostgreSQL checks a constraint once per written row (at commit: about as
    # long as the UPDATE itself) and an index makes every such update a new index entry in
    # every index (not HOT). Rule sets are versioned data, never deleted while rounds use
    # them: ``PROTECT`` (Django) refuses the deletion.
    rule_set = models.ForeignKey(
        KrsRuleSet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FamilySurveyQuerySet.as_manager()

    # The risk factors, as named in families.krs, and the field holding each.
    FACTOR_FIELDS = {
        "air": "air",
        "jamban": "jamban_tidak_layak",
        "muda": "muda",
        "tua": "tua",
        "dekat": "dekat",
        "banyak": "banyak",
    }

    class Meta:
        verbose_name = _("family survey round")
        verbose_name_plural = _("family survey rounds")
        ordering = ["keluarga_id", "-tahun"]
        constraints = [
            models.UniqueConstraint(fields=["keluarga", "tahun"], name="family_one_round_a_year"),
        ]
        # No index holds a label column (is_krs, the factors): no KRS page filters on a label
        # alone (the list filters by area first, the picture counts every round of an area),
        # and a label in an index would make each relabelled round a new entry in every index.
        # On PostgreSQL the table leaves room on each page (migration 0009, fillfactor) so that
        # a relabelled round is rewritten in place (a HOT update).

    def __str__(self) -> str:
        return f"{self.keluarga} {self.tahun}"

    @property
    def factors(self) -> list[str]:
        """The risk factors of this round (families.krs names), in the rule's order."""
        return [name for name, field in self.FACTOR_FIELDS.items() if getattr(self, field)]

    @property
    def reasons(self) -> list[str]:
        """The factors in words, with the thresholds of the rule set that gave them."""
        rules = self.rule_set.rules if self.rule_set_id else None
        return factor_reasons(self.factors, rules)


class FamilyMember(models.Model):
    """A member of a family as surveyed in one round."""

    survey = models.ForeignKey(FamilySurvey, on_delete=models.CASCADE, related_name="members")
    urutan = models.PositiveSmallIntegerField(_("order"), default=0)
    # Not indexed: only the import looks members up by NIK (a person stored in another family
    # for the year, ``importing.planning.rounds_nik_stored_elsewhere``), among the rounds of
    # the year of the families the file does not carry, found first by the round's own index;
    # an index on NIK would cost every member the import writes. Growth children and TPK
    # targets keep their own NIK.
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[NIK_VALIDATOR])
    nama = models.CharField(_("name"), max_length=150)
    hubungan = models.PositiveSmallIntegerField(_("relation"), choices=Relation.choices)
    jenis_kelamin = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    tanggal_lahir = models.DateField(_("date of birth"))
    status_kawin = models.PositiveSmallIntegerField(
        _("marital status"), choices=MaritalStatus.choices, null=True, blank=True
    )
    usia_kawin_pertama = models.PositiveSmallIntegerField(
        _("age at first marriage"),
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(80)],
    )
    hamil = models.BooleanField(_("pregnant"), default=False)
    anak_lahir_hidup = models.PositiveSmallIntegerField(
        _("live births"), null=True, blank=True, validators=[MaxValueValidator(30)]
    )
    ber_kb = models.BooleanField(_("uses contraception"), default=False)
    metode_kb = models.CharField(
        _("contraceptive method"), max_length=12, choices=ContraceptiveMethod.choices, blank=True
    )
    jkn = models.BooleanField(_("health insurance (JKN)"), null=True, blank=True)
    akta_lahir = models.BooleanField(_("birth certificate"), null=True, blank=True)
    # The growth record of a member who is an under-five child (matched by NIK, else name,
    # date of birth, mother and desa; an ambiguous match is listed, never linked).
    # Indexed only where set (below): most members are no growth child, and a lookup by child
    # (``child = x``, ``child IN (...)``, a join on it) never looks for NULL.
    child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="family_members",
        db_index=False,
    )

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["survey_id", "urutan", "id"]
        indexes = [
            models.Index(
                fields=["child"], condition=Q(child__isnull=False), name="member_linked_child"
            ),
        ]

    def __str__(self) -> str:
        return self.nama


class KrsRecomputeRun(RecomputeRunBase):
    """One recompute of every survey round's labels after a change of the KRS rule: who asked,
    with which rule set, how far it got (``done`` of ``total``) and what it did."""

    rule_set = models.ForeignKey(
        KrsRuleSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done = models.IntegerField(_("rounds done"), default=0)
    total = models.IntegerField(_("rounds to do"), default=0)
    rows = models.IntegerField(_("rounds"), default=0)

    class Meta(RecomputeRunBase.Meta):
        verbose_name = _("KRS recompute")
        verbose_name_plural = _("KRS recomputes")


class FamilyImportBatch(models.Model):
    """One saved import of a family-survey file (``families.importing``): who, which file,
    what it did; ``report`` keeps the counts and the listed rows (No KK and NIK masked)."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    wilayah_kode = models.CharField(_("wilayah code"), max_length=13, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    n_rows = models.PositiveIntegerField(_("rows"), default=0)
    n_rejected = models.PositiveIntegerField(_("rejected rows"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("family import")
        verbose_name_plural = _("family imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


# TPK accompaniment (families/tpk/), imported last so that Django finds its models.
from kampungkb.families.tpk.models import Target, TpkTeam, Visit  # noqa: E402, F401
from kampungkb.families.tpk.pregnancy.models import (  # noqa: E402, F401
    AncContact,
    KbPascaPersalinan,
    NifasVisit,
)
from kampungkb.families.tpk.scorecard.models import ScorecardEntry  # noqa: E402, F401
from kampungkb.families.tpk.screening.models import CatinScreening, CatinThresholdSet  # noqa: E402, F401
