"""Communes, districts and postcodes in the search (issue 26 items 2 and 11): a kreisfreie Stadt is offered
once, as the city; communes that share a name carry their district; a postcode finds its area; the
search's area centre is known to the report intake."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from kernel.addresses.selectors import AREA_KINDS, search
from kernel.boundaries.selectors import search_centre_of
from kernel.geo.coords import to_storage
from tests.addresses.files import dresden_hkde

pytestmark = pytest.mark.django_db


@pytest.fixture
def dresden(tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)


@pytest.mark.parametrize("city", ["Dresden", "Leipzig", "Chemnitz"])
def test_a_kreisfreie_stadt_is_offered_once_as_the_city(city):
    hits = search(city)
    commune = next(h for h in hits if h.label == city and h.kind == "commune")
    assert commune.city is True
    # the district record of the city (same AGS prefix) is not offered a second time
    assert [h for h in hits if h.kind == "district" and h.ags == commune.ags[:5]] == []


def test_leipzig_offers_the_city_and_the_landkreis_with_different_places():
    hits = [h for h in search("Leipzig") if h.label == "Leipzig"]
    assert sorted((h.kind, h.ags) for h in hits) == [("commune", "14713000"), ("district", "14729")]
    city, district = sorted(hits, key=lambda h: h.kind)
    assert (round(city.lat, 3), round(city.lon, 3)) != (round(district.lat, 3), round(district.lon, 3))


def test_communes_that_share_a_name_carry_their_district():
    labels = sorted(h.label for h in search("Bernsdorf") if h.label.startswith("Bernsdorf,"))
    assert labels == ["Bernsdorf, Landkreis Bautzen", "Bernsdorf, Landkreis Zwickau"]


def test_without_addresses_an_area_says_so():
    dresden = next(h for h in search("Dresden") if h.kind == "commune")
    assert dresden.kind in AREA_KINDS and dresden.has_addresses is False


def test_with_addresses_the_commune_says_it_has_them(dresden):
    hit = next(h for h in search("Dresden") if h.kind == "commune")
    assert hit.has_addresses is True
    assert next(h for h in search("Görlitz") if h.kind == "commune").has_addresses is False


def test_a_postcode_finds_its_area(dresden):
    best = search("01069")[0]
    assert (best.kind, best.label, best.ags) == ("postcode", "01069 Dresden", "14612000")
    assert 51.04 < best.lat < 51.05 and 13.73 < best.lon < 13.74
    assert [h.label for h in search("01097") if h.kind == "postcode"] == ["01097 Dresden"]


def test_the_search_centre_of_a_commune_or_district_is_recognised():
    for hit in search("Dresden")[:1] + [h for h in search("Leipzig") if h.kind == "district"]:
        # as the candidate link carries it: 6 decimals of a degree
        point = to_storage(Point(round(hit.lon, 6), round(hit.lat, 6), srid=4326))
        assert search_centre_of(point) == hit.label


def test_a_spot_a_few_metres_from_the_centre_is_not_the_centre():
    hit = search("Dresden")[0]
    point = to_storage(Point(hit.lon, hit.lat, srid=4326))
    assert search_centre_of(Point(point.x + 3, point.y, srid=point.srid)) is None
