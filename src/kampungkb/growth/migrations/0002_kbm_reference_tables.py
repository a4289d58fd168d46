"""KBM (Kenaikan Berat Minimal) reference tables, kept in their source variants.

Shared domain notes §4.3: Buku KIA 2023 (month 1 = 800 g, 2 = 900, 3 = 800, 4 = 600, 5 = 500,
6 = 400, then 300, then 200), and a posyandu spreadsheet variant that uses 600 g at month 3,
300 g for 7-10 months and 200 g from 11 months, and scales the KBM by the months between
weighings. The Buku KIA table is the default.
"""

from django.db import migrations

TABLES = [
    {
        "kode": "buku-kia-2023",
        "nama": "Buku KIA 2023",
        "sumber": "Buku KIA 2023, lajur KBM pada grafik berat badan (Kemenkes)",
        "scale_by_gap": False,
        "is_default": True,
        "entries": [(1, 1, 800), (2, 2, 900), (3, 3, 800), (4, 4, 600), (5, 5, 500),
                    (6, 6, 400), (7, 11, 300), (12, 60, 200)],
    },
    {
        "kode": "lembar-posyandu-600",
        "nama": "Lembar kerja posyandu (bulan ke-3 = 600 g)",
        "sumber": "Varian lembar Excel posyandu yang tercatat di spesifikasi publik; "
                  "bulan ke-3 600 g (berbeda dari Buku KIA 800 g), KBM dikali jumlah bulan "
                  "sejak penimbangan terakhir",
        "scale_by_gap": True,
        "is_default": False,
        "entries": [(1, 1, 800), (2, 2, 900), (3, 3, 600), (4, 4, 600), (5, 5, 500),
                    (6, 6, 400), (7, 10, 300), (11, 60, 200)],
    },
]


def load(apps, schema_editor):
    KBMTable = apps.get_model("growth", "KBMTable")
    KBMEntry = apps.get_model("growth", "KBMEntry")
    for spec in TABLES:
        entries = spec["entries"]
        fields = {k: v for k, v in spec.items() if k not in {"kode", "entries"}}
        table, _ = KBMTable.objects.update_or_create(kode=spec["kode"], defaults=fields)
        table.entries.all().delete()
        KBMEntry.objects.bulk_create(
            KBMEntry(table=table, umur_bulan_dari=a, umur_bulan_sampai=b, kbm_gram=g)
            for a, b, g in entries
        )


def unload(apps, schema_editor):
    apps.get_model("growth", "KBMTable").objects.filter(
        kode__in=[t["kode"] for t in TABLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("growth", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
