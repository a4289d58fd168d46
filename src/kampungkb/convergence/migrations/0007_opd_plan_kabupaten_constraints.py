"""The constraints of an OPD plan's kabupaten (0006 filled it in): every OPD plan has one, and
an OPD plans once a year in each kabupaten. Their own migration, after 0006's data is
committed (PostgreSQL alters no table with the row updates' key checks still pending)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('convergence', '0006_opd_plan_kabupaten'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('desa__isnull', False), ('kabupaten__isnull', True), ('kampung__isnull', False), ('opd__isnull', True)), models.Q(('desa__isnull', True), ('kabupaten__isnull', False), ('kampung__isnull', True), ('opd__isnull', False)), _connector='OR'), name='plan_kampung_or_opd_of_a_kabupaten'),
        ),
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.UniqueConstraint(condition=models.Q(('opd__isnull', False)), fields=('tahun', 'opd', 'kabupaten'), name='plan_one_per_opd_kabupaten_year'),
        ),
    ]
