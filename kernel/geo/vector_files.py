"""Read an uploaded vector file (GeoJSON, GeoPackage, zipped Shapefile) into features in EPSG:25833.

Reused by every upload of areas drawn in a GIS (parking zones, tariff zones, asset layers): each caller gets
:class:`VectorFeature` rows (a 1-based number, the attribute values, a GEOS geometry in EPSG:25833) and
decides itself what the attributes mean.

Why it is built this way:

* **The format is detected from the bytes**, not from the file name the user chose, and GDAL is opened with
  exactly that one driver (``GDALOpenEx`` with an allowed-driver list), so a file cannot make GDAL pick a
  driver that reaches the network or other files.
* **No SRS text from the file reaches GDAL's SRS parser** (gis.W001: GDAL < 3.9 cannot forbid file or
  network access while parsing it). The CRS is read as an *authority code* without GDAL — the GeoJSON
  ``crs`` member by pattern, the GeoPackage's ``gpkg_spatial_ref_sys.organization_coordsys_id`` with
  sqlite3, the Shapefile's ``.prj`` by its authority or its well-known name — accepted only from
  :data:`ACCEPTED_EPSG`, and removed from the copy GDAL opens (the ``crs`` member dropped, the GeoPackage
  definition set to ``undefined``, the ``.prj`` not extracted). The transformation to EPSG:25833 is then
  built from the integer code alone.
* **Size limits before work**: the upload's size, the zip's member count, names and unpacked size, the
  number of features and vertices. A zip member with a path (``../``, ``/``) is refused, not cleaned.
* **Invalid geometry is refused, never repaired**: a zone boundary is part of a statute; ``make_valid``
  would silently change which streets lie inside. The message names the feature number and the place.
"""

from __future__ import annotations

import ctypes
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.driver import Driver
from django.contrib.gis.gdal.prototypes import ds as capi
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, WKBWriter

from kernel.core.errors import ValidationFailed
from kernel.geo.srid import STORAGE_SRID

MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_UNZIPPED_BYTES = 50 * MB
MAX_ZIP_MEMBERS = 20
MAX_FEATURES = 1000
MAX_VERTICES = 500_000

# The CRSs a Saxon commune's GIS exports in: ETRS89/UTM 33 and 32, WGS84 (also as CRS84), the old
# Gauß-Krüger zones 4 and 5 (DHDN; Saxony's cadastre until 2007), Web Mercator, ETRS89 geographic.
ACCEPTED_EPSG: dict[int, str] = {
    25833: "ETRS89 / UTM Zone 33N",
    25832: "ETRS89 / UTM Zone 32N",
    4326: "WGS 84",
    4258: "ETRS89",
    31468: "DHDN / Gauß-Krüger Zone 4",
    31469: "DHDN / Gauß-Krüger Zone 5",
    3857: "WGS 84 / Pseudo-Mercator",
}
ACCEPTED_TEXT = ", ".join(f"EPSG:{code} ({name})" for code, name in ACCEPTED_EPSG.items())

# Well-known names of the accepted CRSs as ESRI and EPSG write them in a .prj (compared, never parsed).
PRJ_NAMES: dict[str, int] = {
    "etrs_1989_utm_zone_33n": 25833,
    "etrs89_utm_zone_33n": 25833,
    "etrs_1989_utm_zone_32n": 25832,
    "etrs89_utm_zone_32n": 25832,
    "gcs_wgs_1984": 4326,
    "wgs_84": 4326,
    "wgs_1984": 4326,
    "gcs_etrs_1989": 4258,
    "etrs89": 4258,
    "dhdn_3_degree_gauss_zone_4": 31468,
    "dhdn_3_degree_gauss_kruger_zone_4": 31468,
    "dhdn_3_degree_gauss_zone_5": 31469,
    "dhdn_3_degree_gauss_kruger_zone_5": 31469,
    "wgs_1984_web_mercator_auxiliary_sphere": 3857,
    "wgs_84_pseudo_mercator": 3857,
}

