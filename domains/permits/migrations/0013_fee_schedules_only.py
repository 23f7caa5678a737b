"""Tariffs and zones belong to a version of the Satzung only: their own commune and period go.

The old columns are made nullable before they are dropped, with a backward step in between, so that
going back adds them nullable, fills them from the version (``_restore``) and only then makes them
NOT NULL again — the reverse of ``0012`` then drops the zone copies.
"""

import django.db.models.deletion
from django.db import migrations, models


def _restore(apps, schema_editor):
    """Backward: each tariff and zone gets its version's commune and period again. Drafts were never in
    force and would collide with the published tariff of the same date, so their rows go."""
    FeeSchedule = apps.get_model("permits", "FeeSchedule")
    Tariff = apps.get_model("permits", "Tariff")
    TariffZone = apps.get_model("permits", "TariffZone")
    drafts = FeeSchedule.objects.exclude(state="published")
    Tariff.objects.filter(schedule__in=drafts).delete()
    TariffZone.objects.filter(schedule__in=drafts).delete()
    for version in FeeSchedule.objects.filter(state="published"):
        Tariff.objects.filter(schedule=version).update(
            ags=version.ags, valid_from=version.valid_from, valid_to=version.valid_to
        )
        TariffZone.objects.filter(schedule=version).update(ags=version.ags)


class Migration(migrations.Migration):
    dependencies = [("permits", "0012_fee_schedules_fill")]

    operations = [
        migrations.RemoveConstraint(model_name="tariff", name="tariff_version_unique"),
        migrations.RemoveConstraint(model_name="tariff", name="tariff_period_ordered"),
        migrations.AlterField(
            model_name="tariff",
            name="ags",
            field=models.CharField("Gemeindeschlüssel", max_length=8, db_index=True, null=True),
        ),
        migrations.AlterField(
            model_name="tariff", name="valid_from", field=models.DateField("Gültig ab", null=True)
        ),
        migrations.AlterField(
            model_name="tariffzone",
            name="ags",
            field=models.CharField("Gemeindeschlüssel", max_length=8, db_index=True, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, _restore),
        migrations.RemoveField(model_name="tariffzone", name="ags"),
        migrations.RemoveField(model_name="tariff", name="ags"),
        migrations.RemoveField(model_name="tariff", name="valid_from"),
        migrations.RemoveField(model_name="tariff", name="valid_to"),
        migrations.AlterModelOptions(
            name="tariff",
            options={
                "ordering": ["schedule", "kind"],
                "verbose_name": "Tarif",
                "verbose_name_plural": "Tarife",
            },
        ),
        migrations.AlterField(
            model_name="tariff",
            name="schedule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="tariffs", to="permits.feeschedule"
            ),
        ),
        migrations.AlterField(
            model_name="tariffzone",
            name="schedule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="zones", to="permits.feeschedule"
            ),
        ),
        migrations.AddConstraint(
            model_name="tariff",
            constraint=models.UniqueConstraint(
                fields=("schedule", "kind"), name="tariff_kind_once_per_schedule"
            ),
        ),
        migrations.AddConstraint(
            model_name="tariff",
            constraint=models.CheckConstraint(
                condition=models.Q(("rate__gte", 0), ("minimum_fee__gte", 0), ("admin_fee__gte", 0)),
                name="tariff_amounts_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="tariffzone",
            constraint=models.CheckConstraint(
                condition=models.Q(("factor__gt", 0)), name="tariff_zone_factor_positive"
            ),
        ),
    ]
