"""The plain way to give a Sondernutzung's area (issue 26, "smaller" list): no GIS words needed — the
address plus length × width in metres; the server puts a rectangle of that size around the address
point in EPSG:25833. GeoJSON (file or text) stays as the expert option and wins when given."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from domains.permits.models import Permit
from tests.addresses.files import dresden_hkde
from tests.web.permit_data import SECRET_APPLICANT, local_input

pytestmark = pytest.mark.django_db

URL = "/sondernutzung/beantragen/"
HOUSE = "Prager Straße 12, 01069 Dresden"


@pytest.fixture
def dresden(tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)


def _values(**overrides) -> dict:
    return {
        "kind": "geruest",
        "start": local_input(10),
        "end": local_input(20, 18),
        "units": "1",
        "geometry": "",
        "site_address": HOUSE,
        "length_m": "12",
        "width_m": "2,5",
        "description": "Fassadengerüst vor Hausnummer 12",
        **SECRET_APPLICANT,
        **overrides,
    }


def _errors_beside(html: str, field: str) -> str:
    box = html.split(f'data-errors-for="{field}">', 1)[1].split("</div>", 1)[0]
    return re.sub(r"<[^>]+>", " ", box)


def test_the_form_offers_address_and_length_times_width_before_geojson(client):
    html = client.get(URL).content.decode()
    for label in ("Adresse der Fläche", "Länge (m)", "Breite (m)"):
        assert re.search(rf'<label for="id_\w+">{re.escape(label)}</label>', html), label
    assert html.index('for="id_site_address"') < html.index(
        'for="id_geometry_file"'
    )  # GeoJSON: the expert way


def test_the_estimate_shows_length_times_width_as_the_area(client, dresden):
    response = client.post(URL, {**_values(), "action": "estimate"})
    html = response.content.decode()
    assert response.status_code == 200, html[:3000]
    assert "Vorläufige Berechnung" in html and "30 m²" in html and "Dresden" in html


def test_submitting_stores_a_rectangle_of_that_size_around_the_address_in_25833(client, dresden):
    response = client.post(URL, _values())
    assert response.status_code == 302, response.content.decode()[:3000]
    permit = Permit.objects.get()
    assert permit.location.srid == 25833
    assert permit.area_m2 == Decimal("30.00")
    extent = permit.location.extent
    assert {round(extent[2] - extent[0], 2), round(extent[3] - extent[1], 2)} == {12.0, 2.5}
    from kernel.addresses.selectors import search
    from kernel.geo.coords import to_storage

    house = search(HOUSE, limit=1)[0]
    from django.contrib.gis.geos import Point

    assert permit.location.centroid.distance(to_storage(Point(house.lon, house.lat, srid=4326))) < 0.01


def test_an_unknown_address_is_named_beside_the_address_field(client, dresden):
    response = client.post(URL, _values(site_address="Nirgendwostraße 99, Nirgendwo"))
    assert response.status_code == 400
    assert "nicht gefunden" in _errors_beside(response.content.decode(), "site_address")
    assert Permit.objects.count() == 0


@pytest.mark.parametrize(("length", "message"), [("", "Länge"), ("abc", "Zahl"), ("5000", "zwischen")])
def test_a_missing_or_odd_length_is_named_beside_the_length_field(client, dresden, length, message):
    response = client.post(URL, _values(length_m=length))
    assert response.status_code == 400
    assert message in _errors_beside(response.content.decode(), "length_m")


def test_geojson_still_wins_when_given(client, dresden):
    from tests.web.permit_data import geojson_text

    response = client.post(URL, _values(geometry=geojson_text(), length_m="", width_m=""))
    assert response.status_code == 302
    assert Permit.objects.get().area_m2 != Decimal("30.00")


def test_the_api_estimate_takes_the_same_plain_way(client, dresden):
    body = {k: v for k, v in _values(width_m="2.5").items() if k in ("kind", "start", "end", "units")}
    response = client.post(
        "/api/v1/permits/estimate/",
        {**body, "site_address": HOUSE, "length_m": "12", "width_m": "2.5"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Decimal(response.json()["area_m2"]) == Decimal("30.00")