GEOJSON, GPKG, SHAPEFILE = "GeoJSON", "GPKG", "ESRI Shapefile"
FORMAT_NAMES = {GEOJSON: "GeoJSON", GPKG: "GeoPackage", SHAPEFILE: "Shapefile (ZIP)"}
SHAPE_PARTS = {".shp", ".shx", ".dbf", ".cpg"}
SHAPE_IGNORED = {".prj", ".qpj", ".qmd", ".xml", ".sbn", ".sbx", ".fix", ".txt", ".md", ".html"}
_SAFE_MEMBER = re.compile(r"^[A-Za-z0-9ÄÖÜäöüß _.()-]{1,120}$")
_EPSG_URN = re.compile(
    r"^(?:urn:ogc:def:crs:EPSG:[0-9.]*:|EPSG:|https?://www\.opengis\.net/def/crs/EPSG/0/)(\d{4,5})$"
)
_CRS84 = re.compile(
    r"^urn:ogc:def:crs:OGC:(?:1\.3:)?CRS84$|^https?://www\.opengis\.net/def/crs/OGC/1\.3/CRS84$"
)
_AUTHORITY = re.compile(r'AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d{4,5})"?\s*\]\s*\]\s*$', re.IGNORECASE)
_PRJ_NAME = re.compile(r'^\s*(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS)\s*\[\s*"([^"]{1,100})"', re.IGNORECASE)


def _fail(message: str, *, field_name: str = "file") -> ValidationFailed:
    return ValidationFailed({field_name: [message]})


@dataclass(frozen=True)
class VectorFeature:
    """One feature of the file: ``number`` counts from 1 in file order (as a GIS shows it)."""

    number: int
    properties: dict[str, Any]
    geometry: GEOSGeometry  # EPSG:25833


@dataclass(frozen=True)
class VectorFile:
    """What was read: the detected format, the file's EPSG code, the attribute names and the features."""

    format: str
    source_epsg: int
    fields: list[str]
    features: list[VectorFeature] = field(default_factory=list)

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.format]


def too_large_message(size: int | None = None, *, limit: int = MAX_FILE_BYTES) -> str:
    """The German refusal of a file over ``limit`` bytes (also used by views that refuse by Content-Length)."""
    got = f" (diese hat {size / MB:.1f} MB)".replace(".", ",") if size else ""
    return (
        f"Die Datei ist zu groß{got}: höchstens {limit // MB} MB. Bitte nur die benötigten Flächen "
        "exportieren oder die Geometrien im GIS vereinfachen."
    )


def detect_format(head: bytes) -> str:
    """The format from the file's first bytes: SQLite header → GeoPackage, ``PK`` → zip, ``{`` → GeoJSON."""
    if head.startswith(b"SQLite format 3\x00"):
        if head[68:72] not in (b"GPKG", b"GP10", b"GP11"):
            raise _fail("Die SQLite-Datei ist kein GeoPackage.")
        return GPKG
    if head.startswith(b"PK\x03\x04"):
        return SHAPEFILE
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return GEOJSON
    raise _fail(
        "Dateiformat nicht erkannt. Erlaubt sind GeoJSON, GeoPackage (.gpkg) und ein Shapefile als ZIP "
        "(mit .shp, .shx, .dbf und .prj)."
    )


def _epsg_accepted(code: int | None, where: str) -> int:
    if code is None:
        raise _fail(
            f"Das Koordinatenbezugssystem der Datei ist nicht erkennbar ({where}). Bitte im GIS mit einem "
            f"dieser Systeme speichern: {ACCEPTED_TEXT}."
        )
    if code not in ACCEPTED_EPSG:
        raise _fail(
            f"Das Koordinatenbezugssystem EPSG:{code} wird nicht angenommen; erlaubt sind {ACCEPTED_TEXT}."
        )
    return code


