"""Reading boundary sources through GDAL: our GeoJSON or BKG's VG250 (GeoPackage, Shapefile, ``.gz``).

Recognises the field names of either, keeps land areas (``GF = 4``) of Saxony (AGS prefix ``14``) and
reprojects to EPSG:25833 in GDAL, so later stages see one shape of data whatever the source.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeomType

from kernel.boundaries.importer.common import (
    DEFAULT_DISTRICT_NAMES,
    SAXONY_PREFIX,
    BoundaryImportError,
    ImportResult,
    Progress,
)
from kernel.geo.srid import STORAGE_SRID

LAND_AREA_GF = 4
POLYGON_TYPES = {"Polygon", "MultiPolygon", "Polygon25D", "MultiPolygon25D"}


@dataclass
class FieldMap:
    ags: str
    name: str
    ars: str | None = None
    bez: str | None = None
    gf: str | None = None
    name_official: str | None = None
    kreis_name: str | None = None
    valid_on: str | None = None

    @classmethod
    def for_layer(cls, fields: list[str]) -> FieldMap:
        by_lower = {f.lower(): f for f in fields}
        ags = by_lower.get("ags")
        name = by_lower.get("name") or by_lower.get("gen")
        missing = [label for label, value in (("AGS", ags), ("Name (name oder GEN)", name)) if not value]
        if missing:
            raise BoundaryImportError(
                f"Pflichtfeld fehlt: {', '.join(missing)}. Vorhandene Felder: {', '.join(fields) or '—'}. "
                "Erwartet wird unser GeoJSON (ags, name, …) oder VG250 (AGS, GEN, BEZ, GF)."
            )
        assert ags and name
        return cls(
            ags=ags,
            name=name,
            ars=by_lower.get("ars"),
            bez=by_lower.get("bez"),
            gf=by_lower.get("gf"),
            name_official=by_lower.get("name_official"),
            kreis_name=by_lower.get("kreis_name"),
            valid_on=by_lower.get("valid_on"),
        )


@dataclass
class StagedCommune:
    ags: str
    name: str
    ars: str
    bez: str
    name_official: str
    kreis_name: str
    wkb: bytes


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def gdal_path(path: Path) -> str:
    """GDAL reads gzip-compressed files through its /vsigzip/ virtual file system."""
    return f"/vsigzip/{path}" if path.suffix == ".gz" else str(path)


def open_source(path: Path) -> DataSource:
    if not path.exists():
        raise BoundaryImportError(f"Datei nicht gefunden: {path}")
    try:
        return DataSource(gdal_path(path))
    except GDALException as exc:
        raise BoundaryImportError(
            f"Die Datei {path.name} lässt sich nicht lesen (kein GeoJSON, GeoPackage oder Shapefile?): {exc}"
        ) from None


def pick_layer(ds: DataSource, pattern: str, *, required: bool = True):
    """The commune layer of a multi-layer source (VG250 GeoPackage/Shapefile folder) is ``*gem*``."""
    layers = [ds[i] for i in range(len(ds))]
    matching = [layer for layer in layers if pattern in layer.name.lower()]
    if matching:
        return matching[0]
    if not required:
        return None
    if len(layers) == 1:
        return layers[0]
    names = ", ".join(layer.name for layer in layers)
    raise BoundaryImportError(f"Keine Gemeinde-Ebene gefunden (Ebenen: {names}); erwartet z. B. vg250_gem.")


def _text(feature, field_name: str | None) -> str:
    if not field_name:
        return ""
    value = feature.get(field_name)
    return "" if value is None else str(value).strip()


def _ags(feature, fmap: FieldMap) -> str:
    value = feature.get(fmap.ags)
    if isinstance(value, int | float):  # some tools write AGS as a number and drop the leading zero
        value = f"{int(value):08d}"
    ags = "" if value is None else str(value).strip()
    if not (len(ags) == 8 and ags.isdigit()):
        raise BoundaryImportError(
            f"Objekt {feature.fid}: ungültiger Gemeindeschlüssel {ags!r} (8 Ziffern erwartet)."
        )
    return ags


def _stage_feature(
    feature, fmap: FieldMap, prefix: str, result: ImportResult, file_dates: set[dt.date]
) -> StagedCommune | None:
    """Validate one feature and reproject it to EPSG:25833; None for other states and water areas."""
    ags = _ags(feature, fmap)
    if not ags.startswith(prefix):
        result.skipped_other_states += 1
        return None
    if fmap.gf and feature.get(fmap.gf) not in (None, LAND_AREA_GF, str(LAND_AREA_GF)):
        result.skipped_water += 1
        return None
    geom = feature.geom
    if geom is None or OGRGeomType(geom.geom_type.num).name not in POLYGON_TYPES:
        kind = "keine Geometrie" if geom is None else geom.geom_type.name
        raise BoundaryImportError(f"Gemeinde {ags}: Flächengeometrie erwartet, gefunden: {kind}.")
    name = _text(feature, fmap.name)
    if not name:
        raise BoundaryImportError(f"Gemeinde {ags}: Name fehlt.")
    if fmap.valid_on and isinstance(feature.get(fmap.valid_on), dt.date):
        file_dates.add(feature.get(fmap.valid_on))
    geom.transform(STORAGE_SRID)
    if geom.coord_dim == 3:
        geom.coord_dim = 2
    return StagedCommune(
        ags=ags,
        name=name,
        ars=_text(feature, fmap.ars),
        bez=_text(feature, fmap.bez),
        name_official=_text(feature, fmap.name_official),
        kreis_name=_text(feature, fmap.kreis_name),
        wkb=bytes(geom.wkb),
    )


def read_features(
    path: Path, *, progress: Progress, prefix: str = SAXONY_PREFIX
) -> tuple[list[StagedCommune], ImportResult, dt.date | None]:
    ds = open_source(path)
    layer = pick_layer(ds, "gem")
    fmap = FieldMap.for_layer(list(layer.fields))
    if layer.srs is None:
        raise BoundaryImportError(
            f"Die Ebene {layer.name} hat kein Koordinatenbezugssystem (CRS); bei Shapefiles fehlt die .prj-Datei."
        )
    total = len(layer)
    progress(f"Lese {total} Objekte aus {path.name} (Ebene {layer.name}, CRS {layer.srs.name})")
    result = ImportResult(valid_from=dt.date.min)
    staged: list[StagedCommune] = []
    file_dates: set[dt.date] = set()
    for index, feature in enumerate(layer, start=1):
        result.read += 1
        item = _stage_feature(feature, fmap, prefix, result, file_dates)
        if item is not None:
            staged.append(item)
        if index % 100 == 0 or index == total:
            progress(f"  {index}/{total} gelesen")
    if not staged:
        raise BoundaryImportError(
            f"Die Datei enthält keine sächsischen Gemeinden (AGS beginnt mit {prefix})."
        )
    file_date = file_dates.pop() if len(file_dates) == 1 else None
    return staged, result, file_date


def district_names(path: Path | None, source: Path) -> dict[str, tuple[str, str]]:
    """District names/designations: a VG250 ``*krs*`` layer next to the communes, else the bundled CSV."""
    names: dict[str, tuple[str, str]] = {}
    with DEFAULT_DISTRICT_NAMES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names[row["ags"]] = (row["name"], row["bez"])
    if path is not None and path.suffix != ".csv":
        ds = open_source(path)
    elif source.suffix in {".gpkg", ""} or source.is_dir():
        ds = open_source(source)
    else:
        ds = None
    if ds is not None:
        layer = pick_layer(ds, "krs", required=False)
        if layer is not None:
            fields = {f.lower(): f for f in layer.fields}
            for feature in layer:
                ags = str(feature.get(fields.get("ags", "AGS")) or "").strip()[:5]
                name = str(feature.get(fields.get("gen") or fields.get("name", "GEN")) or "").strip()
                bez = str(feature.get(fields["bez"]) or "").strip() if "bez" in fields else ""
                if len(ags) == 5 and name:
                    names[ags] = (name, bez or names.get(ags, ("", ""))[1])
    elif path is not None:
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names[row["ags"]] = (row["name"], row.get("bez", ""))
    return names
