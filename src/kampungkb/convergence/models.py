"""Convergence of the Kampung KB: the district's 8 aksi konvergensi, plans and realisation,
cadres, OPD technical coaching, indicators, maturity evaluations and innovations.

Reference data (frameworks, actions, OPD, programme areas, indicators, rule sets, targets) is
loaded by ``convergence.reference.reference_load`` from a data migration and stays editable.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kampungkb.core.scoping import ScopedQuerySet, scope_q
from kampungkb.wilayah.models import FundingSourceType, KampungKB, MaturityLevel, Wilayah

YEAR_VALIDATORS = [MinValueValidator(2015), MaxValueValidator(2100)]


# --- reference data ---------------------------------------------------------------------------


class Opd(models.Model):
    """A district agency (Organisasi Perangkat Daerah) or another coaching institution."""

    kode = models.CharField(_("code"), max_length=30, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    singkatan = models.CharField(_("short name"), max_length=40)

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["singkatan"]

    def __str__(self) -> str:
        return self.singkatan

    def matches(self, organisation: str) -> bool:
        """Say whether a user's free-text ``organisation`` names this OPD."""
        org = (organisation or "").strip().casefold()
        return bool(org) and org in {
            self.kode.casefold(),
            self.nama.casefold(),
            self.singkatan.casefold(),
        }


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


class AreaKind(models.TextChoices):
    INPRES = "inpres", _("Inpres 3/2022 programme area")
    SEKSI = "seksi", _("Pokja section")


class ProgrammeArea(models.Model):
    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    jenis = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices)
    opd = models.ForeignKey(
        Opd, verbose_name=_("lead OPD"), null=True, blank=True, on_delete=models.SET_NULL
    )
    urutan = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("programme area")
        verbose_name_plural = _("programme areas")
        ordering = ["jenis", "urutan"]

    def __str__(self) -> str:
        return self.nama


class IndicatorGroup(models.TextChoices):
    INPUT = "input", _("Input")
    PROCESS = "process", _("Process")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome (from the system)")


