from django.db import migrations


def load(apps, schema_editor):
    from kampungkb.analytics.reference import national_targets_load

    national_targets_load(apps.get_model("analytics", "Target"))


def unload(apps, schema_editor):
    apps.get_model("analytics", "Target").objects.filter(scope="national").delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
