"""kernel.geo.vector_files: GeoJSON, GeoPackage and zipped Shapefile read into EPSG:25833, and the refusals.

The GeoPackage and Shapefile are written in the test by GDAL's own ``ogr2ogr`` from a GeoJSON, as a
commune's GIS would export them. No database needed: reading is GDAL + GEOS only.
"""

from __future__ import annotations

import io
import json
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from kernel.core.errors import ValidationFailed
from kernel.geo.vector_files import MAX_FILE_BYTES, detect_format, read_polygon_file

# ogr2ogr (Debian gdal-bin, installed by scripts/system-packages.sh) writes the GeoPackages and
# Shapefiles; no skip: a machine without it is a broken setup, not a reason to test less.

# A block in Dresden's Altstadt (WGS84 lon/lat) and the first corner in EPSG:25833, computed once with
# PROJ (cs2cs EPSG:4326 → EPSG:25833); the Gauß-Krüger copy must land on the same metres.
SQUARE = [[13.73, 51.05], [13.74, 51.05], [13.74, 51.055], [13.73, 51.055], [13.73, 51.05]]
CORNER_25833 = (410981.94, 5656152.41)


def _collection(*features: dict, crs: str | None = None) -> dict:
    data: dict = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return data


def _feature(coords: list, **props: object) -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [coords]}}


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _ogr(tmp_path: Path, driver: str, out: str, *args: str) -> Path:
    source = tmp_path / "source.geojson"
    source.write_text(json.dumps(_collection(_feature(SQUARE, Name="Altstadt", Gebuehr=30.5))))
    target = tmp_path / out
    subprocess.run(
        ["ogr2ogr", "-f", driver, *args, str(target), str(source)], check=True, capture_output=True
    )
    return target


