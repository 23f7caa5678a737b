"""Hand-made boundary files: squares east of Saxony (in Poland, EPSG:25833) so they never overlap the real
communes, written as GeoJSON and converted with ogr2ogr into VG250-shaped Shapefiles/GeoPackages."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

# Lower-left corner of the fake district "14999", ~40 km east of Görlitz.
X0, Y0 = 530_000.0, 5_650_000.0
SIDE = 2_000.0


def square(col: int, row: int = 0, side: float = SIDE) -> list[list[list[float]]]:
    x, y = X0 + col * side, Y0 + row * side
    return [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]]


def feature(props: dict, rings: list, kind: str = "Polygon") -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": rings}}


def write_geojson(path: Path, features: list[dict], srid: int | None = 25833) -> Path:
    data: dict = {"type": "FeatureCollection", "features": features}
    if srid is not None:
        data["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def ogr2ogr(dest: Path, src: Path, *args: str) -> Path:
    subprocess.run(["ogr2ogr", *args, str(dest), str(src)], check=True, capture_output=True)
    return dest


def ours(ags: str, name: str, rings: list, **extra) -> dict:
    props = {"ags": ags, "name": name, "kreis_name": "Testkreis", **extra}
    return feature(props, rings)


def vg250(ags: str, gen: str, rings: list, gf: int = 4, bez: str = "Gemeinde") -> dict:
    return feature({"AGS": ags, "GEN": gen, "BEZ": bez, "GF": gf, "ARS": ags[:5] + "0000" + ags[5:]}, rings)
