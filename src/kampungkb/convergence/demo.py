"""Synthetic convergence data for the demo. NOT real: every name, figure and visit is made up
from a seeded generator and every row carries ``is_demo=True`` (or belongs to a demo plan).

``seed_demo_convergence()`` fills, for every year from ``FIRST_YEAR`` to the current one: the
district's 8 aksi records (past years mostly done, some late; this year in progress), a plan
with realisations and coaching visits (with follow-ups, some overdue) for each Kampung KB, and
its indicator values (each save re-evaluates its level, so every year has computed levels);
for this year also cadres with trainings (leaving a few gaps) and two innovations.

The spread is realistic rather than random: each Kampung KB gets a profile from its measured
stunting (the analytics summaries of the growth demo, read before anything is written). The
desa with the lowest prevalence that is not rising become model villages (strong management and
outputs, improving over the years), the next ones Mandiri, those with the highest or rising
prevalence Dasar or Berkembang (weak indicators, slipping). Without measurements the profiles
follow the registry order. It is idempotent: a second call finds the demo plans and does nothing.
"""

import datetime
import random

from django.db import transaction

from kampungkb.convergence.actions.models import ActionStatus
from kampungkb.convergence.actions.selectors import framework_for_year
from kampungkb.convergence.actions.services import action_record_save
from kampungkb.convergence.agencies import Opd, ProgrammeArea
from kampungkb.convergence.cadres.models import CadreRole
from kampungkb.convergence.cadres.services import cadre_save, training_add
from kampungkb.convergence.coaching.services import visit_record
from kampungkb.convergence.innovations.services import innovation_save
from kampungkb.convergence.plans.models import Plan
from kampungkb.convergence.plans.services import activity_add, plan_create, realisation_add
from kampungkb.convergence.reference import reference_load
from kampungkb.convergence.review.models import IndicatorDefinition
from kampungkb.convergence.review.outcomes import stunting_by_desa
from kampungkb.convergence.review.services import indicator_values_save
from kampungkb.wilayah.models import KampungKB, Level, Wilayah

NAMES = [
    "Siti",
    "Nur",
    "Rina",
    "Dewi",
    "Yanti",
    "Lina",
    "Fitri",
    "Sari",
    "Budi",
    "Agus",
    "Rudi",
    "Hendra",
    "Wati",
    "Ani",
    "Rosa",
    "Maya",
]
SURNAMES = ["Contoh", "Sintetis", "Demo", "Rekaan"]
ACTIVITIES = [
    (
        "Penyuluhan 1000 HPK bagi keluarga berisiko stunting",
        "d",
        "Keluarga berisiko stunting",
        "dkppkb",
    ),
    ("Dapur Sehat Atasi Stunting (Dashat)", "seksi-reproduksi", "Baduta dan ibu hamil", "dkppkb"),
    ("Pelatihan usaha UPPKA", "g", "Keluarga akseptor", "dkukmp"),
    ("Pendataan dokumen kependudukan (akta lahir)", "a", "Balita tanpa akta", "disdukcapil"),
    ("Perbaikan jamban sehat", "h", "Rumah tangga tanpa jamban layak", "dpupr"),
    ("Kelas BKB dan pengasuhan", "seksi-sosialisasi-pendidikan", "Orang tua balita", "disdik"),
]


def _name(rng) -> str:
    return f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} (demo)"


FIRST_YEAR = 2022
# (management strength, output strength, change per year going back) of each profile: a model
# village improved to where it is, a village in trouble slipped.
PROFILES = {
    "model": (0.9, 0.92, -0.06),
    "mandiri": (0.42, 0.88, -0.03),
    "berkembang": (0.8, 0.35, 0.0),
    "dasar": (0.3, 0.25, 0.05),
}
UNIT_TOPS = {"%": 100, "kegiatan": 10, "juta Rp": 60, "seksi": 8, "lembaga": 5}


def demo_profiles(kampungs, *, tahun: int) -> dict[int, str]:
    """Give each Kampung KB a profile from its desa's measured stunting (see the module)."""
    desa = [k.desa_id for k in kampungs]
    now = stunting_by_desa(tahun=tahun, desa_kodes=desa)
    before = stunting_by_desa(tahun=tahun - 1, desa_kodes=desa)

    def outcome(k):
        p = (now.get(k.desa_id) or {}).get("prevalence")
        b = (before.get(k.desa_id) or {}).get("prevalence")
        rising = p is not None and b is not None and p > b
        return (p is None, rising, p if p is not None else 0.0, k.desa_id)

    ranked = sorted(kampungs, key=outcome)
    n = len(ranked)
    n_model, n_mandiri = max(1, round(n * 0.2)), round(n * 0.2)
    n_berkembang = round(n * 0.3)
    out = {}
    for i, k in enumerate(ranked):
        if i < n_model:
            out[k.pk] = "model"
        elif i < n_model + n_mandiri:
            out[k.pk] = "mandiri"
        elif i < n_model + n_mandiri + n_berkembang:
            out[k.pk] = "berkembang"
        else:
            out[k.pk] = "dasar"
    return out


