"""Importing resident parking zones: the explicit import updates, the demo load on every start does not."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from domains.permits.models import ParkingZone

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[13.70, 51.04], [13.71, 51.04], [13.71, 51.05], [13.70, 51.05], [13.70, 51.04]]],
}


def write(tmp_path, features, name="zones.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def zone(code="T1", name="Testgebiet", ags="14612000", geometry=None):
    return {
        "type": "Feature",
        "properties": {"ags": ags, "code": code, "name": name},
        "geometry": geometry or SQUARE,
    }


def test_import_creates_then_updates_by_commune_and_code(tmp_path, capsys):
    call_command("load_parking_zones", str(write(tmp_path, [zone()])))
    created = ParkingZone.objects.get(ags="14612000", code="T1")
    assert created.name == "Testgebiet"
    assert created.geom.srid == 25833
    assert created.geom.area == pytest.approx(700 * 1110, rel=0.1)  # 0.01° × 0.01° at 51° N

    created.active = False
    created.save()
    call_command("load_parking_zones", str(write(tmp_path, [zone(name="Testgebiet Süd")])))
    updated = ParkingZone.objects.get(ags="14612000", code="T1")
    assert (updated.pk, updated.name, updated.active) == (created.pk, "Testgebiet Süd", True)
    assert "0 neu, 1 aktualisiert" in capsys.readouterr().out


def test_demo_load_on_every_start_keeps_what_a_commune_changed(capsys):
    # conftest loaded the demo catalogue once; a commune then switches a zone off and renames another.
    off, renamed = ParkingZone.objects.order_by("id")[:2]
    ParkingZone.objects.filter(pk=off.pk).update(active=False)
    ParkingZone.objects.filter(pk=renamed.pk).update(name="Umbenannt vom Ordnungsamt")
    count = ParkingZone.objects.count()

    call_command("load_permit_catalogue", "--demo")

    assert ParkingZone.objects.count() == count
    assert ParkingZone.objects.get(pk=off.pk).active is False
    assert ParkingZone.objects.get(pk=renamed.pk).name == "Umbenannt vom Ordnungsamt"
    assert f"0 Parkgebiete neu ({count} vorhanden, unverändert)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([zone(code="")], "ags, code und name sind Pflicht"),
        ([zone(ags="99999999")], "unbekannte Gemeinde 99999999"),
        ([zone(code="X" * 21)], "code höchstens 20"),
        ([zone(), "kein Objekt"], "Objekt 2: kein GeoJSON-Feature"),
        ([{"type": "Feature", "properties": [1], "geometry": SQUARE}], "properties muss ein Objekt sein"),
        ([zone(geometry={"type": "Point", "coordinates": [13.7, 51.0]})], "Geometrietyp „Point“"),
        ([], "FeatureCollection mit Parkgebieten"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_half_imported(tmp_path, features, message):
    before = set(ParkingZone.objects.values_list("ags", "code", "name"))
    with pytest.raises(CommandError) as excinfo:
        call_command("load_parking_zones", str(write(tmp_path, features)))
    assert message in str(excinfo.value)
    assert set(ParkingZone.objects.values_list("ags", "code", "name")) == before


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "kaputt.geojson"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(CommandError, match="Datei nicht lesbar"):
        call_command("load_parking_zones", str(path))
