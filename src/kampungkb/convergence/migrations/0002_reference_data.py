from django.db import migrations


def load(apps, schema_editor):
    from kampungkb.convergence.reference import reference_load

    reference_load(lambda name: apps.get_model("convergence", name))


class Migration(migrations.Migration):
    dependencies = [("convergence", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
