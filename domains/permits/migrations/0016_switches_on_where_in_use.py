"""Switch on "Sondernutzungen an" / "Parkausweise an" (organisations 0014, default off) for the communes
that already take them: a published Satzung version with a tariff, or an active parking zone. Otherwise a
commune that issues permits today would count as "startklar" without its letterhead, account and tariff
points. Going back leaves the switches as they are (the columns are the organisations app's)."""

from django.db import migrations


def switch_on(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    FeeSchedule = apps.get_model("permits", "FeeSchedule")
    ParkingZone = apps.get_model("permits", "ParkingZone")
    priced = FeeSchedule.objects.filter(state="published", tariffs__isnull=False).values("ags")
    zoned = ParkingZone.objects.filter(active=True, valid_to__isnull=True).values("ags")
    communes = Organisation.objects.filter(kind="commune")
    communes.filter(ags__in=priced).update(permits_enabled=True)
    communes.filter(ags__in=zoned).update(parking_enabled=True)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0014_golive_checklist"),
        ("permits", "0015_parking_zone_upload"),
    ]

    operations = [migrations.RunPython(switch_on, migrations.RunPython.noop)]
