"""Synthetic TPK demo: a team per desa where the demo has children or families, targets drawn
from the demo (pregnant wives of the demo families, children under five of the growth demo;
catin and a few pregnant women registered directly) and a year of visits, some overdue.

The teams' members are the convergence app's demo cadres, linked by
``convergence.cadres.demo.seed_demo_tpk_members`` (convergence sits above families). Without
the families demo, the pregnant women are all registered directly. The size follows
``KAMPUNGKB_DEMO_CHILDREN`` (a tenth as many children under five), so tests stay fast.
"""

import datetime
import random

from django.db import transaction

from kampungkb.families.models import FamilyMember
from kampungkb.families.tpk import services
from kampungkb.families.tpk.lifecycle import add_years
from kampungkb.families.tpk.models import Target, TargetKind, TpkTeam, Visit, VisitKind
from kampungkb.families.tpk.pregnancy.demo import seed_demo_pregnancy
from kampungkb.families.tpk.screening.demo import seed_demo_catin_screenings
from kampungkb.growth.models import Child
from kampungkb.wilayah.models import Wilayah

DAY = datetime.timedelta(days=1)
FIRST_NAMES = ["Siti", "Nur", "Dewi", "Rina", "Ayu", "Wati", "Lestari", "Maya", "Fitri", "Indah"]
GROOMS = ["Andi", "Budi", "Rudi", "Hendra", "Agus", "Eko", "Yusuf", "Rahmat"]
SURNAMES = ["Sintetis", "Contoh", "Demo"]
FINDINGS = [
    "Kondisi baik, diberi KIE gizi seimbang.",
    "Belum rutin minum tablet tambah darah.",
    "Disarankan ke posyandu bulan ini.",
    "Keluarga belum punya jamban sehat.",
    "",
]


def _name(rng, first=FIRST_NAMES) -> str:
    return f"{rng.choice(first)} {rng.choice(SURNAMES)} (demo)"


def _visits(rng, target: Target, today: datetime.date, interval: int, skip: float) -> list:
    """Visits every ``interval`` days from registration (at most a year back), some skipped;
    the last ones skipped for a few targets so that they are overdue."""
    out = []
    day = max(target.tanggal_daftar, today - 365 * DAY) + rng.randint(1, 10) * DAY
    end = target.tanggal_selesai or today
    stop_early = rng.random() < 0.25  # these ones are overdue today
    while day <= end and day <= today:
        if stop_early and (today - day).days < interval + 20:
            break
        if rng.random() > skip:
            referred = rng.random() < 0.1
            out.append(
                Visit(
                    target=target,
                    team=target.team,
                    tanggal=day,
                    jenis=VisitKind.RUJUKAN if referred else rng.choice(list(VisitKind.values)),
                    temuan=rng.choice(FINDINGS),
                    rujukan=referred,
                    rujukan_ke="Puskesmas (demo)" if referred else "",
                    tindak_lanjut_tanggal=(
                        min(day + 7 * DAY, today) if referred and rng.random() < 0.6 else None
                    ),
                    tindak_lanjut_hasil="Sudah diperiksa (demo)" if referred else "",
                    is_synthetic=True,
                )
            )
        day += interval * DAY
    # A visit's follow-up without a result stays open.
    for v in out:
        if v.tindak_lanjut_tanggal is None:
            v.tindak_lanjut_hasil = ""
    return out


