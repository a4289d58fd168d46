"""The members' index on the growth child is kept only for the members linked to one (a
partial index, WHERE child_id IS NOT NULL): most members are no growth child, and every
lookup by child (``child_id = x``, ``IN``, a join, SET_NULL when a child is deleted) implies
child_id IS NOT NULL, which SQLite and PostgreSQL both use the partial index for. A member
written unlinked no longer enters the index. The foreign key is unchanged. Data kept."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0011_no_kk_unique_constraint"),
        ("growth", "0010_measurement_needs_check"),
    ]

    operations = [
        migrations.AlterField(
            model_name="familymember",
            name="child",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="family_members",
                to="growth.child",
            ),
        ),
        migrations.AddIndex(
            model_name="familymember",
            index=models.Index(
                condition=models.Q(("child__isnull", False)),
                fields=["child"],
                name="member_linked_child",
            ),
        ),
    ]