class IndicatorDefinition(models.Model):
    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    kelompok = models.CharField(_("group"), max_length=10, choices=IndicatorGroup.choices)
    satuan = models.CharField(_("unit"), max_length=30)
    computed = models.BooleanField(_("computed by the system"), default=False)
    programme_area = models.ForeignKey(
        ProgrammeArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    urutan = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Kampung KB indicator")
        verbose_name_plural = _("Kampung KB indicators")
        ordering = ["urutan"]

    def __str__(self) -> str:
        return self.nama


class RuleSet(models.Model):
    """Weights and thresholds of the maturity classification, valid from a year on."""

    kode = models.CharField(_("code"), max_length=40, unique=True)
    nama = models.CharField(_("name"), max_length=200)
    berlaku_dari = models.PositiveSmallIntegerField(
        _("valid from year"), unique=True, validators=YEAR_VALIDATORS
    )
    rules = models.JSONField(_("rules"))
    sumber = models.CharField(_("source"), max_length=400)

    class Meta:
        verbose_name = _("maturity rule set")
        verbose_name_plural = _("maturity rule sets")
        ordering = ["berlaku_dari"]

    def __str__(self) -> str:
        return self.nama


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


# --- plans ------------------------------------------------------------------------------------


class PlanQuerySet(ScopedQuerySet):
    def for_user(self, user):
        # OPD plans are district-wide: everyone with an area reads them.
        from kampungkb.core.scoping import covered_kode

        if covered_kode(user) is None:
            return self.none()
        return self.filter(scope_q(user, "desa__kode") | Q(desa__isnull=True))


class Plan(models.Model):
    """A yearly activity plan of a Kampung KB (RKM) or of an OPD."""

    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kampung = models.ForeignKey(
        KampungKB, null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    desa = models.ForeignKey(
        Wilayah, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opd = models.ForeignKey(
        Opd, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity plan")
        verbose_name_plural = _("activity plans")
        ordering = ["tahun", "desa_id", "opd_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kampung__isnull=False, desa__isnull=False, opd__isnull=True)
                | Q(kampung__isnull=True, desa__isnull=True, opd__isnull=False),
                name="plan_kampung_or_opd",
            ),
            models.UniqueConstraint(
                fields=["tahun", "kampung"],
                condition=Q(kampung__isnull=False),
                name="plan_one_per_kampung_year",
            ),
            models.UniqueConstraint(
                fields=["tahun", "opd"],
                condition=Q(opd__isnull=False),
                name="plan_one_per_opd_year",
            ),
        ]

    def __str__(self) -> str:
        owner = self.kampung.nama if self.kampung_id else str(self.opd)
        return f"{owner} {self.tahun}"


class PlanActivity(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    kegiatan = models.CharField(_("activity"), max_length=200)
    programme_area = models.ForeignKey(
        ProgrammeArea, verbose_name=_("programme area"), on_delete=models.PROTECT, related_name="+"
    )
    opd = models.ForeignKey(
        Opd,
        verbose_name=_("responsible OPD"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sasaran = models.CharField(_("target group"), max_length=150)
    jumlah_sasaran = models.PositiveIntegerField(_("number targeted"))
    anggaran = models.DecimalField(
        _("budget (Rp)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )
    sumber_dana = models.CharField(
        _("budget source"), max_length=15, choices=FundingSourceType.choices
    )
    bulan = models.JSONField(_("months"), default=list, help_text=_("Months 1-12"))
    penanggung_jawab = models.CharField(_("owner"), max_length=150)
    # The latest realisation, kept here so plan-vs-realisation sums stay plain SQL sums.
    progres = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    anggaran_realisasi = models.DecimalField(
        _("budget spent (Rp)"), max_digits=15, decimal_places=0, default=0
    )
    output_tercapai = models.PositiveIntegerField(_("output achieved"), default=0)

    class Meta:
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        ordering = ["plan_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progres__lte=100), name="activity_progress_max_100"),
            models.CheckConstraint(
                condition=Q(anggaran__gte=0), name="activity_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.kegiatan


class Realisation(models.Model):
    activity = models.ForeignKey(
        PlanActivity, on_delete=models.CASCADE, related_name="realisations"
    )
    tanggal = models.DateField(_("date"))
    progres = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    output_tercapai = models.PositiveIntegerField(_("output achieved (people or units)"))
    anggaran_realisasi = models.DecimalField(
        _("budget spent so far (Rp)"),
        max_digits=15,
        decimal_places=0,
        validators=[MinValueValidator(0)],
    )
    catatan = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        ordering = ["activity_id", "tanggal", "id"]

    def __str__(self) -> str:
        return f"{self.activity} {self.tanggal}"


# --- people -----------------------------------------------------------------------------------


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


# --- coaching ---------------------------------------------------------------------------------


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


# --- indicators, evaluations, innovations -----------------------------------------------------


class IndicatorRecord(models.Model):
    kampung = models.ForeignKey(
        KampungKB, on_delete=models.CASCADE, related_name="indicator_records"
    )
    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    indicator = models.ForeignKey(IndicatorDefinition, on_delete=models.PROTECT, related_name="+")
    nilai = models.FloatField(_("value"), validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["kampung_id", "tahun", "indicator__urutan"]
        constraints = [
            models.UniqueConstraint(
                fields=["kampung", "tahun", "indicator"], name="indicator_one_value_per_year"
            ),
            models.CheckConstraint(condition=Q(nilai__gte=0), name="indicator_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.tahun}: {self.nilai}"


class Evaluation(models.Model):
    """One computed classification of a Kampung KB for a year; every run is kept."""

    kampung = models.ForeignKey(KampungKB, on_delete=models.CASCADE, related_name="evaluations")
    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="evaluations")
    skor_manajemen = models.FloatField(_("management score"), null=True)
    skor_kontribusi = models.FloatField(_("contribution score"), null=True)
    tingkat = models.CharField(
        _("computed level"), max_length=15, choices=MaturityLevel.choices, blank=True
    )
    detail = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("maturity evaluation")
        verbose_name_plural = _("maturity evaluations")
        ordering = ["kampung_id", "tahun", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kampung} {self.tahun}: {self.tingkat or '-'}"


class Innovation(models.Model):
    nama = models.CharField(_("name"), max_length=200)
    desa = models.ForeignKey(
        Wilayah, verbose_name=_("desa"), on_delete=models.PROTECT, related_name="+"
    )
    tahun = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    deskripsi = models.TextField(_("description"))
    bukti = models.TextField(
        _("evidence"), help_text=_("What shows it works: figures, documents, links.")
    )
    direplikasi_di = models.ManyToManyField(
        Wilayah, verbose_name=_("replicated in"), blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["-tahun", "nama"]

    def __str__(self) -> str:
        return self.nama