def _zip(folder: Path, names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _shapefile_zip(tmp_path: Path, *args: str) -> bytes:
    folder = _ogr(tmp_path, "ESRI Shapefile", "shp", *args)
    return _zip(folder, {p.name: p.read_bytes() for p in folder.iterdir()})


def _corner(read) -> tuple[float, float]:
    return read.features[0].geometry.coords[0][0][0]


def test_geojson_is_read_into_25833_with_its_properties():
    data = json.dumps(_collection(_feature(SQUARE, Name="Altstadt", Gebuehr=30.5))).encode()
    read = read_polygon_file(_upload("zonen.json", data))
    assert (read.format, read.source_epsg, read.fields) == ("GeoJSON", 4326, ["Name", "Gebuehr"])
    feature = read.features[0]
    assert feature.number == 1 and feature.properties == {"Name": "Altstadt", "Gebuehr": 30.5}
    assert feature.geometry.srid == 25833 and feature.geometry.geom_type == "MultiPolygon"
    assert _corner(read) == pytest.approx(CORNER_25833, abs=0.01)


def test_geopackage_written_by_gdal_is_read(tmp_path):
    gpkg = _ogr(tmp_path, "GPKG", "zonen.gpkg", "-t_srs", "EPSG:25833")
    read = read_polygon_file(_upload("egal.dat", gpkg.read_bytes()))  # the name does not decide the format
    assert (read.format, read.source_epsg) == ("GPKG", 25833)
    assert read.features[0].properties["Name"] == "Altstadt"
    assert _corner(read) == pytest.approx(CORNER_25833, abs=0.01)


def test_zipped_shapefile_in_gauss_krueger_zone_4_lands_on_the_same_metres(tmp_path):
    read = read_polygon_file(_upload("zonen.zip", _shapefile_zip(tmp_path, "-t_srs", "EPSG:31468")))
    assert (read.format, read.source_epsg) == ("ESRI Shapefile", 31468)
    # A GK4 corner read without the DHDN → ETRS89 datum shift would lie ~100 m off.
    assert _corner(read) == pytest.approx(CORNER_25833, abs=0.5)


def test_geojson_in_epsg_31468_is_transformed(tmp_path):
    path = _ogr(tmp_path, "GeoJSON", "gk4.geojson", "-t_srs", "EPSG:31468", "-lco", "RFC7946=NO")
    text = path.read_text()
    assert "EPSG::31468" in text and "4621413" in text  # really Gauß-Krüger numbers in the file
    read = read_polygon_file(_upload("gk4.geojson", text.encode()))
    assert read.source_epsg == 31468
    assert _corner(read) == pytest.approx(CORNER_25833, abs=0.5)


def test_self_intersecting_polygon_is_refused_with_its_number():
    bow_tie = [[13.73, 51.05], [13.74, 51.055], [13.74, 51.05], [13.73, 51.055], [13.73, 51.05]]
    data = json.dumps(_collection(_feature(SQUARE, Name="A"), _feature(bow_tie, Name="B"))).encode()
    with pytest.raises(ValidationFailed) as refused:
        read_polygon_file(_upload("z.geojson", data))
    message = refused.value.errors["file"][0]
    assert message.startswith("Objekt Nr. 2: Die Fläche überschneidet sich selbst bei ")
    assert "nicht automatisch repariert" in message


def test_line_is_refused():
    line = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": SQUARE}}
    with pytest.raises(ValidationFailed, match="Objekt Nr. 1 ist ein Linestring; erlaubt sind nur Flächen"):
        read_polygon_file(_upload("z.geojson", json.dumps(_collection(line)).encode()))


@pytest.mark.parametrize(
    ("crs", "expected"),
    [
        ("urn:ogc:def:crs:EPSG::2056", "EPSG:2056 wird nicht angenommen"),
        ("+proj=longlat +init=/etc/passwd", "nicht erkennbar"),
        ("http://evil.example/crs.wkt", "nicht erkennbar"),
    ],
)
def test_crs_outside_the_whitelist_is_refused_without_parsing(crs, expected):
    data = json.dumps(_collection(_feature(SQUARE), crs=crs)).encode()
    with pytest.raises(ValidationFailed, match=expected):
        read_polygon_file(_upload("z.geojson", data))


def test_shapefile_with_unknown_prj_is_refused(tmp_path):
    folder = _ogr(tmp_path, "ESRI Shapefile", "shp", "-t_srs", "EPSG:25833")
    parts = {p.name: p.read_bytes() for p in folder.iterdir()}
    parts["source.prj"] = b'PROJCS["Irgendwas",GEOGCS["GCS_Irgendwas"]]'
    with pytest.raises(ValidationFailed, match="nicht erkennbar"):
        read_polygon_file(_upload("z.zip", _zip(folder, parts)))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/cron.d/x.shp", "unzulässigen Dateipfad"),
        ("/abs/x.shp", "unzulässigen Dateipfad"),
        ("a/b/c/x.shp", "unzulässigen Dateinamen"),
        ("run.sh", "unerwartete Datei"),
    ],
)
def test_zip_with_dangerous_members_is_refused(tmp_path, name, expected):
    with pytest.raises(ValidationFailed, match=expected):
        read_polygon_file(_upload("z.zip", _zip(tmp_path, {name: b"x"})))


def test_zip_bomb_and_many_members_are_refused(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x.dbf", b"\0" * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < MAX_FILE_BYTES
    with pytest.raises(ValidationFailed, match="entpackt größer als 50 MB"):
        read_polygon_file(_upload("z.zip", bomb.getvalue()))
    many = _zip(tmp_path, {f"x{i}.txt": b"" for i in range(25)})
    with pytest.raises(ValidationFailed, match="zu viele Dateien"):
        read_polygon_file(_upload("z.zip", many))


def test_file_of_50_mb_is_refused_before_it_is_read():
    upload = TemporaryUploadedFile("gross.geojson", "application/geo+json", 0, None)
    upload.seek(50 * 1024 * 1024 - 1)
    upload.write(b"}")
    upload.size = 50 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ValidationFailed) as refused:
            read_polygon_file(upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()
    assert refused.value.errors["file"][0].startswith(
        "Die Datei ist zu groß (diese hat 50,0 MB): höchstens 10 MB."
    )
    assert peak < 1024 * 1024


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"SQLite format 3\x00" + b"\0" * 80, "kein GeoPackage"),
        (b"<kml>", "nicht erkannt"),
        (b"\x89PNG", "nicht erkannt"),
    ],
)
def test_unknown_formats_are_refused(head, expected):
    with pytest.raises(ValidationFailed, match=expected):
        detect_format(head)


def test_broken_geojson_and_empty_file_are_refused():
    with pytest.raises(ValidationFailed, match="kein gültiges GeoJSON"):
        read_polygon_file(_upload("z.geojson", b'{"type": "FeatureCollection", '))
    with pytest.raises(ValidationFailed, match="leer"):
        read_polygon_file(_upload("z.geojson", b""))
