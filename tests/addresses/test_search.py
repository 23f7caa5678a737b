"""Address search in PostgreSQL: forgiving spelling, best first; communes and districts without addresses."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from kernel.addresses.selectors import nearest, search
from kernel.geo.coords import to_storage
from tests.addresses.files import dresden_hkde

pytestmark = pytest.mark.django_db


@pytest.fixture
def dresden(tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)


@pytest.mark.parametrize(
    "query",
    [
        "Prager Straße 12, 01069 Dresden",
        "prager strasse 12 dresden",
        "Prager Str. 12",
        "01069 Prager Str 12",
        "Dresden Prager Straße 12",
        "pragerstr 12",
    ],
)
def test_spelling_variants_find_the_house_first(dresden, query):
    best = search(query)[0]
    assert (best.kind, best.label) == ("address", "Prager Straße 12, 01069 Dresden")
    assert (best.ags, best.commune_name) == ("14612000", "Dresden")


@pytest.mark.parametrize("query", ["Prager Straße 12a", "prager str 12 a"])
def test_house_number_suffix_with_or_without_space(dresden, query):
    assert search(query)[0].label == "Prager Straße 12a, 01069 Dresden"


def test_umlauts_written_as_ae_oe_ue_ss(dresden):
    assert search("Grosse Meissner Strasse 15")[0].label == "Große Meißner Straße 15, 01097 Dresden"


def test_query_without_house_number_finds_the_street(dresden):
    best = search("Prager Strasse")[0]
    assert (best.kind, best.street, best.housenumber) == ("street", "Prager Straße", "")
    assert 13.73 < best.lon < 13.74 and 51.04 < best.lat < 51.05


def test_communes_and_districts_are_found_without_any_addresses():
    hits = search("Goerlitz")
    kinds = {(h.kind, h.label) for h in hits}
    assert ("commune", "Görlitz") in kinds and ("district", "Görlitz") in kinds
    assert hits[0].label == "Görlitz"
    assert search("Dresden")[0].kind == "commune"


def test_city_name_puts_the_commune_before_its_streets(dresden):
    hits = search("Dresden")
    assert (hits[0].kind, hits[0].label) == ("commune", "Dresden")


def test_nonsense_finds_nothing(dresden):
    assert search("xqzv wyq") == []
    assert search("  ,;  ") == []


def test_nearest_address_within_50_m(dresden):
    near = to_storage(Point(13.73635, 51.04565, srid=4326))
    hit = nearest(near)
    assert hit is not None and hit.label == "Prager Straße 12, 01069 Dresden"
    assert 0 < hit.distance_m < 10


def test_no_address_beyond_50_m(dresden):
    assert nearest(to_storage(Point(13.80, 51.04, srid=4326))) is None
