"""The synthetic registry of the demo: its puskesmas and posyandu, and the names and NIKs given
to its children and their mothers. NOT real people or places (see ``growth.demo``)."""

import datetime

from kampungkb.growth.models import Posyandu, Puskesmas

POSYANDU = [
    "Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Cempaka", "Teratai", "Flamboyan",
    "Seroja", "Kamboja", "Bougenville", "Nusa Indah",
]  # fmt: skip
BOYS = [
    "Muhammad", "Ahmad", "Rizky", "Fajar", "Dimas", "Bayu", "Arif", "Raka", "Galih", "Yusuf",
    "Farhan", "Ilham", "Rafi", "Hafiz", "Aditya", "Bagas", "Daffa", "Alif", "Fikri", "Zidan",
]  # fmt: skip
GIRLS = [
    "Aisyah", "Nabila", "Putri", "Zahra", "Salsabila", "Nayla", "Keisha", "Alya", "Citra",
    "Dinda", "Intan", "Kirana", "Laila", "Naura", "Syifa", "Anisa", "Fitri", "Amelia", "Rahma",
    "Khanza",
]  # fmt: skip
SECOND_BOY = ["Pratama", "Saputra", "Ramadhan", "Hidayat", "Maulana", "Kurniawan", "Nugraha"]
SECOND_GIRL = ["Lestari", "Anggraini", "Rahmawati", "Safitri", "Wulandari", "Ramadhani"]
MOTHER_FIRST = [
    "Siti", "Nur", "Dewi", "Sri", "Rina", "Yuli", "Ani", "Erna", "Lina", "Fatimah", "Maryam",
    "Rosmala", "Juliana", "Hartini", "Suryani",
]  # fmt: skip
MOTHER_LAST = ["Aminah", "Hasanah", "Sari", "Wahyuni", "Yanti", "Susanti", "Rahayu", "Purnama"]
DUSUN = ["Dusun I", "Dusun II", "Dusun III", "Dusun IV"]


def synthetic_nik(kec: str, born: datetime.date, girl: bool, serial: int) -> str:
    """A NIK-shaped number for the demo: the kecamatan (``kec``: its two digits, Belitung
    Timur's 1906 before them, or all six digits), the date of birth (the day plus 40 for a
    girl, as in a NIK) and ``serial`` (the demo's serials start at 9001)."""
    day = born.day + (40 if girl else 0)
    place = kec if len(kec) == 6 else f"1906{kec}"
    return f"{place}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def seed_places(rng, desa_list):
    """Make a puskesmas per kecamatan (its working area: the desa) and 2-5 posyandu per desa,
    each with a day of the month it is held (``demo_day``); return them (posyandu by desa)."""
    by_kecamatan: dict[str, list] = {}
    for d in desa_list:
        by_kecamatan.setdefault(d.parent_id, []).append(d)
    puskesmas = []
    posyandu: dict[str, list[Posyandu]] = {}
    for kec_kode, desa_in_kec in sorted(by_kecamatan.items()):
        kecamatan = desa_in_kec[0].parent
        pk, _ = Puskesmas.objects.get_or_create(
            kecamatan=kecamatan,
            nama=f"Puskesmas {kecamatan.nama}",
            defaults={"kode": f"DEMO-{kec_kode}", "is_synthetic": True},
        )
        pk.wilayah_kerja.add(*desa_in_kec)
        puskesmas.append(pk)
        for d in desa_in_kec:
            names = rng.choice(POSYANDU, size=int(rng.integers(2, 6)), replace=False)
            posyandu[d.kode] = [
                Posyandu.objects.get_or_create(
                    desa=d,
                    nama=f"Posyandu {name}",
                    defaults={
                        "dusun": DUSUN[i % len(DUSUN)],
                        "puskesmas": pk,
                        "is_synthetic": True,
                    },
                )[0]
                for i, name in enumerate(names)
            ]
            for p in posyandu[d.kode]:
                p.demo_day = int(rng.integers(5, 26))  # the posyandu's day of the month
    return puskesmas, posyandu
