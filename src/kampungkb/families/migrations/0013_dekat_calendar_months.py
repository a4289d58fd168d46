"""The rounds labelled "births too close" are labelled again by calendar months.

The rule counted 24 months as 24 x 30.4375 days, so two children born exactly two years apart
(730 days) were "too close" and, across a leap day (731 days), not; it now counts whole
calendar months, as ages are counted (``families.krs.whole_months``). Only a round labelled
too close can change, so only those are labelled again, with the default rule set (the
summaries are rebuilt after, as after any relabelling).
"""

from django.db import migrations


def relabel(apps, schema_editor):
    FamilySurvey = apps.get_model("families", "FamilySurvey")
    ids = list(FamilySurvey.objects.filter(dekat=True).values_list("pk", flat=True))
    if not ids:  # a new installation: nothing labelled yet
        return
    from kampungkb.families.labels import labels_compute

    labels_compute(ids)


class Migration(migrations.Migration):
    dependencies = [("families", "0012_member_linked_child_index")]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
