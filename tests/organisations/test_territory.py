"""Responsibility areas lie inside the organisation's territory; routing never crosses it.

Issue 15, item 1: the admin of a small commune drew a rectangle over Saxony with priority 1000 and a new
report at Dresden's Altmarkt (with the reporter's contact data) went to that commune.
"""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from kernel.core.errors import ValidationFailed
from kernel.geo.coords import to_storage
from kernel.organisations.admin import OrganisationAdmin
from kernel.organisations.models import AuditEvent, Organisation, OrganisationKind, ResponsibilityArea
from kernel.organisations.services import area_create, membership_set, organisation_set_territory
from kernel.organisations.territory import AREA_TOLERANCE_M
from tests.factories import DRESDEN, make_report
from tests.staff_world import PASSWORD, confirmed_second_factor, login

pytestmark = pytest.mark.django_db

RATHEN = "14628310"  # Kurort Rathen, about 4 km²
RADEBEUL = "14627210"  # in the district of Meißen (14627)
SAXONY = {
    "type": "Polygon",
    "coordinates": [[[11.8, 50.1], [15.1, 50.1], [15.1, 51.7], [11.8, 51.7], [11.8, 50.1]]],
}
DRESDEN_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[13.73, 51.04], [13.74, 51.04], [13.74, 51.05], [13.73, 51.05], [13.73, 51.04]]],
}
RADEBEUL_POINT = (13.6600, 51.1070)


def commune_org(ags: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.COMMUNE, ags=ags)


