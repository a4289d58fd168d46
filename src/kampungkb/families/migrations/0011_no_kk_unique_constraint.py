"""The No KK stays unique, by a named constraint instead of ``unique=True``: on PostgreSQL
the field's ``unique=True`` came with a second index on no_kk (``..._like``, varchar_pattern_ops,
for LIKE 'x%' queries) that no query uses and every family written had to enter. Data kept."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0010_redundant_indexes"),
        ("wilayah", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="keluarga",
            name="no_kk",
            field=models.CharField(
                max_length=16,
                validators=[
                    django.core.validators.RegexValidator(
                        "^\\d{16}$", "A family card number has exactly 16 digits."
                    )
                ],
                verbose_name="family card number",
            ),
        ),
        migrations.AddConstraint(
            model_name="keluarga",
            constraint=models.UniqueConstraint(fields=("no_kk",), name="keluarga_one_no_kk"),
        ),
    ]
