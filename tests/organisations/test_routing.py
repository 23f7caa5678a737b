"""Routing of new reports: responsibility areas by category and priority, else the commune."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from domains.reports.models import Category
from kernel.geo.coords import parse_lon_lat, to_storage
from kernel.organisations.models import Organisation, OrganisationKind, ResponsibilityArea
from kernel.organisations.services import organisations_sync_communes, route
from tests.factories import DRESDEN, make_report

pytestmark = pytest.mark.django_db


def area(org, name, *, priority, categories=(), all_categories=False, size_m=500, active=True):
    centre = to_storage(parse_lon_lat(*DRESDEN))
    box = Polygon.from_bbox((centre.x - size_m, centre.y - size_m, centre.x + size_m, centre.y + size_m))
    obj = ResponsibilityArea.objects.create(
        organisation=org,
        name=name,
        geom=MultiPolygon(box, srid=25833),
        priority=priority,
        all_categories=all_categories,
        active=active,
    )
    obj.categories.set(Category.objects.filter(slug__in=categories))
    return obj


def around_dresden(size_m: float = 5000) -> MultiPolygon:
    """A territory for bodies without a boundary: a square around the Altmarkt (EPSG:25833)."""
    centre = to_storage(parse_lon_lat(*DRESDEN))
    box = Polygon.from_bbox((centre.x - size_m, centre.y - size_m, centre.x + size_m, centre.y + size_m))
    return MultiPolygon(box, srid=25833)


@pytest.fixture
def bodies():
    lasuv = Organisation.objects.create(
        kind=OrganisationKind.OTHER, name="LASuV Niederlassung Meißen", territory=around_dresden()
    )
    utility = Organisation.objects.create(
        kind=OrganisationKind.OTHER, name="DREWAG Netz", territory=around_dresden()
    )
    return lasuv, utility


def test_every_commune_has_an_organisation():
    assert Organisation.objects.filter(kind=OrganisationKind.COMMUNE).count() == 418
    assert organisations_sync_communes() == 0  # idempotent
    assert Organisation.objects.get(kind="commune", ags="14612000").name == "Dresden"


def test_without_areas_a_report_goes_to_its_commune():
    report = make_report(lonlat=DRESDEN).report
    assert report.organisation.ags == "14612000"


def test_area_for_the_category_takes_the_report(bodies):
    lasuv, _ = bodies
    area(lasuv, "S 177", priority=10, categories=["schlagloch"])
    assert make_report(category="schlagloch").report.organisation == lasuv
    # Other categories at the same place still go to the commune.
    assert make_report(category="graffiti").report.organisation.ags == "14612000"


def test_overlapping_areas_highest_priority_wins(bodies):
    lasuv, utility = bodies
    area(lasuv, "Korridor", priority=10, categories=["schlagloch"])
    area(utility, "Leitungstrasse", priority=20, categories=["schlagloch"], size_m=100)
    assert make_report(category="schlagloch").report.organisation == utility
    # Outside the small high-priority area but inside the large one.
    assert make_report(category="schlagloch", lonlat=(13.7373 + 0.004, 51.0504)).report.organisation == lasuv


def test_equal_priority_goes_to_the_older_area_and_all_categories_counts(bodies):
    lasuv, utility = bodies
    area(lasuv, "Alt", priority=5, all_categories=True)
    area(utility, "Neu", priority=5, categories=["graffiti"])
    assert make_report(category="graffiti").report.organisation == lasuv


def test_inactive_areas_and_organisations_are_ignored(bodies):
    lasuv, utility = bodies
    area(lasuv, "Alt", priority=50, all_categories=True, active=False)
    area(utility, "Neu", priority=40, all_categories=True)
    utility.active = False
    utility.save()
    assert make_report().report.organisation.ags == "14612000"


def test_route_function_directly(bodies):
    lasuv, _ = bodies
    area(lasuv, "S 177", priority=1, categories=["schlagloch"])
    point = to_storage(parse_lon_lat(*DRESDEN))
    pothole = Category.objects.get(slug="schlagloch")
    assert route(location=point, category_id=pothole.pk, commune_ags="14612000") == lasuv


def test_routing_checks_the_territory_in_the_same_single_query(bodies, django_assert_num_queries):
    lasuv, _ = bodies
    area(lasuv, "S 177", priority=1, categories=["schlagloch"])
    point = to_storage(parse_lon_lat(*DRESDEN))
    pothole = Category.objects.get(slug="schlagloch")
    with django_assert_num_queries(1):
        assert route(location=point, category_id=pothole.pk, commune_ags="14612000") == lasuv
