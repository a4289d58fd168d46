"""The KRS labels are rewritten in place by a rule change: no index or constraint on the label
columns and the rule set, and on PostgreSQL half of each page of the rounds' table left free so
that a relabelled round stays on its page (a HOT update: no new index entry). Data kept."""

import django.db.models.deletion
from django.db import migrations, models


TABLE = "families_familysurvey"


def leave_room(apps, schema_editor):
    # Applies to pages written from now on (a VACUUM FULL would rewrite the existing ones).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 50)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0008_catin_screening"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="familysurvey",
            name="families_fa_tahun_7a6e0b_idx",
        ),
        migrations.AlterField(
            model_name="familysurvey",
            name="is_krs",
            field=models.BooleanField(default=False, verbose_name="at risk of stunting (KRS)"),
        ),
        migrations.AlterField(
            model_name="familysurvey",
            name="rule_set",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="families.krsruleset",
            ),
        ),
        migrations.RunPython(leave_room, fill_pages),
    ]
