"""Existing tariffs and zones into dated versions of the Satzung (issue 29.3), without loss.

Forward: the tariffs of a commune with the same period (valid_from, valid_to) become one published
version; each fee zone (until now one per commune, undated) belongs to every version of its commune —
the first version keeps the row, the others get copies. A commune with zones but no tariff gets one
version for its zones. Backward: the copies are dropped again (``0013`` gave the tariffs back their
commune and period first); a draft never was in force, so its tariffs and zones go (see ``0013``).
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations
from django.utils import timezone

ZONES_ONLY_FROM = dt.date(2000, 1, 1)


def _title(valid_from: dt.date) -> str:
    return f"Gebührensatzung (übernommene Tarife), gültig ab {valid_from:%d.%m.%Y}"


def forward(apps, schema_editor):
    FeeSchedule = apps.get_model("permits", "FeeSchedule")
    Tariff = apps.get_model("permits", "Tariff")
    TariffZone = apps.get_model("permits", "TariffZone")
    now = timezone.now()
    versions: dict[tuple, object] = {}
    for tariff in Tariff.objects.order_by("ags", "valid_from", "pk"):
        key = (tariff.ags, tariff.valid_from, tariff.valid_to)
        if key not in versions:
            versions[key] = FeeSchedule.objects.create(
                ags=tariff.ags,
                title=_title(tariff.valid_from),
                satzung_date=tariff.valid_from,
                valid_from=tariff.valid_from,
                valid_to=tariff.valid_to,
                state="published",
                published_at=now,
            )
        tariff.schedule = versions[key]
        tariff.save(update_fields=["schedule"])
    for zone in TariffZone.objects.order_by("pk"):
        of_commune = [v for (ags, _, _), v in versions.items() if ags == zone.ags]
        if not of_commune:
            of_commune = [
                FeeSchedule.objects.create(
                    ags=zone.ags,
                    title=_title(ZONES_ONLY_FROM),
                    satzung_date=ZONES_ONLY_FROM,
                    valid_from=ZONES_ONLY_FROM,
                    state="published",
                    published_at=now,
                )
            ]
            versions[(zone.ags, ZONES_ONLY_FROM, None)] = of_commune[0]
        zone.schedule = of_commune[0]
        zone.save(update_fields=["schedule"])
        for version in of_commune[1:]:
            TariffZone.objects.create(
                ags=zone.ags, name=zone.name, factor=zone.factor, geom=zone.geom, schedule=version
            )


def backward(apps, schema_editor):
    """Keep one zone per commune, name, factor and outline: the copies ``forward`` made."""
    TariffZone = apps.get_model("permits", "TariffZone")
    seen: set[tuple] = set()
    for zone in TariffZone.objects.order_by("pk"):
        key = (zone.ags, zone.name, zone.factor, zone.geom.ewkb.hex())
        if key in seen:
            zone.delete()
        else:
            seen.add(key)


class Migration(migrations.Migration):
    dependencies = [("permits", "0011_fee_schedules")]

    operations = [migrations.RunPython(forward, backward)]