def _seed_actions(rng, *, kab, today) -> int:
    """The district's action records of every year: past years mostly done, this one going."""
    n = 0
    for year in range(FIRST_YEAR, today.year + 1):
        framework = framework_for_year(year)
        if not (kab and framework):
            continue
        for action in framework.actions.order_by("nomor"):
            if year < today.year:
                due, started = True, True
                done = rng.random() < 0.85
            else:
                due, started = action.bulan_selesai < today.month, action.bulan_mulai <= today.month
                done = due and rng.random() < 0.7
            values = {
                "status": ActionStatus.SELESAI
                if done
                else (ActionStatus.BERJALAN if started else ActionStatus.BELUM)
            }
            if done:
                values["tanggal_selesai"] = datetime.date(year, action.bulan_selesai, 15)
                values["catatan_reviu"] = "Catatan demo (sintetis)."
            action_record_save(
                user=None,
                kabupaten=kab,
                tahun=year,
                action=action,
                values=values,
                is_demo=True,
                commitments=[
                    {
                        "penandatangan": "Pejabat Demo",
                        "lembaga": "Setda (demo)",
                        "komitmen": "Mendukung konvergensi (contoh)",
                    }
                ]
                if action.nomor == 3
                else [],
            )
            n += 1
    return n


def _seed_plan(rng, *, kampung, year, today, strength, areas, opd) -> None:
    plan = plan_create(user=None, tahun=year, kampung=kampung, is_demo=True)
    last_month = today.month if year == today.year else 13
    for kegiatan, area, sasaran, opd_kode in rng.sample(ACTIVITIES, 3):
        start = rng.randint(1, 6)
        activity = activity_add(
            user=None,
            plan=plan,
            kegiatan=kegiatan,
            programme_area=areas[area],
            opd=opd[opd_kode],
            sasaran=sasaran,
            jumlah_sasaran=rng.randint(10, 60),
            anggaran=rng.choice([5, 10, 15, 25]) * 1_000_000,
            sumber_dana=rng.choice(["dana_desa", "apbd", "swadaya", "csr"]),
            bulan=list(range(start, start + 4)),
            penanggung_jawab=_name(rng),
        )
        if start < last_month:
            # Stronger villages finish more of what they planned.
            progres = 100 if rng.random() < strength else rng.choice([20, 40, 70])
            realisation_add(
                user=None,
                activity=activity,
                tanggal=datetime.date(year, min(start + 2, last_month - 1, 12), 10),
                progres=progres,
                output_tercapai=activity.jumlah_sasaran * progres // 100,
                anggaran_realisasi=int(activity.anggaran) * progres // 100,
            )


def _seed_visits(rng, *, kampung, year, today, n_visits, overdue_first, areas, opd) -> int:
    last_month = max(1, today.month - 1) if year == today.year else 12
    n = 0
    for v in range(n_visits):
        visit_day = datetime.date(year, rng.randint(1, last_month), rng.randint(1, 28))
        opd_kode = rng.choice(["dkppkb", "dpmd", "dpupr", "disdukcapil"])
        due = visit_day + datetime.timedelta(days=30)
        overdue = overdue_first and v == 0 and due < today
        visit_record(
            user=None,
            opd=opd[opd_kode],
            desa=kampung.desa,
            tanggal=visit_day,
            topik="Pembinaan teknis Kampung KB (demo)",
            programme_area=areas["d"],
            temuan="Temuan contoh: pencatatan poktan belum rutin (sintetis).",
            follow_ups=[
                {
                    "tindakan": "Lengkapi register poktan (demo)",
                    "penanggung_jawab": _name(rng),
                    "batas_waktu": due,
                    "owner_opd": None if v == 0 else opd[opd_kode],
                    **(
                        {}
                        if overdue or due >= today
                        else {"status": "selesai", "tanggal_selesai": min(due, today)}
                    ),
                }
            ],
            is_demo=True,
        )
        n += 1
    return n