def _write_upload(uploaded_file: Any, target: Path) -> None:
    """Copy the upload to ``target`` in chunks (a temporary file, never all of it in memory)."""
    with target.open("wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)


# --- per format: find the EPSG code without GDAL, and give GDAL a copy without SRS text ------------------


def _prepare_geojson(path: Path) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _fail("Die Datei ist kein gültiges GeoJSON (UTF-8).") from None
    if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature"):
        raise _fail("Eine GeoJSON-FeatureCollection wird erwartet.")
    crs = data.pop("crs", None)
    code: int | None = 4326  # RFC 7946: without "crs", WGS84 lon/lat
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        name = name.strip() if isinstance(name, str) else ""
        match = _EPSG_URN.match(name)
        code = 4326 if _CRS84.match(name) else int(match.group(1)) if match else None
    path.write_text(json.dumps(data), encoding="utf-8")
    return _epsg_accepted(code, "Angabe „crs“")


def _prepare_geopackage(path: Path) -> int:
    try:
        with sqlite3.connect(path) as db:
            rows = db.execute(
                "SELECT s.organization, s.organization_coordsys_id FROM gpkg_geometry_columns g "
                "JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id"
            ).fetchall()
            if len(rows) != 1:
                raise _fail(
                    f"Das GeoPackage muss genau eine Ebene mit Geometrien enthalten (gefunden: {len(rows)})."
                )
            organization, code = rows[0]
            db.execute("UPDATE gpkg_spatial_ref_sys SET definition = 'undefined'")
            for table in ("gpkg_spatial_ref_sys", "gpkg_data_columns"):
                _drop_column_if_present(db, table, "definition_12_063")
    except sqlite3.Error:
        raise _fail("Das GeoPackage ist beschädigt oder unvollständig.") from None
    epsg = int(code) if str(organization).upper() == "EPSG" and str(code).isdigit() else None
    return _epsg_accepted(epsg, "gpkg_spatial_ref_sys")


def _drop_column_if_present(db: sqlite3.Connection, table: str, column: str) -> None:
    """GeoPackage 1.2's second definition column (WKT2) must not reach GDAL either."""
    columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}  # noqa: S608 — fixed names
    if column in columns:
        db.execute(f"UPDATE {table} SET {column} = 'undefined'")  # noqa: S608 — fixed names


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The Shapefile parts of the zip, after refusing archives that could harm or exhaust the server."""
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _fail(f"Das ZIP-Archiv enthält zu viele Dateien (höchstens {MAX_ZIP_MEMBERS}).")
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise _fail(f"Das ZIP-Archiv ist entpackt größer als {MAX_UNZIPPED_BYTES // MB} MB.")
    parts = []
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.split("/") or "\\" in name or ":" in name:
            raise _fail(f"Das ZIP-Archiv enthält einen unzulässigen Dateipfad („{name[:80]}“).")
        base = name.rsplit("/", 1)[-1]
        if name.count("/") > 1 or not _SAFE_MEMBER.match(base):
            raise _fail(f"Das ZIP-Archiv enthält einen unzulässigen Dateinamen („{name[:80]}“).")
        if info.flag_bits & 0x1:
            raise _fail("Verschlüsselte ZIP-Archive werden nicht angenommen.")
        if Path(base).suffix.lower() in SHAPE_PARTS | {".prj"}:
            parts.append(info)
        elif Path(base).suffix.lower() not in SHAPE_IGNORED:
            raise _fail(
                f"Das ZIP-Archiv enthält eine unerwartete Datei („{base}“); erwartet wird ein Shapefile."
            )
    return parts


def _prj_epsg(text: str) -> int | None:
    """EPSG code of a .prj by its outermost AUTHORITY or its well-known name — compared, not parsed."""
    authority = _AUTHORITY.search(text.strip())
    if authority:
        return int(authority.group(1))
    name = _PRJ_NAME.match(text)
    if name is None:
        return None
    key = re.sub(r"[^a-z0-9]+", "_", name.group(1).lower().replace("ü", "u")).strip("_")
    return PRJ_NAMES.get(key)


def _prepare_shapefile(path: Path, folder: Path) -> tuple[Path, int]:
    """Unpack the .shp/.shx/.dbf/.cpg of the one Shapefile into ``folder``; the .prj is only read."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _safe_members(archive)
            stems = {Path(i.filename).stem for i in parts if i.filename.lower().endswith(".shp")}
            if len(stems) != 1:
                raise _fail(
                    f"Das ZIP-Archiv muss genau ein Shapefile (.shp) enthalten (gefunden: {len(stems)})."
                )
            stem = stems.pop()
            found: dict[str, bytes] = {}
            for info in parts:
                suffix = Path(info.filename).suffix.lower()
                if Path(info.filename).stem == stem:
                    found[suffix] = archive.read(info)  # each member ≤ the checked unpacked total
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        raise _fail(
            "Das ZIP-Archiv ist beschädigt oder verwendet ein nicht unterstütztes Verfahren."
        ) from None
    missing = sorted({".shp", ".shx", ".dbf", ".prj"} - found.keys())
    if missing:
        raise _fail(f"Im Shapefile fehlt: {', '.join(missing)}.")
    for suffix in SHAPE_PARTS & found.keys():
        (folder / f"zone{suffix}").write_bytes(found[suffix])
    prj = found[".prj"].decode("latin-1")
    return folder / "zone.shp", _epsg_accepted(_prj_epsg(prj), ".prj")


