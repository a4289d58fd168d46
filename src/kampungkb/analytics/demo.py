"""Demo data of the analysis pages: summaries, Belitung Timur survey figures, targets and one
published period. Idempotent: running it again changes nothing but the rebuilt summaries."""

from django.db import transaction

from kampungkb.analytics.models import (
    PeriodType,
    Publication,
    SurveyFigure,
    Target,
    TargetScope,
)
from kampungkb.analytics.reference import national_targets_load
from kampungkb.analytics.services import summaries_rebuild
from kampungkb.wilayah.models import Wilayah

BELTIM = "19.06"
BABEL = "19"
# Shared domain notes §6.4: survey (not posyandu) stunting prevalences.
SURVEYS = [
    (
        "ssgi",
        2021,
        BELTIM,
        "22.60",
        "SSGI 2021; pemetaan ke Beltim disimpulkan (Antara 357108: "
        "'turun dari 22,6 persen menjadi 16 persen'; belitongekspres 643930)",
    ),
    (
        "ssgi",
        2022,
        BELTIM,
        "16.00",
        "SSGI 2022; pemetaan ke Beltim disimpulkan (Antara 357108; belitongekspres 643930)",
    ),
    (
        "ski",
        2023,
        BELTIM,
        "17.30",
        "SKI 2023 (disimpulkan): '17,30 ... terendah di Babel', "
        "mediabhayangkarasatu 2024/06/05; antaranews video 4389414",
    ),
    (
        "ssgi",
        2024,
        BELTIM,
        "17.10",
        "SSGI 2024: 17,1%, terendah di Babel (tribunnews 7754211; "
        "babel.antaranews.com/berita/518153)",
    ),
    ("ssgi", 2021, BABEL, "18.60", "SSGI 2021 (databoks; sumber lain 18,8)"),
    ("ssgi", 2022, BABEL, "18.50", "SSGI 2022 (databoks 431ef7319d34be5)"),
    ("ski", 2023, BABEL, "20.60", "SKI 2023 factsheet (slidepub)"),
]
DISTRICT_TARGETS = [
    (2024, "14.00", "Target Beltim 14% pada 2024 (Antara 357108)"),
    (2029, "10.00", "Contoh target daerah (demo, bukan angka resmi): 10% pada 2029"),
]


def seed_demo_analytics(*, publish: bool = True) -> dict:
    """Build the summaries (once), seed survey figures and targets, publish one period once.

    Idempotent: a second run finds everything in place and changes nothing.
    """
    from kampungkb.analytics.models import SummaryState

    built = SummaryState.objects.filter(rebuilt_at__isnull=False).exists()
    rebuilt = None if built else summaries_rebuild()
    created = {"surveys": 0, "targets": national_targets_load(), "publications": 0}
    with transaction.atomic():
        existing = set(
            Wilayah.objects.filter(kode__in=[BELTIM, BABEL]).values_list("kode", flat=True)
        )
        for survey, year, kode, value, source in SURVEYS:
            if kode not in existing:
                continue
            _, new = SurveyFigure.objects.get_or_create(
                survey=survey,
                tahun=year,
                wilayah_id=kode,
                indicator="stunting",
                defaults={"prevalensi": value, "sumber": source},
            )
            created["surveys"] += new
        if BELTIM in existing:
            for year, value, source in DISTRICT_TARGETS:
                _, new = Target.objects.get_or_create(
                    scope=TargetScope.DISTRICT,
                    wilayah_id=BELTIM,
                    tahun=year,
                    indicator="stunting",
                    defaults={"nilai": value, "sumber": source},
                )
                created["targets"] += new
        if (
            publish
            and BELTIM in existing
            and not Publication.objects.filter(kabupaten_id=BELTIM).exists()
        ):
            created["publications"] += _publish_latest()
    return {"rebuild_seconds": rebuilt.seconds if rebuilt else 0.0, **created}


def seed_demo_publications(kabupaten: list[str]) -> int:
    """Publish the latest weighing month of each kabupaten that has no publication yet (the
    province demo: a public page per kabupaten); return how many were published."""
    done = set(
        Publication.objects.filter(kabupaten_id__in=kabupaten).values_list(
            "kabupaten_id", flat=True
        )
    )
    return sum(_publish_latest(kode) for kode in kabupaten if kode not in done)


def _publish_latest(kabupaten: str = BELTIM) -> int:
    from kampungkb.accounts.models import Role, User
    from kampungkb.analytics.selectors import period_options
    from kampungkb.analytics.services import publication_publish

    area = Wilayah.objects.filter(kode=kabupaten).first()
    starts = period_options(period_type=PeriodType.PENIMBANGAN, area=area)
    if not starts:
        return 0
    # Published on behalf of the district admin; "system" in the audit trail without one.
    actor = User.objects.filter(role=Role.ADMIN_KABUPATEN, wilayah_id=kabupaten).first()
    system = _SystemUser()
    system.wilayah_id = kabupaten
    publication_publish(
        user=actor or system,
        period_type=PeriodType.PENIMBANGAN,
        period_start=starts[0],
        catatan="Publikasi demo (data sintetis)",
    )
    return 1


class _SystemUser:
    """Stands in for a person when the demo publishes: may manage, audited as "system"."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = "admin_kabupaten"
    wilayah_id = BELTIM  # the demo publishing another kabupaten sets its own
    pk = None
