"""Stored measurements with oedema get the statuses WHO's anthro_prevalence gives them.

A child with oedema counts as below -3 SD for weight-for-age and weight-for-height (wasted,
severely wasted, underweight, BGM; not overweight) whatever the weight says
(``anthro.summaries.status_codes``); before, these statuses were left unknown, as the engine
gives no weight z-score with oedema. Values waiting to be checked keep no status. The rows'
digests are left as they were: the next recompute writes them again with their digest.
"""

from django.db import migrations


def statuses_set(apps, schema_editor):
    Measurement = apps.get_model("growth", "Measurement")
    Measurement.objects.filter(oedema=True, needs_check=False).update(
        wasted=True, severely_wasted=True, underweight=True, bgm=True, overweight=False
    )


class Migration(migrations.Migration):
    dependencies = [("growth", "0010_measurement_needs_check")]

    operations = [migrations.RunPython(statuses_set, migrations.RunPython.noop)]
