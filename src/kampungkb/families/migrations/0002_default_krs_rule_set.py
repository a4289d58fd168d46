"""The default KRS rule of ``../shared/domain/FAMILIES.md`` (BKKBN's criteria) as a rule set.

The rule is copied here, not imported from ``families.krs``: a migration keeps the data it
was written with even when the code's default changes later.
"""

from django.db import migrations

RULES = {
    "pus_age": [15, 49],
    "baduta_months": [0, 23],
    "balita_months": [24, 59],
    "factors": {
        "air": {"enabled": True, "proper_codes": [1, 2, 3, 4]},
        "jamban": {"enabled": True, "proper_codes": [1, 2]},
        "muda": {"enabled": True, "under_years": 20},
        "tua": {"enabled": True, "from_years": 35, "to_years": 40},
        "dekat": {"enabled": True, "under_months": 24},
        "banyak": {"enabled": True, "over_births": 3},
    },
}


def create(apps, schema_editor):
    KrsRuleSet = apps.get_model("families", "KrsRuleSet")
    KrsRuleSet.objects.get_or_create(
        kode="bkkbn-krs",
        defaults={
            "nama": "KRS BKKBN (sasaran + faktor risiko)",
            "sumber": (
                "BKKBN, Pendataan Keluarga dan verifikasi KRS: keluarga sasaran (PUS, ibu hamil, "
                "baduta, balita) dengan minimal satu faktor risiko (air minum, jamban, 4 terlalu)"
            ),
            "rules": RULES,
            "is_default": True,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("families", "KrsRuleSet").objects.filter(kode="bkkbn-krs").delete()


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
