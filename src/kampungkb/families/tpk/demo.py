"""Synthetic TPK demo: a team in every desa, targets drawn from the demo of the same desa and
a year of their history:

- pregnant women: the wives marked pregnant (``hamil``) in the families demo. One marked in
  this year's round is pregnant since a few weeks before it: still pregnant today, or delivered
  (then a mother after delivery, pasca persalinan, and later ended). One marked in last year's
  round delivered within the last year (her pregnancy and her 42 days written as they ended);
- baduta/balita: the growth demo's children under five who are members of a demo family;
- catin: unmarried young women of the families demo with a (synthetic) groom;

then a year of visits with gaps (some overdue today), the ANC contacts, nifas visits and KB
decisions (``pregnancy.demo``) and the catin screenings (``screening.demo``). Without the
families demo (tests), the pregnant women and catin are registered directly.

The teams' members are the convergence app's demo cadres, linked (and completed with new
synthetic cadres where a role is missing) by ``convergence.cadres.demo.seed_demo_tpk_members``
(convergence sits above families). The size follows ``KAMPUNGKB_DEMO_CHILDREN`` (a tenth as
many children under five as targets, spread evenly over the desa), so tests stay fast.
"""

import datetime
import random

from django.db import transaction

from kampungkb.families.models import FamilyMember, MaritalStatus
from kampungkb.families.tpk import services
from kampungkb.families.tpk.lifecycle import POSTPARTUM_DAYS, add_years
from kampungkb.families.tpk.models import (
    DeliveryOutcome,
    EndReason,
    Target,
    TargetKind,
    TpkTeam,
    Visit,
    VisitKind,
)
from kampungkb.families.tpk.pregnancy.demo import seed_demo_pregnancy
from kampungkb.families.tpk.screening.demo import seed_demo_catin_screenings
from kampungkb.growth.models import Child
from kampungkb.wilayah.models import Level, Wilayah

DAY = datetime.timedelta(days=1)
WEEK = 7 * DAY
# At most this many weeks since the HPHT for a pregnancy registered through the service.
REGISTRABLE_WEEKS = 43
# Deliveries this far back are in the demo (the scorecard compares four quarters).
LOOKBACK_DAYS = 400
BIRTH_WEIGHTS = [2300, 2800, 3000, 3200, 3400]
BIRTH_LENGTHS = [46.5, 48.0, 49.0, 50.0]
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


