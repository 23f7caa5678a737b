"""The nightly open-data export: public reports (all, and per commune) and approved permits as GeoPackage
and CSV, in one dated folder per run under ``OPENDATA_ROOT``; the newest 7 folders are kept.

Fields are exactly those of the public serialisation (``domains.reports.selectors.public_feature_expression``,
``domains.permits.selectors.permit_public_feature_expression``, the same the REST and OGC APIs send), so a
column that is not public there cannot appear here: no reporter or applicant data. PostgreSQL writes
each feature (EPSG:25833, centimetres) and its WGS84 point in one pass over the rows; Python streams
them into a GeoJSON file per data set (for GDAL) and a CSV (UTF-8, with ``x_25833``/``y_25833`` and
``lon_wgs84``/``lat_wgs84``; a text cell that starts like a spreadsheet formula gets a leading apostrophe,
``kernel.core.spreadsheet``). ``ogr2ogr`` then turns each GeoJSON file into a GeoPackage (Debian's GDAL
command-line tools, already a system dependency for ``load_communes`` and the OGC API tests; the Python
bindings are not in the virtualenv and would tie it to the system GDAL's version).

Atomic: everything is written to a hidden temporary folder beside the target and renamed into place at
the end, so the download page never lists a half-written export; a failed run leaves nothing behind.
``manifest.json`` in each folder describes its data sets for the page and the DCAT-AP.de catalogue.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models.functions import Transform
from django.db.models import CharField, F, FloatField, Func
from django.db.models.functions import Cast

from domains.permits.selectors import permit_public_feature_expression, permits_public
from domains.reports.selectors import public_feature_expression, reports_public
from kernel.core.spreadsheet import safe_writer
from kernel.geo.srid import API_SRID, STORAGE_SRID

KEEP = 7
FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CRS_25833 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}
COORDINATE_COLUMNS = ["x_25833", "y_25833", "lon_wgs84", "lat_wgs84"]
# CSV columns in a reading order (PostgreSQL's jsonb sorts keys by length); any other public field follows.
COLUMN_ORDER = [
    "id", "category", "category_name", "kind", "kind_name", "description", "place", "status", "status_label",
    "start", "end", "area_m2", "commune_ags", "commune_name", "district_ags", "district_name",
    "created", "updated", "supporters", "url", "thumbnail_url",
]  # fmt: skip
MEDIA_TYPES = {"gpkg": "application/geopackage+sqlite3", "csv": "text/csv"}
OGR_TIMEOUT_S = 3600


def opendata_root() -> Path:
    """``OPENDATA_ROOT``, by default ``MEDIA_ROOT/opendata`` (served by ``/opendata/``, not ``/media/``)."""
    return Path(settings.OPENDATA_ROOT or Path(settings.MEDIA_ROOT) / "opendata")


@dataclass
class DataSet:
    """One data set being written: its files, count, time span and WGS84 bounding box."""

    id: str
    kind: str  # "reports" or "permits"
    geometry: str  # OGR geometry type of the GeoPackage layer
    ags: str = ""  # commune of a per-commune data set
    name: str = ""  # that commune's name
    count: int = 0
    start: str | None = None
    end: str | None = None
    bbox: list[float] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(self, lon: float, lat: float, start: str, end: str) -> None:
        self.count += 1
        self.start = min(self.start or start, start)
        self.end = max(self.end or end, end)
        if not self.bbox:
            self.bbox = [lon, lat, lon, lat]
        else:
            box = self.bbox
            self.bbox = [min(box[0], lon), min(box[1], lat), max(box[2], lon), max(box[3], lat)]


class Writer:
    """GeoJSON (for ogr2ogr) and CSV of one data set, written as rows arrive."""

    def __init__(self, folder: Path, dataset: DataSet) -> None:
        self.folder, self.dataset = folder, dataset
        self.geojson_path = folder / ".work" / f"{dataset.id}.geojson"
        self.geojson = self.geojson_path.open("w", encoding="utf-8")
        self.geojson.write(json.dumps({"type": "FeatureCollection", "name": dataset.id, "crs": CRS_25833}))
        self.geojson.seek(self.geojson.tell() - 1)  # reopen the object to append "features"
        self.geojson.write(', "features": [\n')
        self.csv_file = (folder / f"{dataset.id}.csv").open("w", encoding="utf-8", newline="")
        self.csv = safe_writer(self.csv_file)  # text cells cannot become spreadsheet formulas
        self.header: list[str] | None = None

    def write(
        self, feature_text: str, flat: dict[str, Any], coordinates: list[float], start: str, end: str
    ) -> None:
        """Append one feature: its JSON text (GeoJSON file) and its flattened properties (CSV)."""
        if self.header is None:
            known = [c for c in COLUMN_ORDER if c in flat]
            self.header = [*known, *(c for c in flat if c not in known)]
            self.csv.writerow([*self.header, *COORDINATE_COLUMNS])
        self.csv.writerow([*(flat.get(c) for c in self.header), *coordinates])
        self.geojson.write(("," if self.dataset.count else "") + feature_text + "\n")
        self.dataset.add(coordinates[2], coordinates[3], start, end)

    def close(self) -> None:
        self.geojson.write("]}\n")
        self.geojson.close()
        if self.header is None:  # no rows: the CSV still names its columns
            self.csv.writerow(COORDINATE_COLUMNS)
        self.csv_file.close()
        gpkg = self.folder / f"{self.dataset.id}.gpkg"
        _ogr2ogr(self.geojson_path, gpkg, layer=self.dataset.id, geometry=self.dataset.geometry)
        self.geojson_path.unlink()
        for path in (gpkg, self.folder / f"{self.dataset.id}.csv"):
            fmt = path.suffix[1:]
            self.dataset.files.append(
                {
                    "name": path.name,
                    "format": fmt.upper(),
                    "media_type": MEDIA_TYPES[fmt],
                    "bytes": path.stat().st_size,
                }
            )


def _flatten(properties: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"commune": {"ags": …}}`` → ``{"commune_ags": …}`` (the GeoPackage gets the same names)."""
    flat: dict[str, Any] = {}
    for key, value in properties.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}_"))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _ogr2ogr(source: Path, target: Path, *, layer: str, geometry: str) -> None:
    """GeoJSON (EPSG:25833 named in its ``crs`` member) → GeoPackage layer in EPSG:25833. Every argument
    is ours: file names we made, a fixed CRS code — no user text reaches GDAL."""
    command = [
        "ogr2ogr", "-f", "GPKG", str(target), str(source),
        "-nln", layer, "-nlt", geometry, "-a_srs", "EPSG:25833",
        "-oo", "FLATTEN_NESTED_ATTRIBUTES=YES", "-oo", "NESTED_ATTRIBUTE_SEPARATOR=_",
        "-lco", f"IDENTIFIER={layer}", "-lco", "SPATIAL_INDEX=YES",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=OGR_TIMEOUT_S)


