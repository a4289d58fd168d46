"""Belitung Timur's Kampung KB for the demo.

The nine named in the sources (shared domain notes §6.3: portal.beltim.go.id,
negerilaskarpelangi.com, bangka.tribunnews.com, kampungkb.bkkbn.go.id) with their years, and six
clearly-marked synthetic entries on other desa to reach the district's 15. Pokja members,
activity groups, partners, funding and maturity levels are synthetic for all of them: the
real ones are not public.
"""

import datetime
import random

from kampungkb.wilayah.models import (
    ActivityGroupType,
    FundingSourceType,
    KampungKB,
    MaturityLevel,
    PartnerType,
    PokjaPosition,
    PokjaSeksi,
    Wilayah,
)
from kampungkb.wilayah.services import kampung_kb_save, maturity_record_add

SYNTHETIC_NOTE = (
    "Anggota Pokja, kelompok kegiatan, mitra, sumber dana dan tingkat kematangan di sini adalah "
    "data contoh (sintetis) untuk demo."
)

# (desa code, name, launch date, decree number, note on the source)
NAMED = [
    (
        "19.06.04.2002",
        "Kampung KB Senyubuk",
        datetime.date(2014, 1, 1),
        "",
        "Pokja Kampung KB pertama di Belitung Timur, dibentuk tahun 2014 "
        "(hanya tahunnya diketahui).",
    ),
    (
        "19.06.05.2003",
        "Kampung KB Burong Mandi",
        datetime.date(2017, 10, 3),
        "",
        "Dicanangkan 3 Oktober 2017 sebagai Kampung KB tingkat kabupaten.",
    ),
    (
        "19.06.01.2002",
        "Kampung KB Kurnia Jaya",
        datetime.date(2017, 10, 3),
        "",
        "Dicanangkan 3 Oktober 2017, satu desa per kecamatan.",
    ),
    (
        "19.06.04.2003",
        "Kampung KB Cendil",
        datetime.date(2017, 10, 3),
        "",
        "Dicanangkan 3 Oktober 2017, satu desa per kecamatan.",
    ),
    (
        "19.06.02.2010",
        "Kampung KB Batu Penyu",
        datetime.date(2017, 10, 3),
        "188.45-314",
        "Dicanangkan 3 Oktober 2017; Pokja dibentuk dengan SK Bupati Belitung Timur "
        "No. 188.45-314 (2018).",
    ),
    (
        "19.06.06.2003",
        "Kampung KB Aik Madu",
        datetime.date(2017, 10, 3),
        "",
        "Dicanangkan 3 Oktober 2017, satu desa per kecamatan.",
    ),
    (
        "19.06.07.2002",
        "Kampung KB Tanjung Batu Itam",
        datetime.date(2017, 10, 3),
        "",
        "Dicanangkan 3 Oktober 2017 (disebut 'Batu Itam' di sumber).",
    ),
    (
        "19.06.03.2005",
        "Kampung KB Nyuruk",
        datetime.date(2017, 10, 3),
        "",
        "Dicanangkan 3 Oktober 2017, satu desa per kecamatan.",
    ),
    (
        "19.06.02.2011",
        "Kampung KB Limbongan",
        datetime.date(2018, 5, 2),
        "",
        "Tujuh Kampung KB tingkat dusun di Desa Limbongan dikukuhkan BKKBN Babel 2 Mei 2018.",
    ),
]
SYNTHETIC = [
    ("19.06.01.2012", datetime.date(2015, 11, 12)),
    ("19.06.02.2009", datetime.date(2016, 3, 8)),
    ("19.06.03.2008", datetime.date(2016, 8, 17)),
    ("19.06.04.2001", datetime.date(2017, 4, 21)),
    ("19.06.05.2004", datetime.date(2018, 2, 14)),
    ("19.06.07.2004", datetime.date(2018, 7, 29)),
]

_FIRST = [
    "Siti",
    "Nur",
    "Dewi",
    "Rina",
    "Yanti",
    "Budi",
    "Agus",
    "Hendra",
    "Rudi",
    "Lestari",
    "Wati",
    "Sri",
    "Eko",
    "Fitri",
    "Rahmat",
    "Indah",
    "Joko",
    "Maya",
    "Andi",
    "Putri",
]
_LAST = ["Saputra", "Wijaya", "Hasan", "Lestari", "Rahayu", "Pratama", "Santoso", "Anggraini"]


