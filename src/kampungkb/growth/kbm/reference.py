"""Reference data of growth monitoring: the KBM (Kenaikan Berat Minimal) tables in their source
variants.

Shared domain notes §4.3: Buku KIA 2023 (month 1 = 800 g, 2 = 900, 3 = 800, 4 = 600, 5 = 500,
6 = 400, then 300, then 200), and a posyandu spreadsheet variant that uses 600 g at month 3,
300 g for 7-10 months and 200 g from 11 months, and scales the KBM by the months between
weighings. The Buku KIA table is the default.
"""

KBM_TABLES = [
    {
        "kode": "buku-kia-2023",
        "nama": "Buku KIA 2023",
        "sumber": "Buku KIA 2023, lajur KBM pada grafik berat badan (Kemenkes)",
        "scale_by_gap": False,
        "is_default": True,
        "entries": [
            (1, 1, 800),
            (2, 2, 900),
            (3, 3, 800),
            (4, 4, 600),
            (5, 5, 500),
            (6, 6, 400),
            (7, 11, 300),
            (12, 60, 200),
        ],
    },
    {
        "kode": "lembar-posyandu-600",
        "nama": "Lembar kerja posyandu (bulan ke-3 = 600 g)",
        "sumber": "Varian lembar Excel posyandu yang tercatat di spesifikasi publik; "
        "bulan ke-3 600 g (berbeda dari Buku KIA 800 g), KBM dikali jumlah bulan "
        "sejak penimbangan terakhir",
        "scale_by_gap": True,
        "is_default": False,
        "entries": [
            (1, 1, 800),
            (2, 2, 900),
            (3, 3, 600),
            (4, 4, 600),
            (5, 5, 500),
            (6, 6, 400),
            (7, 10, 300),
            (11, 60, 200),
        ],
    },
]


def kbm_tables_load(kbm_table_model=None, kbm_entry_model=None) -> int:
    """Create the KBM tables that are missing; return how many were created.

    Existing tables are left as they are (an admin may have changed the default). The models
    can be passed in so the data migration can use its historical models.
    """
    if kbm_table_model is None:
        from kampungkb.growth.models import KBMEntry, KBMTable

        kbm_table_model, kbm_entry_model = KBMTable, KBMEntry
    created = 0
    for spec in KBM_TABLES:
        if kbm_table_model.objects.filter(kode=spec["kode"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in {"kode", "entries"}}
        if fields["is_default"] and kbm_table_model.objects.filter(is_default=True).exists():
            fields["is_default"] = False
        table = kbm_table_model.objects.create(kode=spec["kode"], **fields)
        kbm_entry_model.objects.bulk_create(
            kbm_entry_model(table=table, umur_bulan_dari=a, umur_bulan_sampai=b, kbm_gram=g)
            for a, b, g in spec["entries"]
        )
        created += 1
    return created
