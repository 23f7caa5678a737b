"""``manage.py load_addresses``: HK-DE and OSM files, replacement per commune and source, refusals."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from kernel.addresses.importer import hkde
from kernel.addresses.models import Address
from tests.addresses.files import DRESDEN, dresden_hkde, hkde_line, write_hkde, write_osm, write_osm_pbf

pytestmark = pytest.mark.django_db


def load(path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_addresses", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_hkde_file_is_loaded_with_commune_from_the_boundary_layer(tmp_path):
    out, _ = load(dresden_hkde(tmp_path / "hk.txt"))
    assert "5 Adressen in 1 Gemeinden geladen" in out
    prager = Address.objects.get(street="Prager Straße", housenumber="12", suffix="a")
    assert prager.ags == DRESDEN
    assert (prager.postcode, prager.place, prager.district_name) == ("01069", "Dresden", "Altstadt")
    assert (prager.source, prager.quality) == ("hk-de", "A")
    assert prager.geom.srid == 25833 and 411_000 < prager.geom.x < 412_500
    assert prager.search_text == "prager str 12a 01069 dresden altstadt"


def test_zone_prefix_and_plain_east_value_give_the_same_place():
    with_zone = hkde._coordinate("33411234,567", east=True)
    without = hkde._coordinate("411234,567", east=True)
    assert with_zone == without == pytest.approx(411234.567)


def test_iso_8859_1_file_is_detected(tmp_path):
    path = dresden_hkde(tmp_path / "alt.txt", encoding="iso-8859-1")
    load(path)
    assert Address.objects.filter(street="Große Meißner Straße").exists()


def test_bad_lines_are_refused_in_german_and_good_ones_loaded(tmp_path):
    good = hkde_line("Prager Straße", "12", "", "01069", 13.7363, 51.0456)
    lines = [good, "nur;drei;felder", good.replace("33", "xx", 1).replace(";A;", ";A;", 1)]
    lines.append(good.replace(";14;6;12;000;", ";14;6;1x;000;"))
    path = write_hkde(tmp_path / "hk.txt", lines)
    out, err = load(path)
    assert "1 Adressen in 1 Gemeinden geladen" in out and "3 abgelehnt" in out
    assert "Zeile 3: 3 statt 18 Felder" in err
    assert "keine Zahlen" in err and "nicht achtstellig" in err


def test_point_outside_saxony_is_refused(tmp_path):
    berlin = hkde_line("Unter den Linden", "1", "", "10117", 13.3889, 52.5170, ags="11000000")
    out, err = load(write_hkde(tmp_path / "hk.txt", [berlin]))
    assert "0 Adressen" in out and "nicht in Sachsen" in err
    assert not Address.objects.exists()


def test_second_load_replaces_the_same_source_only(tmp_path):
    load(dresden_hkde(tmp_path / "hk.txt"))
    load(write_osm(tmp_path / "a.osm"))
    out, _ = load(
        write_hkde(tmp_path / "new.txt", [hkde_line("Prager Straße", "1", "", "01069", 13.7366, 51.0466)])
    )
    assert "5 bisherige ersetzt" in out
    counts = dict(Address.objects.values_list("source").annotate(n=Count("id")))
    assert counts == {"hk-de": 1, "osm": 3}


def test_dry_run_stores_nothing(tmp_path):
    out, _ = load(dresden_hkde(tmp_path / "hk.txt"), "--dry-run")
    assert out.startswith("Probelauf") and "5 Adressen" in out
    assert not Address.objects.exists()


def test_osm_nodes_and_buildings_are_loaded(tmp_path):
    out, err = load(write_osm(tmp_path / "dresden.osm"))
    assert "3 Adressen" in out and "1 abgelehnt" in out and "addr:street" in err
    building = Address.objects.get(street="Schloßstraße")
    assert (building.source, building.housenumber, building.ags) == ("osm", "2", DRESDEN)
    assert building.source_id == "w10"
    assert Address.objects.get(street="Wilsdruffer Straße").suffix == "b"


def test_osm_pbf_file_is_read_like_osm_xml(tmp_path):
    path = write_osm_pbf(tmp_path / "dresden.osm.pbf")
    assert b"OSMHeader" in path.read_bytes()[:32]  # really the binary format, not XML under a PBF name
    out, err = load(path)  # the source is guessed from ".osm.pbf"
    assert "3 Adressen in 1 Gemeinden geladen (Quelle osm)" in out and "1 abgelehnt" in err + out
    rows = Address.objects.order_by("source_id").values_list("source_id", "street", "housenumber", "suffix")
    assert list(rows) == [
        ("1", "Prager Straße", "12", ""),
        ("2", "Wilsdruffer Straße", "7", "b"),
        ("w10", "Schloßstraße", "2", ""),
    ]
    building = Address.objects.get(source_id="w10")
    assert building.ags == DRESDEN and building.postcode == "01067"
    # Placed inside the building's square (EPSG:25833), as from the XML file.
    xml_path = write_osm(tmp_path / "dresden.osm")
    load(xml_path)
    assert Address.objects.get(source_id="w10").geom.distance(building.geom) < 0.01


def test_missing_file_is_a_german_error(tmp_path):
    with pytest.raises(CommandError, match="Datei nicht gefunden"):
        load(tmp_path / "fehlt.txt")