class _Rounded(Func):
    """``ST_X``/``ST_Y`` of a point rounded to ``digits`` decimals (PostgreSQL rounds only numerics)."""

    template = "round(%(function)s(%(expressions)s)::numeric, %(digits)s)::float8"
    output_field = FloatField()


def _coordinates(expression: Any) -> dict[str, Func]:
    """EPSG:25833 to the centimetre and WGS84 to 7 decimals (≈ 1 cm), computed in the query."""
    wgs84 = Transform(expression, API_SRID)
    return {
        "x": _Rounded(expression, function="ST_X", digits=2),
        "y": _Rounded(expression, function="ST_Y", digits=2),
        "lon": _Rounded(wgs84, function="ST_X", digits=7),
        "lat": _Rounded(wgs84, function="ST_Y", digits=7),
    }


def _report_rows() -> Iterator[tuple]:
    base = settings.SITE_URL
    feature = public_feature_expression(
        media_base=f"{base}{settings.MEDIA_URL}",
        detail_base=f"{base}/meldungen/",
        srid=STORAGE_SRID,
        precision=2,
    )
    qs = (
        reports_public()
        .order_by("commune__ags", "created", "id")
        .annotate(feature=Cast(feature, CharField()), **_coordinates(F("location")))
        .values_list("feature", "x", "y", "lon", "lat", "created", "commune__ags", "commune__name")
    )
    return qs.iterator(chunk_size=5000)


