"""An OPD plan belongs to a kabupaten: in a province installation each kabupaten's OPD of
the same name plans on its own, and only that kabupaten's admin writes to it.

An OPD plan stored before gets the kabupaten of the admin who made it (the audit trail's
CREATE entry), else the installation's kabupaten when it has one, else its first one.
"""

import django.db.models.deletion
from django.db import migrations, models


def kabupaten_set(apps, schema_editor):
    Plan = apps.get_model("convergence", "Plan")
    Wilayah = apps.get_model("wilayah", "Wilayah")
    AuditEntry = apps.get_model("core", "AuditEntry")
    User = apps.get_model("accounts", "User")
    kabupaten = list(
        Wilayah.objects.filter(level="kabupaten").order_by("kode").values_list("kode", flat=True)
    )
    for plan in Plan.objects.filter(opd__isnull=False, kabupaten__isnull=True):
        made = (
            AuditEntry.objects.filter(
                object_type="convergence.plan", object_id=str(plan.pk), action="create"
            )
            .exclude(actor__isnull=True)
            .values_list("actor_id", flat=True)
            .first()
        )
        area = User.objects.filter(pk=made).values_list("wilayah_id", flat=True).first() or ""
        kode = area[:5] if len(area) >= 5 and area[:5] in kabupaten else None
        kode = kode or (kabupaten[0] if kabupaten else None)
        if kode is None:  # no kabupaten at all: the plan cannot be kept as an OPD plan
            raise RuntimeError(f"OPD plan {plan.pk} has no kabupaten to belong to")
        Plan.objects.filter(pk=plan.pk).update(kabupaten_id=kode)


class Migration(migrations.Migration):

    dependencies = [
        ('convergence', '0005_tpk_indicators'),
        ('wilayah', '0001_initial'),
        ('core', '0002_audit_logins'),
        ('accounts', '0004_role_admin_provinsi'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='plan',
            name='plan_kampung_or_opd',
        ),
        migrations.RemoveConstraint(
            model_name='plan',
            name='plan_one_per_opd_year',
        ),
        migrations.AddField(
            model_name='plan',
            name='kabupaten',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wilayah.wilayah'),
        ),
        migrations.RunPython(kabupaten_set, migrations.RunPython.noop),
    ]