def _quota(n_children: int, n_desa: int) -> tuple[int, int, int]:
    """Children, pregnancies marked this year and last year's deliveries per desa."""
    kids = max(2, -(-max(10, n_children // 10) // max(1, n_desa)))
    return kids, max(2, -(-kids // 3)), max(1, -(-kids // 6))


def _by_desa(rows, desa_of_row, quota: int) -> dict[str, list]:
    out: dict[str, list] = {}
    for row in rows:
        picked = out.setdefault(desa_of_row(row), [])
        if len(picked) < quota:
            picked.append(row)
    return out


def _pregnant_members(today: datetime.date, year: int, quota: int) -> dict[str, list]:
    """The demo wives marked pregnant in round ``year`` (surveyed by today), per desa."""
    rows = (
        FamilyMember.objects.filter(
            hamil=True,
            survey__keluarga__is_synthetic=True,
            survey__tahun=year,
            survey__tanggal_pendataan__lte=today,
        )
        .select_related("survey__keluarga__desa", "child")
        .order_by("survey__keluarga__desa_id", "pk")
    )
    return _by_desa(rows, lambda m: m.survey.keluarga.desa_id, quota)


def _past_pregnancy(rng, *, member, team, hpht: datetime.date, today: datetime.date):
    """A pregnancy that began on ``hpht`` and ended with a delivery at 38-40 weeks (before
    today), and the mother's 42 days after it, written as they ended (the service registers
    only pregnancies of the last 44 weeks)."""
    delivered = min(hpht + rng.randint(266, 280) * DAY, today - DAY)
    registered = hpht + rng.randint(6, 12) * WEEK
    common = {
        "desa": member.survey.keluarga.desa,
        "team": team,
        "nama": member.nama,
        "nik": member.nik,
        "tanggal_lahir": member.tanggal_lahir,
        "member": member,
        "keluarga": member.survey.keluarga,
        "tanggal_persalinan": delivered,
        "hasil_persalinan": DeliveryOutcome.LIVE_BIRTH,
        "berat_lahir": rng.choice(BIRTH_WEIGHTS),
        "panjang_lahir": rng.choice(BIRTH_LENGTHS),
        "is_synthetic": True,
    }
    pregnancy = Target.objects.create(
        kind=TargetKind.IBU_HAMIL,
        hpht=hpht,
        tanggal_daftar=registered,
        aktif=False,
        tanggal_selesai=delivered,
        alasan_selesai=EndReason.DELIVERED,
        **common,
    )
    over = delivered + (POSTPARTUM_DAYS + 1) * DAY
    mother = Target.objects.create(
        kind=TargetKind.PASCA_PERSALINAN,
        previous=pregnancy,
        tanggal_daftar=delivered,
        aktif=over > today,
        tanggal_selesai=None if over > today else over,
        alasan_selesai="" if over > today else EndReason.POSTPARTUM_OVER,
        **common,
    )
    return [pregnancy, mother]


@transaction.atomic
def seed_demo_tpk(*, n_children: int, today: datetime.date | None = None, seed: int = 2026) -> dict:
    """Create the TPK demo once; return counts of what was made (``skipped`` if it exists)."""
    today = today or datetime.date.today()
    if TpkTeam.objects.filter(is_synthetic=True).exists():
        return {"skipped": True}
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not secrets
    desa_all = list(Wilayah.objects.defer("boundary").filter(level=Level.DESA).order_by("kode"))
    if not desa_all:
        return {"teams": 0, "targets": 0, "visits": 0}
    n_kids, n_pregnant, n_past = _quota(n_children, len(desa_all))
    teams = {}
    for desa in desa_all:
        teams[desa.kode] = services.team_save(user=None, desa=desa, nama=f"TPK {desa.nama}")
    TpkTeam.objects.filter(pk__in=[t.pk for t in teams.values()]).update(is_synthetic=True)
    targets: list[tuple[Target, int]] = []

    # Children under five: the growth demo's, members of a demo family when there is one.
    under_five = Child.objects.filter(is_synthetic=True, tanggal_lahir__gt=add_years(today, -5))
    with_family = under_five.filter(family_members__isnull=False).distinct()
    kids_qs = with_family if with_family.exists() else under_five
    kids = _by_desa(
        kids_qs.select_related("desa").order_by("desa_id", "pk"), lambda k: k.desa_id, n_kids
    )
    for kode in sorted(kids):
        for kid in kids[kode]:
            two = add_years(kid.tanggal_lahir, 2)
            kind = TargetKind.BADUTA if today < two else TargetKind.BALITA
            start = kid.tanggal_lahir if kind == TargetKind.BADUTA else two
            registered = max(start, today - rng.randint(30, 365) * DAY)
            target = services.target_register(
                user=None, kind=kind, child=kid, tanggal_daftar=registered, is_synthetic=True
            )
            targets.append((target, 30 if kind == TargetKind.BADUTA else 90))

    # A pregnancy of the last 44 weeks: registered through the service, as a cadre would.
    def pregnant(hpht: datetime.date, **who) -> Target:
        return services.target_register(
            user=None,
            kind=TargetKind.IBU_HAMIL,
            hpht=hpht,
            tanggal_daftar=min(today, hpht + rng.randint(6, 12) * WEEK),
            is_synthetic=True,
            **who,
        )

    # Pregnant women marked in a round: pregnant since some weeks before it. Those of this
    # year's round are pregnant today or delivered since; last year's delivered within the
    # last LOOKBACK_DAYS (older ones are left out).
    seen: set[str] = set()
    pregnancies: list[Target] = []
    rounds = [
        (_pregnant_members(today, today.year, n_pregnant), n_pregnant),
        (_pregnant_members(today, today.year - 1, n_past), 0),
    ]
    for members_by_desa, at_least in rounds:
        for desa in desa_all:
            members = members_by_desa.get(desa.kode, [])
            for m in members:
                if m.nik and m.nik in seen:
                    continue
                hpht = m.survey.tanggal_pendataan - rng.randint(6, 30) * WEEK
                if (today - hpht).days > REGISTRABLE_WEEKS * 7:
                    if (today - hpht).days > LOOKBACK_DAYS + 266:
                        continue
                    seen.add(m.nik)
                    pair = _past_pregnancy(
                        rng, member=m, team=teams[desa.kode], hpht=hpht, today=today
                    )
                    targets += [(pair[0], 30), (pair[1], 10)]
                    continue
                seen.add(m.nik)
                pregnancies.append(pregnant(hpht, member=m))
            # Without the families demo: registered directly.
            for _i in range(max(0, at_least - len(members))):
                hpht = today - rng.randint(8, 40) * WEEK
                pregnancies.append(pregnant(hpht, desa=desa, nama=_name(rng)))
    for target in pregnancies:
        targets.append((target, 30))
        if (today - target.hpht).days < 266:
            continue
        # At term: delivered at 38-40 weeks (not after yesterday).
        delivered = min(target.hpht + rng.randint(266, 280) * DAY, today - DAY)
        mother = services.delivery_record(
            user=None,
            target=target,
            tanggal_persalinan=delivered,
            berat_lahir=rng.choice(BIRTH_WEIGHTS),
            panjang_lahir=rng.choice(BIRTH_LENGTHS),
        )
        targets.append((mother, 10))

    # Catin: unmarried young women of the demo families (else registered directly).
    brides = _by_desa(
        FamilyMember.objects.filter(
            survey__keluarga__is_synthetic=True,
            survey__tahun=today.year,
            jenis_kelamin="P",
            status_kawin=MaritalStatus.SINGLE,
            tanggal_lahir__range=(add_years(today, -28), add_years(today, -19)),
        )
        .exclude(nik__in=seen)
        .select_related("survey__keluarga__desa")
        .order_by("survey__keluarga__desa_id", "pk"),
        lambda m: m.survey.keluarga.desa_id,
        3,
    )
    for desa in desa_all:
        for i in range(rng.randint(1, 3)):
            members = brides.get(desa.kode, [])
            who = {"member": members[i]} if i < len(members) else {"desa": desa, "nama": _name(rng)}
            target = services.target_register(
                user=None,
                kind=TargetKind.CATIN,
                nama_pasangan=_name(rng, GROOMS),
                tanggal_rencana_nikah=today + rng.randint(20, 200) * DAY,
                tanggal_daftar=today - rng.randint(0, 60) * DAY,
                is_synthetic=True,
                **who,
            )
            targets.append((target, 60))

    # The stages over by today end (mothers past their 42 days, baduta turned two).
    services.targets_transition(user=None, on=today)
    visits = []
    for target, interval in targets:
        target.refresh_from_db()
        visits += _visits(rng, target, today, interval, skip=0.2)
    Visit.objects.bulk_create(visits, batch_size=500)
    counts = {
        "teams": len(teams),
        "targets": Target.objects.filter(is_synthetic=True).count(),
        "visits": len(visits),
    }
    counts |= seed_demo_pregnancy(today=today, seed=seed)
    counts["catin_screenings"] = seed_demo_catin_screenings(today=today, seed=seed)
    return counts