@transaction.atomic
def seed_demo_tpk(*, n_children: int, today: datetime.date | None = None, seed: int = 2026) -> dict:
    """Create the TPK demo once; return counts of what was made (``skipped`` if it exists)."""
    today = today or datetime.date.today()
    if TpkTeam.objects.filter(is_synthetic=True).exists():
        return {"skipped": True}
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not secrets
    n_under_five = max(10, n_children // 10)
    kids = list(
        Child.objects.filter(is_synthetic=True, tanggal_lahir__gt=add_years(today, -5))
        .select_related("desa")
        .order_by("pk")[:n_under_five]
    )
    members = list(
        FamilyMember.objects.filter(hamil=True, survey__keluarga__is_synthetic=True)
        .select_related("survey__keluarga__desa")
        .order_by("-survey__tahun", "pk")[: max(5, n_under_five // 3)]
    )
    desa_codes = sorted({k.desa_id for k in kids} | {m.survey.keluarga.desa_id for m in members})
    desa_of = Wilayah.objects.defer("boundary").in_bulk(desa_codes)
    for kode in desa_codes:
        services.team_save(user=None, desa=desa_of[kode], nama=f"TPK {desa_of[kode].nama}")
    TpkTeam.objects.filter(desa_id__in=desa_codes).update(is_synthetic=True)
    counts = {"teams": len(desa_codes), "targets": 0, "visits": 0}
    targets: list[tuple[Target, int]] = []

    def pregnant(*, due_now: bool = False, **who) -> Target:
        # Every fourth is at term (40-43 weeks since the HPHT) and delivers below.
        weeks = rng.randint(40, 43) if due_now else rng.randint(8, 39)
        hpht = today - weeks * 7 * DAY
        return services.target_register(
            user=None,
            kind=TargetKind.IBU_HAMIL,
            hpht=hpht,
            tanggal_daftar=min(today, hpht + rng.randint(6, 12) * 7 * DAY),
            is_synthetic=True,
            **who,
        )

    seen_members = set()
    for i, m in enumerate(members):
        if m.nik and m.nik in seen_members:
            continue
        seen_members.add(m.nik)
        targets.append((pregnant(member=m, due_now=i % 4 == 0), 30))
    # Without the families demo (or too few pregnant wives): registered directly.
    for i in range(max(0, len(desa_codes) - len(members))):
        who = {"desa": desa_of[desa_codes[i]], "nama": _name(rng)}
        targets.append((pregnant(due_now=i % 4 == 0, **who), 30))
    # The women at term delivered at 38-40 weeks: pasca persalinan now, or just past it.
    for target, _interval in list(targets):
        if (today - target.hpht).days < 280:
            continue
        delivered = min(target.hpht + rng.randint(266, 280) * DAY, today - DAY)
        nifas = services.delivery_record(
            user=None,
            target=target,
            tanggal_persalinan=delivered,
            berat_lahir=rng.choice([2300, 2800, 3000, 3200, 3400]),
            panjang_lahir=rng.choice([46.5, 48.0, 49.0, 50.0]),
        )
        targets.append((nifas, 10))
    for kid in kids:
        two = add_years(kid.tanggal_lahir, 2)
        kind = TargetKind.BADUTA if today < two else TargetKind.BALITA
        start = kid.tanggal_lahir if kind == TargetKind.BADUTA else two
        registered = max(start, today - rng.randint(30, 365) * DAY)
        target = services.target_register(
            user=None, kind=kind, child=kid, tanggal_daftar=registered, is_synthetic=True
        )
        targets.append((target, 30 if kind == TargetKind.BADUTA else 90))
    for kode in desa_codes:
        for _n in range(rng.randint(0, 2)):
            target = services.target_register(
                user=None,
                kind=TargetKind.CATIN,
                desa=desa_of[kode],
                nama=_name(rng),
                nama_pasangan=_name(rng, GROOMS),
                tanggal_rencana_nikah=today + rng.randint(20, 200) * DAY,
                tanggal_daftar=today - rng.randint(0, 60) * DAY,
                is_synthetic=True,
            )
            targets.append((target, 60))
    visits = []
    for target, interval in targets:
        target.refresh_from_db()
        visits += _visits(rng, target, today, interval, skip=0.2)
    Visit.objects.bulk_create(visits, batch_size=500)
    counts["targets"] = Target.objects.filter(is_synthetic=True).count()
    counts["visits"] = len(visits)
    counts |= seed_demo_pregnancy(today=today, seed=seed)
    counts["catin_screenings"] = seed_demo_catin_screenings(today=today, seed=seed)
    return counts