def _permit_rows() -> Iterator[tuple]:
    point = Func(F("location"), function="ST_PointOnSurface")
    feature = permit_public_feature_expression(srid=STORAGE_SRID, precision=2)
    qs = (
        permits_public()
        .order_by("start", "id")
        .annotate(feature=Cast(feature, CharField()), **_coordinates(point))
        .values_list("feature", "x", "y", "lon", "lat", "start", "end")
    )
    return qs.iterator(chunk_size=2000)


def _day(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    return value.isoformat()


def _write_reports(folder: Path) -> list[DataSet]:
    """All reports into ``meldungen-sachsen``, and each commune's into ``meldungen-<AGS>`` (rows arrive
    ordered by AGS, so one commune file is open at a time)."""
    everything = DataSet("meldungen-sachsen", "reports", "POINT")
    all_writer = Writer(folder, everything)
    sets, current = [everything], None
    for feature, x, y, lon, lat, created, ags, name in _report_rows():
        if current is None or current.dataset.ags != ags:
            if current is not None:
                current.close()
            current = Writer(folder, DataSet(f"meldungen-{ags}", "reports", "POINT", ags=ags, name=name))
            sets.append(current.dataset)
        day, flat = _day(created), _flatten(json.loads(feature)["properties"])
        all_writer.write(feature, flat, [x, y, lon, lat], day, day)
        current.write(feature, flat, [x, y, lon, lat], day, day)
    if current is not None:
        current.close()
    all_writer.close()
    return sets


def _write_permits(folder: Path) -> list[DataSet]:
    permits = DataSet("sondernutzungen-sachsen", "permits", "MULTIPOLYGON")
    writer = Writer(folder, permits)
    for feature, x, y, lon, lat, start, end in _permit_rows():
        flat = _flatten(json.loads(feature)["properties"])
        writer.write(feature, flat, [x, y, lon, lat], _day(start), _day(end))
    writer.close()
    return [permits]


def _replace(folder: Path, final: Path) -> None:
    """Rename ``folder`` to ``final``; a second run on the same day replaces the first one's folder."""
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        final.rename(old)
        folder.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        folder.rename(final)


def export_folders(root: Path | None = None) -> list[Path]:
    """Finished export folders, newest first (hidden temporary folders are never listed)."""
    root = root or opendata_root()
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if p.is_dir() and FOLDER.match(p.name)), reverse=True)


def _prune(root: Path, keep: int) -> list[str]:
    removed = []
    for old in export_folders(root)[keep:]:
        shutil.rmtree(old)
        removed.append(old.name)
    return removed


def export_opendata(*, day: dt.date, root: Path | None = None, keep: int = KEEP) -> dict[str, Any]:
    """Write the export for ``day`` into ``<root>/<day>/`` (atomically) and keep the newest ``keep``."""
    root = root or opendata_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".tmp-{day.isoformat()}-", dir=root))
    try:
        (folder / ".work").mkdir()
        datasets = _write_reports(folder) + _write_permits(folder)
        (folder / ".work").rmdir()
        manifest = {
            "date": day.isoformat(),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "datasets": [vars(d) for d in datasets],
        }
        (folder / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        folder.chmod(0o755)
        _replace(folder, root / day.isoformat())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    removed = _prune(root, keep)
    return {
        "date": day.isoformat(),
        "datasets": len(datasets),
        "reports": datasets[0].count,
        "removed": removed,
    }


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a finished export folder (None if missing or unreadable)."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def latest_manifest(root: Path | None = None) -> dict[str, Any] | None:
    return next((m for m in map(read_manifest, export_folders(root)) if m), None)


def all_manifests(root: Path | None = None) -> Iterable[dict[str, Any]]:
    return (m for m in map(read_manifest, export_folders(root)) if m)
