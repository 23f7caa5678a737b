"""The street table the search looks at first: rebuilt per commune on every load, from all sources."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.db import connection

from kernel.addresses.models import Street
from kernel.addresses.selectors import AddressNotFound, geocode, search
from tests.addresses.files import DRESDEN, dresden_hkde, hkde_line, write_hkde, write_osm

pytestmark = pytest.mark.django_db


def load(path) -> None:
    call_command("load_addresses", str(path), verbosity=0, stdout=None)


def test_load_derives_one_street_per_commune_with_postcodes_places_and_districts(tmp_path):
    load(dresden_hkde(tmp_path / "hk.txt"))
    streets = {s.street: s for s in Street.objects.all()}
    assert set(streets) == {"Prager Straße", "Wilsdruffer Straße", "Große Meißner Straße"}
    prager = streets["Prager Straße"]
    assert (prager.ags, prager.addresses, prager.postcode, prager.place) == (DRESDEN, 3, "01069", "Dresden")
    assert prager.search_text == "prager str 01069 dresden altstadt"
    assert prager.geom.srid == 25833 and 411_000 < prager.geom.x < 412_500


def test_reload_replaces_the_communes_streets_and_keeps_the_other_source(tmp_path):
    load(dresden_hkde(tmp_path / "hk.txt"))
    load(write_osm(tmp_path / "a.osm"))
    assert Street.objects.get(street_key="prager str").addresses == 4  # 3 HK-DE + 1 OSM
    load(write_hkde(tmp_path / "new.txt", [hkde_line("Prager Straße", "1", "", "01069", 13.7366, 51.0466)]))
    counts = dict(Street.objects.values_list("street_key", "addresses"))
    assert counts == {"prager str": 2, "wilsdruffer str": 1, "schlossstr": 1}


def test_unknown_house_number_on_a_known_street_gives_the_street(tmp_path):
    load(dresden_hkde(tmp_path / "hk.txt"))
    best = search("Prager Straße 99, Dresden")[0]
    assert (best.kind, best.street, best.housenumber) == ("street", "Prager Straße", "")


def test_geocode_never_takes_a_neighbouring_house(tmp_path):
    load(dresden_hkde(tmp_path / "hk.txt"))
    assert geocode("Prager Straße 12a, 01069 Dresden").label == "Prager Straße 12a, 01069 Dresden"
    with pytest.raises(AddressNotFound):
        geocode("Prager Straße 12b, 01069 Dresden")


def test_house_on_the_right_one_of_many_similar_streets(tmp_path):
    lines = [
        hkde_line(f"{name}straße", "12", "", "01069", 13.7363 + i * 0.001, 51.0456, oid=f"DESNAL{i:010d}")
        for i, name in enumerate(["Prager", "Pragerberg", "Prag", "Prager Hof", "Pirnaer", "Pragtal"] * 5)
    ]
    lines.append(hkde_line("Prager Straße", "7", "", "01069", 13.7300, 51.0400, oid="DESNAL0000009999"))
    load(write_hkde(tmp_path / "hk.txt", lines))
    assert search("Prager Straße 7")[0].label == "Prager Straße 7, 01069 Dresden"


def test_just_a_communes_name_gives_the_place_not_its_streets(tmp_path):
    load(dresden_hkde(tmp_path / "hk.txt"))
    assert {h.kind for h in search("Dresden")} <= {"commune", "district"}
    # One more word and the streets are back: the name alone is not the whole query.
    assert ("street", "Prager Straße") in {(h.kind, h.street) for h in search("Dresden Prager")}


def test_migration_fills_streets_of_addresses_loaded_before_it(tmp_path):
    """The migration's frozen copy of the street statement gives what ``streets_rebuild`` gives."""
    migration = importlib.import_module("kernel.addresses.migrations.0002_street_table_for_search")
    load(dresden_hkde(tmp_path / "hk.txt"))
    load(write_osm(tmp_path / "a.osm"))
    columns = ("street", "street_key", "ags", "postcode", "place", "addresses", "search_text")
    rebuilt = sorted(Street.objects.values_list(*columns))
    Street.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute(migration.FILL_STREETS)
    assert sorted(Street.objects.values_list(*columns)) == rebuilt
