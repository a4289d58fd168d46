"""Synthetic catin screenings for the TPK demo: most demo catin brides screened once between
their registration and today (some too late for the three months before the marriage), some
grooms too, with a share at risk (low Hb, low LiLA, young, smoking grooms). Made through the
service, as the system, so each is evaluated and audited like a real one."""

import datetime
import random
from decimal import Decimal

from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.screening import rules, services
from kampungkb.families.tpk.screening.models import CatinScreening

DAY = datetime.timedelta(days=1)


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 1)))


def _values(rng: random.Random, peran: str) -> dict:
    if peran == rules.BRIDE:
        height = rng.uniform(146, 166)
        return {
            "umur_tahun": rng.choice([18, 19, 20, 21, 22, 23, 24, 25, 26, 28]),
            "tinggi_cm": _d(height),
            "berat_kg": _d((height / 100) ** 2 * rng.uniform(17.0, 27.0)),
            "lila_cm": _d(rng.uniform(21.5, 29.0)),
            "hb": _d(rng.uniform(10.2, 14.2)),
            "lingkar_perut_cm": _d(rng.uniform(62, 88)),
            "merokok": False,
        }
    height = rng.uniform(158, 178)
    return {
        "umur_tahun": rng.choice([21, 23, 24, 25, 26, 27, 29, 31]),
        "tinggi_cm": _d(height),
        "berat_kg": _d((height / 100) ** 2 * rng.uniform(18.0, 28.0)),
        "lila_cm": _d(rng.uniform(24, 32)),
        "hb": _d(rng.uniform(12.2, 16.0)),
        "lingkar_perut_cm": _d(rng.uniform(70, 96)),
        "merokok": rng.random() < 0.4,
    }


def seed_demo_catin_screenings(*, today: datetime.date, seed: int = 2026) -> int:
    """Screen the demo catin (once); return how many screenings were made."""
    if CatinScreening.objects.filter(is_synthetic=True).exists():
        return 0
    rng = random.Random(seed + 14)  # noqa: S311 - synthetic demo data, not secrets
    made = 0
    catin = Target.objects.filter(kind=TargetKind.CATIN, is_synthetic=True).order_by("pk")
    for target in catin:
        if rng.random() < 0.2:
            continue  # not screened yet
        span = max(0, (today - target.tanggal_daftar).days)
        day = target.tanggal_daftar + rng.randint(0, span) * DAY
        for peran in (rules.BRIDE, rules.GROOM):
            if peran == rules.GROOM and rng.random() < 0.5:
                continue
            values = _values(rng, peran)
            if peran == rules.BRIDE and services.bride_birth_date(target):
                values["umur_tahun"] = None  # from her date of birth (a family member)
            services.screening_record(
                user=None,
                target=target,
                tanggal=day,
                peran=peran,
                confirmed=True,
                is_synthetic=True,
                **values,
            )
            made += 1
    return made
