"""Reference data of the convergence work, loaded by a data migration and by test fixtures.

Sources (shared domain notes): §1.1 the 8 aksi and owners (Bappenas 2018 pedoman, Widodo deck),
§1.2 the annual cycle (months partly INFERRED), §1.3 the 2025 "transformasi" (4 main + 2
supporting actions; month checkpoints Jan/Mar/Jul/Oct/Dec), §1.4 the Inpres 3/2022 programme
areas a-h, §2.3 the Pokja seksi, §2.5 the input/process/output indicators, §7 national targets.
The OPD list and which OPD leads which area are INFERRED from the usual Beltim agency names;
the cut-offs of the maturity levels were NOT FOUND (§2.6), so the default rule sets below are
a starting point for the district to tune, not an official scheme.
"""

OPDS = [
    ("dkppkb", "Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana", "DKPPKB"),
    (
        "bappelitbangda",
        "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
        "Bappelitbangda",
    ),
    ("dpmd", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD"),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    ("disdik", "Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
    ("dinsos", "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Dinsos P3A"),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
    ("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("dkukmp", "Dinas Koperasi, UKM dan Perdagangan", "DKUKMP"),
    ("kemenag", "Kantor Kementerian Agama", "Kemenag"),
    ("setda", "Sekretariat Daerah", "Setda"),
]

FRAMEWORKS = [
    {
        "kode": "8-aksi-2022",
        "nama": "8 Aksi Konvergensi (2022-2024)",
        "tahun_mulai": 2022,
        "tahun_akhir": 2024,
        "sumber": "Bappenas, Pedoman Pelaksanaan Intervensi Penurunan Stunting Terintegrasi "
        "(2018); Juknis Aksi 1-3 (2019); siklus bulan sebagian disimpulkan (DOMAIN §1.2)",
        "actions": [
            (
                1,
                "Analisis Situasi Program Penurunan Stunting",
                "aksi",
                "Bappelitbangda",
                1,
                2,
                "Sebaran kasus dan cakupan intervensi; desa lokus dan kegiatan prioritas",
            ),
            (
                2,
                "Penyusunan Rencana Kegiatan",
                "aksi",
                "Bappelitbangda",
                2,
                4,
                "Rancangan rencana kegiatan tahunan terintegrasi ke RKPD/Renja OPD",
            ),
            (
                3,
                "Rembuk Stunting Kabupaten",
                "aksi",
                "Setda",
                3,
                5,
                "Kesepakatan komitmen yang ditandatangani OPD, camat, kepala desa dan mitra",
            ),
            (
                4,
                "Peraturan Bupati tentang Peran Desa",
                "aksi",
                "DPMD",
                1,
                6,
                "Perbup kewenangan desa dalam penurunan stunting",
            ),
            (
                5,
                "Pembinaan Kader Pembangunan Manusia",
                "aksi",
                "DPMD",
                1,
                12,
                "KPM terlatih di setiap desa; konvergensi tingkat desa",
            ),
            (
                6,
                "Sistem Manajemen Data Stunting",
                "aksi",
                "Bappelitbangda",
                1,
                12,
                "Perbaikan alur data dari posyandu ke kabupaten",
            ),
            (
                7,
                "Pengukuran dan Publikasi Data Stunting",
                "aksi",
                "DKPPKB",
                2,
                9,
                "Pengukuran semua balita; publikasi prevalensi per kecamatan dan desa",
            ),
            (
                8,
                "Reviu Kinerja Tahunan",
                "aksi",
                "Setda",
                11,
                12,
                "Reviu kinerja pelaksanaan terhadap hasil; masukan Aksi 1 tahun berikutnya",
            ),
        ],
    },
    {
        "kode": "transformasi-2025",
        "nama": "Aksi Konvergensi 2025 (4 utama + 2 pendukung)",
        "tahun_mulai": 2025,
        "tahun_akhir": None,
        "sumber": "Kemendagri, sosialisasi transformasi aksi konvergensi 2025 (Kutai Timur "
        "11 Agustus 2025; Jatim 2025); titik periksa Jan/Mar/Jul/Okt/Des",
        "actions": [
            (
                1,
                "Analisis Situasi",
                "utama",
                "Bappelitbangda",
                1,
                1,
                "Analisis situasi kabupaten dan kecamatan (per semester)",
            ),
            (
                2,
                "Penguatan Perencanaan",
                "utama",
                "Bappelitbangda",
                2,
                3,
                "Rencana kegiatan dan penganggaran terintegrasi",
            ),
            (
                3,
                "Penguatan Pelaksanaan",
                "utama",
                "DKPPKB",
                4,
                7,
                "Pelaksanaan intervensi dan pemantauan cakupan layanan",
            ),
            (
                4,
                "Penilaian Hasil Monev",
                "utama",
                "Setda",
                10,
                12,
                "Penilaian hasil monitoring dan evaluasi (Tumbuh / Berkembang / Berdaya)",
            ),
            (5, "Regulasi", "pendukung", "DPMD", 1, 6, "Regulasi daerah dan desa yang mendukung"),
            (6, "Publikasi", "pendukung", "DKPPKB", 7, 10, "Publikasi data stunting"),
        ],
    },
]

# (kode, nama, jenis, lead OPD kode)
PROGRAMME_AREAS = [
    ("a", "a. Data dan dokumen kependudukan", "inpres", "disdukcapil"),
    ("b", "b. Advokasi dan KIE perubahan perilaku", "inpres", "diskominfo"),
    ("c", "c. Pelayanan kesehatan, KB dan kesehatan reproduksi melalui UKBM", "inpres", "dkppkb"),
    ("d", "d. Pendampingan keluarga berisiko stunting", "inpres", "dkppkb"),
    ("e", "e. Pendidikan", "inpres", "disdik"),
    ("f", "f. Perlindungan sosial", "inpres", "dinsos"),
    ("g", "g. Pemberdayaan ekonomi keluarga", "inpres", "dkukmp"),
    ("h", "h. Air bersih dan sanitasi", "inpres", "dpupr"),
    ("seksi-keagamaan", "Seksi 1. Keagamaan", "seksi", "kemenag"),
    ("seksi-sosialisasi-pendidikan", "Seksi 2. Sosialisasi dan pendidikan", "seksi", "disdik"),
    ("seksi-reproduksi", "Seksi 3. Reproduksi", "seksi", "dkppkb"),
    ("seksi-ekonomi", "Seksi 4. Ekonomi", "seksi", "dkukmp"),
    ("seksi-perlindungan", "Seksi 5. Perlindungan", "seksi", "dinsos"),
    ("seksi-kasih-sayang", "Seksi 6. Kasih sayang", "seksi", "dkppkb"),
    ("seksi-sosial-budaya", "Seksi 7. Sosial budaya", "seksi", "dpmd"),
    ("seksi-pembinaan-lingkungan", "Seksi 8. Pembinaan lingkungan", "seksi", "dpupr"),
]

# (kode, nama, kelompok, satuan, computed, programme area kode)
# Computed from the family survey rounds of the Kampung KB's desa in the year (issue 13);
# added to existing installations by migration 0003_family_indicators.
FAMILY_INDICATORS = [
    ("sys_sasaran", "Keluarga sasaran (data keluarga)", "outcome", "keluarga", True, "d"),
    ("sys_krs", "Keluarga berisiko stunting (KRS)", "outcome", "keluarga", True, "d"),
    ("sys_krs_persen", "KRS di antara keluarga sasaran", "outcome", "%", True, "d"),
    ("sys_mcpr", "mCPR: PUS ber-KB modern (data keluarga)", "outcome", "%", True, "c"),
    ("sys_jkn", "Anggota keluarga ber-JKN", "outcome", "%", True, "f"),
    ("sys_akta", "Anggota keluarga ber-akta kelahiran", "outcome", "%", True, "a"),
]

# Computed from the analytics TPK summaries of the Kampung KB's desa in the year (issue 14
# item 7, ``review.tpk_values``); added to existing installations by migration
# 0005_tpk_indicators.
TPK_INDICATORS = [
    ("sys_tpk_krs_didampingi", "Keluarga KRS didampingi TPK", "outcome", "%", True, "d"),
    ("sys_tpk_catin_skrining", "Catin diskrining (Elsimil)", "outcome", "%", True, "d"),
    (
        "sys_tpk_catin_3bulan",
        "Catin diskrining 3 bulan sebelum menikah",
        "outcome",
        "%",
        True,
        "d",
    ),
    ("sys_tpk_catin_berisiko", "Catin berisiko (dari yang diskrining)", "outcome", "%", True, "d"),
    ("sys_tpk_bumil_kek", "Ibu hamil KEK", "outcome", "%", True, "d"),
    ("sys_tpk_bumil_anemia", "Ibu hamil anemia", "outcome", "%", True, "d"),
    ("sys_tpk_k4", "Ibu hamil dengan K4 lengkap", "outcome", "%", True, "d"),
    ("sys_tpk_k6", "Ibu hamil dengan K6 lengkap", "outcome", "%", True, "d"),
    ("sys_tpk_ttd90", "Ibu hamil minum TTD >= 90 tablet", "outcome", "%", True, "d"),
    ("sys_tpk_kb_pasca", "KB pasca persalinan dalam 42 hari", "outcome", "%", True, "c"),
    (
        "sys_tpk_konvergensi",
        "Tingkat konvergensi desa (kartu skor KPM)",
        "outcome",
        "%",
        True,
        "d",
    ),
]

INDICATORS = [
    ("in_partisipasi", "Partisipasi sumber daya desa", "input", "%", False, "seksi-sosial-budaya"),
    (
        "in_kegiatan_terpadu",
        "Ragam kegiatan terpadu (program dan inovasi)",
        "input",
        "kegiatan",
        False,
        "b",
    ),
    ("in_anggaran", "Besaran anggaran Kampung KB", "input", "juta Rp", False, "g"),
    ("in_sarana", "Ketersediaan sarana dan prasarana", "input", "%", False, "h"),
    (
        "pr_seksi_aktif",
        "Seksi yang menjalankan kegiatan",
        "process",
        "seksi",
        False,
        "seksi-sosial-budaya",
    ),
    ("pr_aparat", "Keikutsertaan aparat dalam sinkronisasi kegiatan", "process", "%", False, "a"),
    (
        "pr_lembaga",
        "Keikutsertaan lembaga masyarakat dalam pengelolaan",
        "process",
        "lembaga",
        False,
        "seksi-sosial-budaya",
    ),
    ("pr_kie", "Frekuensi KIE/penyuluhan", "process", "kali/tahun", False, "b"),
    ("pr_kbkr", "Frekuensi pelayanan KB-KR", "process", "kali/tahun", False, "c"),
    ("pr_sektor_lain", "Frekuensi pelayanan sektor lain", "process", "kali/tahun", False, "f"),
    ("pr_poktan", "Frekuensi pertemuan rutin poktan", "process", "kali/tahun", False, "d"),
    ("pr_gerakan", "Frekuensi kegiatan gerakan masyarakat", "process", "kali/tahun", False, "h"),
    (
        "out_8_fungsi",
        "Keluarga menjalankan 8 fungsi keluarga",
        "output",
        "%",
        False,
        "seksi-kasih-sayang",
    ),
    ("out_kb_aktif", "Peserta KB aktif (mCPR)", "output", "%", False, "c"),
    ("out_mkjp", "Peserta KB MKJP", "output", "%", False, "c"),
    (
        "out_poktan_peserta",
        "Keluarga ikut poktan (BKB/BKR/BKL/UPPKA/PIK-R)",
        "output",
        "%",
        False,
        "d",
    ),
    (
        "sys_prevalensi",
        "Prevalensi stunting desa (pengukuran terakhir per anak)",
        "outcome",
        "%",
        True,
        "d",
    ),
    ("sys_tren", "Perubahan prevalensi stunting dari tahun lalu", "outcome", "poin", True, "d"),
    ("sys_cakupan", "Cakupan balita diukur", "outcome", "%", True, "c"),
    ("sys_poktan_aktif", "Kelompok kegiatan yang aktif", "outcome", "%", True, "d"),
    ("sys_pembinaan", "Kunjungan pembinaan OPD diterima", "outcome", "kunjungan", True, "b"),
    *FAMILY_INDICATORS,
    *TPK_INDICATORS,
]

_MANAGEMENT_2022 = {
    "in_partisipasi": {"weight": 1, "worst": 0, "best": 80},
    "in_kegiatan_terpadu": {"weight": 1, "worst": 0, "best": 8},
    "in_anggaran": {"weight": 1, "worst": 0, "best": 50},
    "in_sarana": {"weight": 1, "worst": 0, "best": 100},
    "pr_seksi_aktif": {"weight": 2, "worst": 0, "best": 8},
    "pr_aparat": {"weight": 1, "worst": 0, "best": 80},
    "pr_lembaga": {"weight": 1, "worst": 0, "best": 4},
    "pr_kie": {"weight": 1, "worst": 0, "best": 12},
    "pr_kbkr": {"weight": 1, "worst": 0, "best": 12},
    "pr_sektor_lain": {"weight": 1, "worst": 0, "best": 6},
    "pr_poktan": {"weight": 1, "worst": 0, "best": 12},
    "pr_gerakan": {"weight": 1, "worst": 0, "best": 4},
    "sys_poktan_aktif": {"weight": 2, "worst": 0, "best": 100},
    "sys_pembinaan": {"weight": 1, "worst": 0, "best": 4},
}
_CONTRIBUTION_2022 = {
    "out_8_fungsi": {"weight": 2, "worst": 0, "best": 80},
    "out_kb_aktif": {"weight": 1, "worst": 40, "best": 70},
    "out_mkjp": {"weight": 1, "worst": 0, "best": 30},
    "out_poktan_peserta": {"weight": 1, "worst": 0, "best": 60},
    "sys_prevalensi": {"weight": 2, "worst": 25, "best": 5},
    "sys_tren": {"weight": 1, "worst": 2, "best": -2},
    "sys_cakupan": {"weight": 1, "worst": 50, "best": 90},
}

RULE_SETS = [
    {
        "kode": "kkb-2022",
        "nama": "Aturan tingkat Kampung KB 2022 (awal, dapat diubah)",
        "berlaku_dari": 2022,
        "sumber": "Disusun dari indikator input/proses/output Modul Kampung KB BKKBN (DOMAIN §2.5) "
        "dan kisi 2×2 manajemen × kontribusi (§2.6); ambang resmi tidak ditemukan",
        "rules": {
            "management": {"threshold": 60, "indicators": _MANAGEMENT_2022},
            "contribution": {"threshold": 60, "indicators": _CONTRIBUTION_2022},
            "missing": "zero",
            "min_coverage": 0.5,
            "lists": {
                "model": {"levels": ["berkelanjutan"], "strong_from": 0.8, "max_trend": 0},
                "support": {"levels": ["dasar", "berkembang"], "lag_below": 0.5, "min_trend": 0.5},
            },
        },
    },
    {
        "kode": "kkb-2025",
        "nama": "Aturan tingkat Kampung KB 2025 (lebih ketat pada hasil)",
        "berlaku_dari": 2025,
        "sumber": "Versi 2025: bobot prevalensi dan cakupan dinaikkan, ambang kontribusi 70, "
        "mengikuti penekanan hasil pada transformasi aksi 2025 (DOMAIN §1.3)",
        "rules": {
            "management": {"threshold": 65, "indicators": _MANAGEMENT_2022},
            "contribution": {
                "threshold": 70,
                "indicators": {
                    **_CONTRIBUTION_2022,
                    "sys_prevalensi": {"weight": 4, "worst": 20, "best": 3},
                    "sys_cakupan": {"weight": 2, "worst": 60, "best": 95},
                },
            },
            "missing": "zero",
            "min_coverage": 0.5,
            "lists": {
                "model": {"levels": ["berkelanjutan"], "strong_from": 0.8, "max_trend": 0},
                "support": {"levels": ["dasar", "berkembang"], "lag_below": 0.5, "min_trend": 0.3},
            },
        },
    },
]

# National targets for stunting prevalence among balita (DOMAIN §7). The analytics app did not
# provide targets when this was written; if it does later, read them from there instead.


def reference_load(get_model=None) -> int:
    """Create the reference rows that are missing; return how many were created.

    Existing rows are left alone (the district may have edited them). ``get_model`` is a
    ``(model_name) -> model`` callable, so the data migration can pass historical models.
    """
    if get_model is None:
        from django.apps import apps

        def get_model(name):
            return apps.get_model("convergence", name)

    Opd = get_model("Opd")
    Framework, Action = get_model("ActionFramework"), get_model("ActionDefinition")
    Area, Indicator = get_model("ProgrammeArea"), get_model("IndicatorDefinition")
    RuleSet = get_model("RuleSet")
    created = 0

    def ensure(model, lookup, defaults):
        nonlocal created
        obj, made = model.objects.get_or_create(**lookup, defaults=defaults)
        created += made
        return obj

    opd = {k: ensure(Opd, {"kode": k}, {"nama": n, "singkatan": s}) for k, n, s in OPDS}
    for fw in FRAMEWORKS:
        framework = ensure(
            Framework,
            {"kode": fw["kode"]},
            {k: fw[k] for k in ("nama", "tahun_mulai", "tahun_akhir", "sumber")},
        )
        for nomor, nama, jenis, pemilik, mulai, selesai, keluaran in fw["actions"]:
            ensure(
                Action,
                {"framework": framework, "nomor": nomor},
                {
                    "nama": nama,
                    "jenis": jenis,
                    "pemilik": pemilik,
                    "bulan_mulai": mulai,
                    "bulan_selesai": selesai,
                    "keluaran": keluaran,
                },
            )
    areas = {}
    for i, (kode, nama, jenis, opd_kode) in enumerate(PROGRAMME_AREAS):
        areas[kode] = ensure(
            Area, {"kode": kode}, {"nama": nama, "jenis": jenis, "opd": opd[opd_kode], "urutan": i}
        )
    for i, (kode, nama, kelompok, satuan, computed, area) in enumerate(INDICATORS):
        ensure(
            Indicator,
            {"kode": kode},
            {
                "nama": nama,
                "kelompok": kelompok,
                "satuan": satuan,
                "computed": computed,
                "programme_area": areas[area],
                "urutan": i,
            },
        )
    for rs in RULE_SETS:
        ensure(
            RuleSet,
            {"kode": rs["kode"]},
            {k: rs[k] for k in ("nama", "berlaku_dari", "rules", "sumber")},
        )
    return created