def _synthetic_profile(rng: random.Random, kampung_kb_name: str, launched: datetime.date):
    def person():
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"

    pokja = [
        {
            "nama": person(),
            "jabatan": PokjaPosition.KETUA,
            "seksi": "",
            "telepon": f"0819{rng.randrange(10_000_000, 99_999_999)}",
        },
        {"nama": person(), "jabatan": PokjaPosition.SEKRETARIS, "seksi": "", "telepon": ""},
        {"nama": person(), "jabatan": PokjaPosition.BENDAHARA, "seksi": "", "telepon": ""},
    ] + [
        {
            "nama": person(),
            "jabatan": PokjaPosition.KOORDINATOR_SEKSI,
            "seksi": seksi,
            "telepon": "",
        }
        for seksi in rng.sample(PokjaSeksi.values, k=rng.randint(3, 8))
    ]
    groups = []
    for jenis in ActivityGroupType.values:
        active = rng.random() < (0.9 if jenis in {"bkb", "bkr", "bkl"} else 0.5)
        start = launched + datetime.timedelta(days=rng.randint(30, 900)) if active else None
        groups.append(
            {
                "jenis": jenis,
                "aktif": active,
                "tanggal_mulai": min(start, datetime.date(2024, 12, 31)) if start else None,
            }
        )
    partners = [
        {"jenis": PartnerType.PKK, "nama": "TP-PKK Desa"},
        {"jenis": PartnerType.KARANG_TARUNA, "nama": "Karang Taruna Desa"},
        {
            "jenis": PartnerType.OPD,
            "nama": rng.choice(
                ["DKPPKB", "Dinas Pendidikan", "Dinas PMD", "Dinas Sosial", "Dinas PUPR"]
            ),
        },
    ]
    funding = [{"sumber": FundingSourceType.DANA_DESA, "keterangan": "Pos Kampung KB di APBDes"}]
    if rng.random() < 0.6:
        funding.append({"sumber": FundingSourceType.APBD, "keterangan": "DKPPKB"})
    if rng.random() < 0.3:
        funding.append({"sumber": FundingSourceType.CSR, "keterangan": "Perusahaan setempat"})
    return pokja, groups, partners, funding


def seed_kampung_kb(*, seed: int = 20261127) -> int:
    """Create the demo Kampung KB that do not exist yet; return how many were created."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
    created = 0
    rows = [(kode, name, date, sk, note, False) for kode, name, date, sk, note in NAMED]
    for kode, date in SYNTHETIC:
        desa = Wilayah.objects.get(kode=kode)
        rows.append(
            (
                kode,
                f"Kampung KB {desa.nama} (demo)",
                date,
                "",
                "Entri demo sintetis untuk melengkapi 15 Kampung KB; bukan data nyata.",
                True,
            )
        )
    levels = MaturityLevel.values
    for kode, name, date, sk, note, synthetic in rows:
        # Draw for every row, even existing ones, so reruns give the same values.
        profile_parts = _synthetic_profile(rng, name, date)
        history = sorted(rng.sample(range(2019, 2026), k=rng.randint(1, 3)))
        if KampungKB.objects.filter(desa_id=kode).exists():
            continue
        pokja, groups, partners, funding = profile_parts
        kampung = kampung_kb_save(
            user=None,
            kampung=None,
            profile={
                "desa": Wilayah.objects.get(kode=kode),
                "nama": name,
                "tanggal_pencanangan": date,
                "sk_nomor": sk,
                "catatan": f"{note} {SYNTHETIC_NOTE}",
            },
            pokja=pokja,
            groups=groups,
            partners=partners,
            funding=funding,
            is_demo=synthetic,
        )
        level = 0
        for year in history:
            level = min(level + rng.randint(0, 1), len(levels) - 1)
            maturity_record_add(
                user=None,
                kampung=kampung,
                tingkat=levels[level],
                tanggal=datetime.date(year, 12, 15),
                sumber="Data demo (sintetis), bukan status resmi",
            )
        created += 1
    return created
