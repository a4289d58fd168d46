"""Three indexes that no query needs, which every family, round and member written had to
enter: ``families_keluarga (desa_id)``, the first column of the index on (desa_id, rw, rt);
``families_familysurvey (keluarga_id)``, the first column of the unique (keluarga_id, tahun);
``families_familymember (nik)``, which no query filters on. The foreign keys and the unique
constraint stay as they were. Data kept."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0009_krs_labels_update_in_place"),
        ("wilayah", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="familymember",
            name="nik",
            field=models.CharField(
                blank=True,
                max_length=16,
                validators=[
                    django.core.validators.RegexValidator(
                        "^\\d{16}$", "A NIK has exactly 16 digits."
                    )
                ],
                verbose_name="NIK",
            ),
        ),
        migrations.AlterField(
            model_name="familysurvey",
            name="keluarga",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="surveys",
                to="families.keluarga",
            ),
        ),
        migrations.AlterField(
            model_name="keluarga",
            name="desa",
            field=models.ForeignKey(
                db_index=False,
                limit_choices_to={"level": "desa_kelurahan"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="families",
                to="wilayah.wilayah",
                verbose_name="desa",
            ),
        ),
    ]
