"""Synthetic pregnancy monitoring for the TPK demo: ANC contacts for the demo pregnancies (some
missed, a few KEK or anaemic, iron tablets counted), and for the mothers after delivery a KB
decision (most within 42 days, some not yet) and their nifas visits. Called by
``families.tpk.demo.seed_demo_tpk`` once its targets exist."""

import datetime
import random
from decimal import Decimal

from kampungkb.families.tpk.models import Target, TargetKind
from kampungkb.families.tpk.pregnancy.models import AncContact, KbPascaPersalinan, NifasVisit

DAY = datetime.timedelta(days=1)
# The weeks of a pregnancy at which the demo's contacts happen (1 · 2 · 3 by trimester).
ANC_WEEKS = (9, 16, 23, 29, 33, 37)
PLACES = ("Puskesmas (demo)", "Pustu (demo)", "Praktik bidan (demo)", "Posyandu (demo)")
METHODS = ("suntik", "implan", "iud", "pil", "mal", "kondom", "mow")


def _anc(rng, target: Target, today: datetime.date) -> list[AncContact]:
    end = min(today, target.tanggal_persalinan or today)
    thin = rng.random() < 0.2  # KEK: LiLA under 23.5 cm
    anaemic = rng.random() < 0.25  # Hb under 11.0 g/dL
    adherent = rng.random() < 0.6  # takes the tablets she received, one a day
    out = []
    for i, week in enumerate(ANC_WEEKS):
        day = target.hpht + (week * 7 + rng.randint(-3, 3)) * DAY
        if day > end or rng.random() < 0.2:
            continue
        out.append(
            AncContact(
                target=target,
                tanggal=day,
                tempat=rng.choice(PLACES),
                pemeriksa="dokter" if i in (0, 3) else "bidan",
                berat=Decimal(rng.randint(450, 700)) / 10 + i,
                lila=Decimal(rng.randint(205, 232) if thin else rng.randint(236, 290)) / 10,
                hb=Decimal(rng.randint(90, 108) if anaemic else rng.randint(110, 135)) / 10,
                sistolik=rng.choice([100, 110, 120, 130, 140]),
                diastolik=rng.choice([60, 70, 80]),
                ttd_diterima=30,
                ttd_diminum=0 if i == 0 else 30 if adherent else rng.choice([10, 15, 20, 25]),
                kelas_ibu_hamil=rng.random() < 0.4,
                is_synthetic=True,
            )
        )
    return out


def _postpartum(rng, mother: Target, today: datetime.date):
    delivered = mother.tanggal_persalinan
    visits = []
    for first, last in ((0, 2), (3, 7), (8, 28), (29, 42)):
        day = delivered + rng.randint(first, last) * DAY
        if day <= today and rng.random() < 0.8:
            visits.append(
                NifasVisit(
                    target=mother,
                    tanggal=day,
                    tempat=rng.choice(PLACES),
                    pemeriksa="bidan",
                    is_synthetic=True,
                )
            )
    kb = None
    decided = delivered + rng.randint(1, 50) * DAY
    if decided <= today and rng.random() < 0.85:
        choice = rng.choice(METHODS) if rng.random() < 0.75 else rng.choice(["belum", "tidak"])
        kb = KbPascaPersalinan(target=mother, keputusan=choice, tanggal=decided, is_synthetic=True)
    return visits, kb


def seed_demo_pregnancy(*, today: datetime.date, seed: int = 2026) -> dict:
    """ANC contacts, KB decisions and nifas visits for the synthetic TPK targets."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not secrets
    targets = Target.objects.filter(is_synthetic=True).order_by("pk")
    contacts, visits, decisions = [], [], []
    for t in targets.filter(kind=TargetKind.IBU_HAMIL, hpht__isnull=False):
        contacts += _anc(rng, t, today)
    for m in targets.filter(kind=TargetKind.PASCA_PERSALINAN):
        nifas, kb = _postpartum(rng, m, today)
        visits += nifas
        decisions += [kb] if kb else []
    AncContact.objects.bulk_create(contacts, batch_size=500)
    NifasVisit.objects.bulk_create(visits, batch_size=500)
    KbPascaPersalinan.objects.bulk_create(decisions, batch_size=500)
    return {"anc": len(contacts), "nifas": len(visits), "kb": len(decisions)}
