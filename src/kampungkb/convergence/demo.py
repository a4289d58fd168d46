"""Synthetic convergence data for the demo. NOT real: every name, figure and visit is made up
from a seeded generator and every row carries ``is_demo=True`` (or belongs to a demo plan).

``seed_demo_convergence()`` fills, for the current year: the district's action records with
statuses (some done with evidence notes, some late), a plan with realisations for each Kampung
KB and two OPD plans, cadres with trainings (leaving a few gaps), coaching visits with some
follow-ups overdue, indicator values for this and last year, one evaluation run and two
innovations. It is idempotent: a second call finds the demo plans and does nothing.
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
from kampungkb.convergence.review.services import evaluation_run, indicator_values_save
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
    counts = {"actions": 0, "plans": 0, "cadres": 0, "visits": 0, "innovations": 0}

    framework = framework_for_year(tahun)
    if kab and framework:
        for action in framework.actions.order_by("nomor"):
            due = action.bulan_selesai < today.month
            done = due and rng.random() < 0.7
            values = {
                "status": ActionStatus.SELESAI
                if done
                else (
                    ActionStatus.BERJALAN
                    if action.bulan_mulai <= today.month
                    else ActionStatus.BELUM
                )
            }
            if done:
                values["tanggal_selesai"] = datetime.date(tahun, action.bulan_selesai, 15)
                values["catatan_reviu"] = "Catatan demo (sintetis)."
            action_record_save(
                user=None,
                kabupaten=kab,
                tahun=tahun,
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
            counts["actions"] += 1

    kampungs = list(KampungKB.objects.select_related("desa").order_by("desa_id"))
    month_now = today.month
    for i, kampung in enumerate(kampungs):
        plan = plan_create(user=None, tahun=tahun, kampung=kampung, is_demo=True)
        counts["plans"] += 1
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
            if start < month_now:
                progres = rng.choice([40, 70, 100])
                realisation_add(
                    user=None,
                    activity=activity,
                    tanggal=datetime.date(tahun, min(start + 2, month_now), 10),
                    progres=progres,
                    output_tercapai=activity.jumlah_sasaran * progres // 100,
                    anggaran_realisasi=int(activity.anggaran) * progres // 100,
                )
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
            counts["cadres"] += 1
            if role == CadreRole.KPM and i % 5:
                training_add(
                    user=None,
                    cadre=cadre,
                    tanggal=datetime.date(tahun, 3, 12),
                    topik="Pelatihan KPM dan kartu skor desa (demo)",
                    penyelenggara="DPMD",
                    sertifikat=f"DEMO/{tahun}/{i:03d}",
                )
        # Coaching: one or two visits; the first follow-up of every third desa is overdue.
        for n in range(1 + (i % 2)):
            visit_day = datetime.date(
                tahun, rng.randint(1, max(1, month_now - 1)), rng.randint(1, 28)
            )
            opd_kode = rng.choice(["dkppkb", "dpmd", "dpupr", "disdukcapil"])
            due = visit_day + datetime.timedelta(days=30)
            overdue = i % 3 == 0 and n == 0 and due < today
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
                        "owner_opd": None if n == 0 else opd[opd_kode],
                        **(
                            {}
                            if overdue or due >= today
                            else {"status": "selesai", "tanggal_selesai": min(due, today)}
                        ),
                    }
                ],
                is_demo=True,
            )
            counts["visits"] += 1
        # Indicators for last year and this year; stronger villages get higher values.
        strength = rng.random()
        for year in (tahun - 1, tahun):
            values = {}
            for d in IndicatorDefinition.objects.filter(computed=False):
                top = (
                    100
                    if d.satuan == "%"
                    else {"kegiatan": 10, "juta Rp": 60, "seksi": 8, "lembaga": 5}.get(d.satuan, 14)
                )
                values[d.kode] = round(
                    top * min(1.0, max(0.0, strength + rng.uniform(-0.2, 0.2))), 1
                )
            indicator_values_save(user=None, kampung=kampung, tahun=year, values=values)

    if kampungs:
        evaluation_run(user=None, tahun=tahun, kampungs=kampungs)
        first, second = kampungs[0], kampungs[min(1, len(kampungs) - 1)]
        innovation_save(
            user=None,
            desa=first.desa,
            nama="Arisan Gizi Balita (demo)",
            tahun=tahun,
            deskripsi="Arisan bulanan bahan makanan lokal bergizi bagi baduta (contoh sintetis).",
            bukti="Kehadiran posyandu naik (angka demo).",
            direplikasi_di=[second.desa],
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