def commune_buffered(ags: str, metres: float) -> dict:
    """The commune's current boundary grown by ``metres`` (EPSG:25833), as WGS84 GeoJSON."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(geom, %s), 4326), 9) FROM boundaries_commune "
            "WHERE ags = %s AND valid_to IS NULL",
            [metres, ags],
        )
        return json.loads(cur.fetchone()[0])


def saxony_storage() -> MultiPolygon:
    geom = to_storage(GEOSGeometry(json.dumps(SAXONY), srid=4326))
    return MultiPolygon(geom, srid=25833)


@pytest.fixture
def rathen_admin():
    get_user_model().objects.create_user(username="admin_rathen", password=PASSWORD)
    membership_set(actor=None, organisation=commune_org(RATHEN), username="admin_rathen", role="admin")
    confirmed_second_factor("admin_rathen")
    return get_user_model().objects.get(username="admin_rathen")


def test_small_commune_admin_cannot_draw_an_area_over_saxony(client, rathen_admin):
    login(client, "admin_rathen")
    upload = SimpleUploadedFile("sachsen.geojson", json.dumps(SAXONY).encode(), "application/geo+json")
    data = {"name": "Ganz Sachsen", "priority": "1000", "all_categories": "on", "geojson": upload}
    response = client.post("/verwaltung/einstellungen/bereiche/", data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Der Bereich liegt außerhalb des Gebiets von Rathen" in page
    assert "m² (99,9 % der Fläche)" in page  # almost all of it lies outside
    assert not ResponsibilityArea.objects.exists()
    assert not AuditEvent.objects.filter(action="area.create").exists()
    assert make_report(lonlat=DRESDEN).report.organisation.ags == "14612000"


def test_the_refusal_says_how_much_lies_outside_in_square_metres_and_percent(rathen_admin):
    with pytest.raises(ValidationFailed) as refused:
        area_create(
            actor=rathen_admin,
            organisation=commune_org(RATHEN),
            name="Dresden",
            geometry=DRESDEN_SQUARE,
            all_categories=True,
        )
    message = refused.value.errors["geojson"][0]
    assert message.startswith("Der Bereich liegt außerhalb des Gebiets von Rathen: ")
    assert "(100,0 % der Fläche)" in message
    assert f"Toleranz {AREA_TOLERANCE_M:.0f} m" in message
    assert not ResponsibilityArea.objects.exists()


def test_an_area_a_few_metres_over_the_border_is_accepted_more_is_refused(rathen_admin):
    rathen = commune_org(RATHEN)
    noise = area_create(
        actor=rathen_admin,
        organisation=rathen,
        name="Digitalisiert",
        geometry=commune_buffered(RATHEN, 3),
        all_categories=True,
    )
    assert noise.pk is not None
    with pytest.raises(ValidationFailed):
        area_create(
            actor=rathen_admin,
            organisation=rathen,
            name="Zu weit",
            geometry=commune_buffered(RATHEN, 20),
            all_categories=True,
        )
    assert list(ResponsibilityArea.objects.values_list("name", flat=True)) == ["Digitalisiert"]


def test_an_old_oversize_area_does_not_capture_a_dresden_report():
    # As if created before the rule: inserted directly, not through area_create.
    ResponsibilityArea.objects.create(
        organisation=commune_org(RATHEN),
        name="Ganz Sachsen (alt)",
        geom=saxony_storage(),
        priority=1000,
        all_categories=True,
    )
    created = make_report(lonlat=DRESDEN, email="buerger@example.org")
    assert created.report.organisation.ags == "14612000"


def test_a_district_may_cover_its_communes_but_not_a_neighbour():
    meissen = Organisation.objects.create(
        kind=OrganisationKind.DISTRICT, ags="14627", name="Landkreis Meißen"
    )
    area_create(
        actor=None,
        organisation=meissen,
        name="Radebeul",
        geometry=commune_buffered(RADEBEUL, 0),
        all_categories=True,
        priority=50,
    )
    with pytest.raises(ValidationFailed):
        area_create(actor=None, organisation=meissen, name="DD", geometry=DRESDEN_SQUARE, all_categories=True)
    assert make_report(lonlat=RADEBEUL_POINT).report.organisation == meissen
    # An old district-wide area over all of Saxony captures its own communes only.
    ResponsibilityArea.objects.create(
        organisation=meissen, name="alt", geom=saxony_storage(), priority=1000, all_categories=True
    )
    assert make_report(lonlat=DRESDEN).report.organisation.ags == "14612000"


def test_a_body_without_territory_can_have_no_area_and_gets_no_case():
    lasuv = Organisation.objects.create(kind=OrganisationKind.OTHER, name="LASuV")
    with pytest.raises(ValidationFailed) as refused:
        area_create(
            actor=None, organisation=lasuv, name="S 177", geometry=DRESDEN_SQUARE, all_categories=True
        )
    assert "kein Gebiet hinterlegt" in refused.value.message
    ResponsibilityArea.objects.create(
        organisation=lasuv, name="alt", geom=saxony_storage(), priority=1000, all_categories=True
    )
    assert make_report(lonlat=DRESDEN).report.organisation.ags == "14612000"


def test_the_operator_sets_a_territory_with_the_command_then_areas_inside_it_route(tmp_path, capsys):
    lasuv = Organisation.objects.create(kind=OrganisationKind.OTHER, name="LASuV")
    path = tmp_path / "dresden.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": commune_buffered("14612000", 0)}))
    call_command("set_territory", str(lasuv.pk), str(path), "--dry-run")
    lasuv.refresh_from_db()
    assert lasuv.territory is None
    call_command("set_territory", str(lasuv.pk), str(path))
    lasuv.refresh_from_db()
    assert lasuv.territory is not None and lasuv.territory.srid == 25833
    assert AuditEvent.objects.filter(action="organisation.territory", object_id=str(lasuv.pk)).count() == 1
    area_create(actor=None, organisation=lasuv, name="Altstadt", geometry=DRESDEN_SQUARE, all_categories=True)
    assert make_report(lonlat=(13.735, 51.045)).report.organisation == lasuv
    with pytest.raises(ValidationFailed):
        area_create(actor=None, organisation=lasuv, name="Sachsen", geometry=SAXONY, all_categories=True)
    assert make_report(lonlat=RADEBEUL_POINT).report.organisation.ags == RADEBEUL
    call_command("set_territory", str(lasuv.pk), "--clear")
    lasuv.refresh_from_db()
    assert lasuv.territory is None
    assert make_report(lonlat=DRESDEN).report.organisation.ags == "14612000"


def test_communes_get_no_territory_of_their_own(tmp_path):
    path = tmp_path / "sachsen.geojson"
    path.write_text(json.dumps(SAXONY))
    rathen = commune_org(RATHEN)
    with pytest.raises(CommandError, match="Grenzdaten"):
        call_command("set_territory", str(rathen.pk), str(path))
    with pytest.raises(ValidationFailed):
        organisation_set_territory(actor=None, organisation=rathen, territory=saxony_storage())
    rathen.refresh_from_db()
    assert rathen.territory is None


def test_only_superusers_may_edit_a_territory_in_the_django_admin(rathen_admin):
    model_admin = OrganisationAdmin(Organisation, admin.site)
    request = RequestFactory().get("/admin/")
    request.user = rathen_admin
    assert "territory" in model_admin.get_readonly_fields(request)
    request.user = get_user_model().objects.create_superuser("betrieb", "betrieb@example.org", PASSWORD)
    assert "territory" not in model_admin.get_readonly_fields(request)


def test_there_is_no_staff_page_to_change_a_territory(client, rathen_admin):
    login(client, "admin_rathen")
    for url in ("/verwaltung/einstellungen/", "/verwaltung/einstellungen/bereiche/"):
        assert "territory" not in client.get(url).content.decode()