def _seed_cadres(rng, *, i, kampung, tahun) -> int:
    # People: a KPM (trained in most desa), a TPK that is sometimes incomplete, posyandu cadres.
    roles = [
        CadreRole.KPM,
        CadreRole.TPK_BIDAN,
        CadreRole.TPK_PKK,
        CadreRole.KADER_POSYANDU,
        CadreRole.KARANG_TARUNA,
    ]
    if i % 4:
        roles.append(CadreRole.TPK_KB)
    for role in roles:
        cadre = cadre_save(
            user=None,
            desa=kampung.desa,
            nama=_name(rng),
            peran=role,
            telepon=f"0812000{rng.randint(10000, 99999)}",
            is_demo=True,
        )
        if role == CadreRole.KPM and i % 5:
            training_add(
                user=None,
                cadre=cadre,
                tanggal=datetime.date(tahun, 3, 12),
                topik="Pelatihan KPM dan kartu skor desa (demo)",
                penyelenggara="DPMD",
                sertifikat=f"DEMO/{tahun}/{i:03d}",
            )
    return len(roles)


def _indicator_values(rng, definitions, *, management: float, output: float) -> dict:
    values = {}
    for d in definitions:
        strength = output if d.kelompok == "output" else management
        top = UNIT_TOPS.get(d.satuan, 14)
        values[d.kode] = round(top * min(1.0, max(0.0, strength + rng.uniform(-0.08, 0.08))), 1)
    return values


@transaction.atomic
def seed_demo_convergence(*, today: datetime.date | None = None, seed: int = 2026) -> dict:
    """Create the synthetic convergence demo once; return counts of what was made."""
    today = today or datetime.date.today()
    tahun = today.year
    reference_load()
    if Plan.objects.filter(is_demo=True).exists():
        return {"skipped": True}
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not secrets
    kab = Wilayah.objects.filter(level=Level.KABUPATEN).order_by("kode").first()
    opd = {o.kode: o for o in Opd.objects.all()}
    areas = {a.kode: a for a in ProgrammeArea.objects.all()}
    counts = {"actions": _seed_actions(rng, kab=kab, today=today)}
    counts.update(plans=0, cadres=0, visits=0, innovations=0)

    kampungs = list(KampungKB.objects.select_related("desa").order_by("desa_id"))
    profiles = demo_profiles(kampungs, tahun=tahun)
    definitions = list(IndicatorDefinition.objects.filter(computed=False))
    for i, kampung in enumerate(kampungs):
        profile = profiles[kampung.pk]
        management, output, step = PROFILES[profile]
        counts["cadres"] += _seed_cadres(rng, i=i, kampung=kampung, tahun=tahun)
        for year in range(FIRST_YEAR, tahun + 1):
            back = tahun - year
            m = management + step * back
            _seed_plan(
                rng, kampung=kampung, year=year, today=today, strength=m, areas=areas, opd=opd
            )
            counts["plans"] += 1
            counts["visits"] += _seed_visits(
                rng,
                kampung=kampung,
                year=year,
                today=today,
                n_visits=1 + round(3 * min(1.0, max(0.0, m))),
                overdue_first=profile in ("dasar", "berkembang") or i % 3 == 0,
                areas=areas,
                opd=opd,
            )
            # Saving the values evaluates the Kampung KB for the year (services.py).
            indicator_values_save(
                user=None,
                kampung=kampung,
                tahun=year,
                values=_indicator_values(
                    rng, definitions, management=m, output=output + step * back
                ),
            )

    models_ = [k for k in kampungs if profiles[k.pk] == "model"] or kampungs
    if models_:
        first, second = models_[0], models_[min(1, len(models_) - 1)]
        innovation_save(
            user=None,
            desa=first.desa,
            nama="Arisan Gizi Balita (demo)",
            tahun=tahun,
            deskripsi="Arisan bulanan bahan makanan lokal bergizi bagi baduta (contoh sintetis).",
            bukti="Kehadiran posyandu naik (angka demo).",
            direplikasi_di=[k.desa for k in kampungs if k != first][:1],
            is_demo=True,
        )
        innovation_save(
            user=None,
            desa=second.desa,
            nama="Rumah DataKu Keliling (demo)",
            tahun=tahun,
            deskripsi="Pemutakhiran data keluarga dari rumah ke rumah (contoh sintetis).",
            bukti="Data keluarga mutakhir (angka demo).",
            is_demo=True,
        )
        counts["innovations"] = 2
    return counts