# --- GDAL ---------------------------------------------------------------------------------------------


def _open_with_driver(path: Path, driver: str) -> DataSource:
    """Open ``path`` read-only as a vector dataset with only ``driver`` allowed (GDALOpenEx)."""
    Driver.ensure_registered()
    allowed = (ctypes.c_char_p * 2)(driver.encode(), None)
    try:
        ptr = capi.open_ds(str(path).encode(), capi.GDAL_OF_VECTOR, allowed, None, None)
    except GDALException:
        raise _fail(f"Die Datei lässt sich nicht als {FORMAT_NAMES[driver]} lesen.") from None
    return DataSource(ptr, capi.get_dataset_driver(ptr))


def _plain(value: Any) -> Any:
    """An attribute value as JSON can store it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    return value


def _geometry(feature: Any, number: int, epsg: int, allowed: Iterable[str]) -> GEOSGeometry:
    ogr = feature.geom
    if ogr is None:
        raise _fail(f"Objekt Nr. {number} hat keine Geometrie.")
    kind = ogr.geom_name.replace("25D", "").upper()
    if kind not in {a.upper() for a in allowed}:
        raise _fail(
            f"Objekt Nr. {number} ist ein {ogr.geom_name.title()}; erlaubt sind nur Flächen (Polygon, MultiPolygon)."
        )
    geom = GEOSGeometry(memoryview(bytes(ogr.wkb)), srid=epsg)
    if geom.hasz:
        geom = _drop_z(geom)
    if geom.empty:
        raise _fail(f"Objekt Nr. {number} hat eine leere Geometrie.")
    if not geom.valid:
        raise _fail(invalid_message(number, geom))
    return geom


def _drop_z(geom: GEOSGeometry) -> GEOSGeometry:
    """2D copy (heights from a GIS export mean nothing for an area)."""
    writer = WKBWriter()
    writer.outdim = 2
    return GEOSGeometry(memoryview(bytes(writer.write(geom))), srid=geom.srid)


def invalid_message(number: int, geom: GEOSGeometry) -> str:
    """Why feature ``number`` is refused: self-intersection (with the place) or GEOS' own reason."""
    reason = geom.valid_reason
    place = re.search(r"\[([-0-9.e]+) ([-0-9.e]+)\]", reason)
    where = f" bei {float(place.group(1)):.1f} / {float(place.group(2)):.1f}" if place else ""
    if "Self-intersection" in reason or "Ring Self-intersection" in reason:
        what = f"Die Fläche überschneidet sich selbst{where}"
    else:
        what = f"Die Geometrie ist ungültig ({reason})"
    return (
        f"Objekt Nr. {number}: {what}. Ungültige Flächen werden nicht automatisch repariert, weil sich "
        "dabei die Grenze ändern kann; bitte im GIS korrigieren (z. B. QGIS „Geometrien reparieren“) und "
        "erneut hochladen."
    )


