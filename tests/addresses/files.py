"""Small address files written by the tests: HK-DE text and OSM XML around real Dresden streets."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.contrib.gis.geos import Point

from kernel.geo.coords import to_storage

DRESDEN = "14612000"
# (street, number, suffix, postcode, lon, lat) — real places in Dresden's Altstadt, WGS84.
DRESDEN_ADDRESSES = [
    ("Prager Straße", "12", "", "01069", 13.73630, 51.04560),
    ("Prager Straße", "10", "", "01069", 13.73660, 51.04620),
    ("Prager Straße", "12", "a", "01069", 13.73600, 51.04540),
    ("Wilsdruffer Straße", "7", "", "01067", 13.73790, 51.05060),
    ("Große Meißner Straße", "15", "", "01097", 13.74250, 51.05710),
]


def utm(lon: float, lat: float) -> tuple[float, float]:
    p = to_storage(Point(lon, lat, srid=4326))
    return p.x, p.y


def hkde_line(
    street: str, number: str, suffix: str, postcode: str, lon: float, lat: float, *, zone: bool = True,
    oid: str = "DESNAL0000000001", ags: str = DRESDEN,
) -> str:  # fmt: skip
    x, y = utm(lon, lat)
    east = (f"33{x:.3f}" if zone else f"{x:.3f}").replace(".", ",")
    north = f"{y:.3f}".replace(".", ",")
    fields = [
        "", oid, "A", ags[:2], ags[2], ags[3:5], ags[5:], "0001", "00123", number, suffix, east, north,
        street, postcode, "Dresden", "", "Altstadt",
    ]  # fmt: skip
    return ";".join(fields)


def write_hkde(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("# Hauskoordinaten Testdatei\n" + "\n".join(lines) + "\n").encode(encoding))
    return path


def dresden_hkde(path: Path, **kwargs) -> Path:
    lines = [hkde_line(*a, oid=f"DESNAL{i:010d}", zone=i % 2 == 0) for i, a in enumerate(DRESDEN_ADDRESSES)]
    return write_hkde(path, lines, **kwargs)


def write_osm(path: Path) -> Path:
    """Two address nodes, one building with an address (a closed way), one untagged node."""
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="51.0456" lon="13.7363">
  <tag k="addr:street" v="Prager Straße"/><tag k="addr:housenumber" v="12"/>
  <tag k="addr:postcode" v="01069"/><tag k="addr:city" v="Dresden"/>
 </node>
 <node id="2" lat="51.0506" lon="13.7379">
  <tag k="addr:street" v="Wilsdruffer Straße"/><tag k="addr:housenumber" v="7 b"/>
 </node>
 <node id="3" lat="51.0500" lon="13.7400"/>
 <node id="4" lat="51.0503" lon="13.7400"/>
 <node id="5" lat="51.0503" lon="13.7404"/>
 <node id="6" lat="51.0500" lon="13.7404"/>
 <node id="7" lat="51.0480" lon="13.7390"><tag k="addr:housenumber" v="3"/></node>
 <way id="10">
  <nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="3"/>
  <tag k="building" v="yes"/><tag k="addr:street" v="Schloßstraße"/><tag k="addr:housenumber" v="2"/>
  <tag k="addr:postcode" v="01067"/><tag k="addr:city" v="Dresden"/>
 </way>
</osm>
""",
        encoding="utf-8",
    )
    return path


def write_osm_pbf(path: Path) -> Path:
    """The :func:`write_osm` data as an ``.osm.pbf`` file, converted by osmium-tool (GDAL reads PBF but
    cannot write it; osmium is in scripts/system-packages.sh for this)."""
    osmium = shutil.which("osmium")
    assert osmium, "osmium-tool fehlt: scripts/system-packages.sh installiert es (Debian-Paket osmium-tool)"
    xml = write_osm(path.with_name(path.name.removesuffix(".osm.pbf") + "-source.osm"))
    subprocess.run([osmium, "cat", str(xml), "-f", "pbf", "-o", str(path), "--overwrite"], check=True)
    return path
