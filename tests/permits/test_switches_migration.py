"""``permits`` 0016 switches on "Sondernutzungen an" / "Parkausweise an" for the communes that already
price permits or have parking zones, so that their letterhead, tariff and zone points apply at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("permits", "0015_parking_zone_upload"), ("organisations", "0016_email_invitations")]
AFTER = [("permits", "0016_switches_on_where_in_use"), ("organisations", "0016_email_invitations")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_communes_in_use_get_their_switches_on_the_others_stay_off():
    try:
        old = migrate(BEFORE)
        Organisation = old.get_model("organisations", "Organisation")
        FeeSchedule = old.get_model("permits", "FeeSchedule")
        Tariff = old.get_model("permits", "Tariff")
        ParkingZone = old.get_model("permits", "ParkingZone")
        kind = old.get_model("permits", "PermitKind").objects.get(slug="container")
        make = [("09999991", "Mit Satzung"), ("09999992", "Mit Entwurf"), ("09999993", "Mit Parkzone")]
        orgs = {ags: Organisation.objects.create(kind="commune", ags=ags, name=name) for ags, name in make}
        for ags, state in (("09999991", "published"), ("09999992", "draft")):
            version = FeeSchedule.objects.create(
                ags=ags,
                title="Satzung",
                satzung_date=dt.date(2025, 1, 1),
                valid_from=dt.date(2025, 1, 1),
                state=state,
            )
            Tariff.objects.create(schedule=version, kind=kind, rate=1, unit="m2_day")
        square = MultiPolygon(Polygon.from_bbox((411000, 5655000, 411100, 5655100)), srid=25833)
        ParkingZone.objects.create(ags="09999993", code="Z", name="Zone", geom=square, active=True)

        new = migrate(AFTER)
        after = {
            o.ags: (o.permits_enabled, o.parking_enabled)
            for o in new.get_model("organisations", "Organisation").objects.filter(
                pk__in=[o.pk for o in orgs.values()]
            )
        }
        assert after == {"09999991": (True, False), "09999992": (False, False), "09999993": (False, True)}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
