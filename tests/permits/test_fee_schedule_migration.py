"""``permits`` 0012/0013 turn the old dated tariff rows into published versions of the Satzung without
loss, and going back restores the rows exactly (zones copied per version become one again)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("permits", "0011_fee_schedules")]
AFTER = [("permits", "0013_fee_schedules_only")]
AGS = "09999998"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_rows(apps) -> list[tuple]:
    Tariff = apps.get_model("permits", "Tariff")
    return sorted(
        Tariff.objects.filter(ags=AGS).values_list(
            "ags", "kind__slug", "valid_from", "valid_to", "rate", "unit", "minimum_fee", "admin_fee"
        )
    )


def test_old_tariffs_become_versions_and_come_back_unchanged():
    try:
        old = migrate(BEFORE)
        Tariff = old.get_model("permits", "Tariff")
        TariffZone = old.get_model("permits", "TariffZone")
        kinds = {k.slug: k for k in old.get_model("permits", "PermitKind").objects.all()}
        rows = [
            ("geruest", dt.date(2024, 1, 1), dt.date(2026, 1, 1), "0.1500", "20.00", "25.00"),
            ("container", dt.date(2024, 1, 1), dt.date(2026, 1, 1), "5.0000", "10.00", "15.00"),
            ("geruest", dt.date(2026, 1, 1), None, "0.2000", "20.00", "30.00"),
        ]
        for slug, begin, until, rate, minimum, admin in rows:
            Tariff.objects.create(
                ags=AGS,
                kind=kinds[slug],
                valid_from=begin,
                valid_to=until,
                rate=Decimal(rate),
                unit="m2_day",
                minimum_fee=Decimal(minimum),
                admin_fee=Decimal(admin),
            )
        square = MultiPolygon(Polygon.from_bbox((411000, 5655000, 411100, 5655100)), srid=25833)
        TariffZone.objects.create(ags=AGS, name="Innenstadt", factor=Decimal("1.5"), geom=square)
        before = _old_rows(old)

        new = migrate(AFTER)
        versions = new.get_model("permits", "FeeSchedule").objects.filter(ags=AGS).order_by("valid_from")
        assert [(v.valid_from, v.valid_to, v.state) for v in versions] == [
            (dt.date(2024, 1, 1), dt.date(2026, 1, 1), "published"),
            (dt.date(2026, 1, 1), None, "published"),
        ]
        assert sorted(versions[0].tariffs.values_list("kind__slug", flat=True)) == ["container", "geruest"]
        assert [(t.rate, t.admin_fee) for t in versions[1].tariffs.all()] == [
            (Decimal("0.2000"), Decimal("30.00"))
        ]
        assert all(v.zones.get().name == "Innenstadt" for v in versions)  # each version has the zone

        back = migrate(BEFORE)
        assert _old_rows(back) == before
        assert back.get_model("permits", "TariffZone").objects.filter(ags=AGS).count() == 1
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
