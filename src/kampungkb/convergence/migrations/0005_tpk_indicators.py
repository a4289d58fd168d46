from django.db import migrations
from django.db.models import Max


def load(apps, schema_editor):
    """The Kampung KB indicators computed from the TPK summaries (a fresh installation gets
    them from 0002's reference data already; existing rows are left alone)."""
    from kampungkb.convergence.reference import TPK_INDICATORS

    Area = apps.get_model("convergence", "ProgrammeArea")
    Indicator = apps.get_model("convergence", "IndicatorDefinition")
    order = (Indicator.objects.aggregate(m=Max("urutan"))["m"] or 0) + 1
    for i, (kode, nama, kelompok, satuan, computed, area) in enumerate(TPK_INDICATORS):
        Indicator.objects.get_or_create(
            kode=kode,
            defaults={
                "nama": nama,
                "kelompok": kelompok,
                "satuan": satuan,
                "computed": computed,
                "programme_area": Area.objects.filter(kode=area).first(),
                "urutan": order + i,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("convergence", "0004_tpk_membership")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
