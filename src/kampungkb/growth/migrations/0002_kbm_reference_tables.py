"""Load the KBM reference tables (see kampungkb.growth.kbm.reference)."""

from django.db import migrations

from kampungkb.growth.kbm.reference import KBM_TABLES, kbm_tables_load


def load(apps, schema_editor):
    kbm_tables_load(apps.get_model("growth", "KBMTable"), apps.get_model("growth", "KBMEntry"))


def unload(apps, schema_editor):
    apps.get_model("growth", "KBMTable").objects.filter(
        kode__in=[t["kode"] for t in KBM_TABLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("growth", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