def _read_features(
    ds: DataSource, epsg: int, allowed: Iterable[str]
) -> tuple[list[str], list[VectorFeature]]:
    if len(ds) != 1:
        raise _fail(f"Die Datei muss genau eine Ebene enthalten (gefunden: {len(ds)}).")
    layer = ds[0]
    if len(layer) > MAX_FEATURES:
        raise _fail(f"Die Datei enthält {len(layer)} Objekte; höchstens {MAX_FEATURES} sind möglich.")
    if len(layer) == 0:
        raise _fail("Die Datei enthält keine Objekte.")
    names = list(layer.fields)
    features, vertices = [], 0
    for number, feature in enumerate(layer, start=1):
        geom = _geometry(feature, number, epsg, allowed)
        vertices += geom.num_coords
        if vertices > MAX_VERTICES:
            raise _fail(f"Die Flächen haben zusammen mehr als {MAX_VERTICES:,} Punkte.".replace(",", "."))
        try:
            stored = geom.transform(STORAGE_SRID, clone=True)
        except (GEOSException, GDALException):
            raise _fail(f"Objekt Nr. {number} lässt sich nicht nach EPSG:25833 umrechnen.") from None
        if not stored.valid:
            raise _fail(invalid_message(number, stored))
        props = {name: _plain(feature.get(name)) for name in names}
        features.append(VectorFeature(number=number, properties=props, geometry=stored))
    return names, features


def read_vector_file(
    uploaded_file: Any, *, geometry_types: Iterable[str], max_bytes: int = MAX_FILE_BYTES
) -> VectorFile:
    """Read an uploaded file (Django ``UploadedFile``) into features in EPSG:25833; ``ValidationFailed`` on
    field ``file`` with a German message otherwise. ``geometry_types``: the OGR types accepted."""
    size = getattr(uploaded_file, "size", None)
    if size is None or size > max_bytes:
        raise _fail(too_large_message(size, limit=max_bytes))
    if size == 0:
        raise _fail("Die Datei ist leer.")
    uploaded_file.seek(0)
    kind = detect_format(uploaded_file.read(100))
    uploaded_file.seek(0)
    with tempfile.TemporaryDirectory(prefix="vector-") as tmp:
        folder = Path(tmp)
        source = folder / {GEOJSON: "upload.geojson", GPKG: "upload.gpkg"}.get(kind, "upload.zip")
        _write_upload(uploaded_file, source)
        if kind == GEOJSON:
            path, epsg = source, _prepare_geojson(source)
        elif kind == GPKG:
            path, epsg = source, _prepare_geopackage(source)
        else:
            path, epsg = _prepare_shapefile(source, folder)
        ds = _open_with_driver(path, kind)
        try:
            names, features = _read_features(ds, epsg, geometry_types)
        except GDALException:
            raise _fail(f"Die Datei lässt sich nicht als {FORMAT_NAMES[kind]} lesen.") from None
        finally:
            del ds  # close before the folder goes
    return VectorFile(format=kind, source_epsg=epsg, fields=names, features=features)


def read_polygon_file(uploaded_file: Any, *, max_bytes: int = MAX_FILE_BYTES) -> VectorFile:
    """Like :func:`read_vector_file` for areas: Polygons and MultiPolygons, each returned as a MultiPolygon."""
    read = read_vector_file(uploaded_file, geometry_types=("POLYGON", "MULTIPOLYGON"), max_bytes=max_bytes)
    features = [
        VectorFeature(
            number=f.number,
            properties=f.properties,
            geometry=f.geometry if f.geometry.geom_type == "MultiPolygon" else _multi(f.geometry),
        )
        for f in read.features
    ]
    return VectorFile(format=read.format, source_epsg=read.source_epsg, fields=read.fields, features=features)


def _multi(polygon: GEOSGeometry) -> MultiPolygon:
    multi = MultiPolygon(polygon)
    multi.srid = polygon.srid
    return multi
