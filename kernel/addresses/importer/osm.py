"""OpenStreetMap extracts (``.osm`` or ``.osm.pbf``) through GDAL's OSM driver.

GDAL's default configuration puts ``addr:*`` tags into the ``other_tags`` field as
``"addr:street"=>"Prager Straße","addr:housenumber"=>"12"``, on the ``points`` layer (nodes) and the
``multipolygons`` layer (closed building ways and multipolygon relations). Buildings are placed at their
point on surface, which lies inside the building even for an L-shaped one (a centroid may not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.feature import Feature
from django.contrib.gis.gdal.prototypes import ds as capi

from kernel.addresses.importer import AddressRow, Refused
from kernel.geo.coords import to_storage
from kernel.geo.srid import API_SRID

LAYERS = ("points", "multipolygons")
TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
NUMBER = re.compile(r"^(\d+)\s*([A-Za-z]?)$")


def tags(other_tags: str | None) -> dict[str, str]:
    if not other_tags:
        return {}
    return {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in TAG.findall(other_tags)}


def _field(feature, name: str) -> str | None:
    try:
        return feature.get(name)
    except (IndexError, GDALException):
        return None


def _row(feature, osm_id: str) -> AddressRow | str | None:
    found = tags(_field(feature, "other_tags"))
    street, number = found.get("addr:street", "").strip(), found.get("addr:housenumber", "").strip()
    if not street and not number:
        return None  # not an address at all: skipped silently
    if not street or not number:
        return "addr:street oder addr:housenumber fehlt"
    geom = feature.geom.geos
    geom.srid = API_SRID
    if geom.geom_type != "Point":
        geom = geom.point_on_surface
        geom.srid = API_SRID
    point = to_storage(geom)
    match = NUMBER.match(number)
    postcode = found.get("addr:postcode", "").strip()
    return AddressRow(
        street=street[:200],
        housenumber=(match.group(1) if match else number)[:20],
        suffix=(match.group(2) if match else "")[:20],
        postcode=postcode if re.fullmatch(r"\d{5}", postcode) else "",
        place=found.get("addr:city", "").strip()[:200],
        district_name=found.get("addr:suburb", "").strip()[:200],
        x=point.x,
        y=point.y,
        source_id=osm_id[:64],
        quality="osm",
    )


def _features(layer) -> Iterator[Feature]:
    """All features of a layer. Django's ``Layer.__iter__`` counts them first, and the OSM driver cannot
    count without reading (``GetFeatureCount`` is -1), so it would yield nothing; read until GDAL returns
    no feature instead (a NULL pointer, which Django's prototype raises as ``GDALException``)."""
    capi.reset_reading(layer.ptr)
    while True:
        try:
            pointer = capi.get_next_feature(layer.ptr)
        except GDALException:
            return
        yield Feature(pointer, layer)


def read(path: Path) -> Iterator[AddressRow | Refused]:
    source = DataSource(str(path))
    for layer in source:
        if layer.name not in LAYERS:
            continue
        for feature in _features(layer):
            osm_id = _field(feature, "osm_id") or f"w{_field(feature, 'osm_way_id') or feature.fid}"
            result = _row(feature, str(osm_id))
            if result is None:
                continue
            yield (
                Refused(int(feature.fid), f"OSM-Objekt {osm_id}: {result}")
                if isinstance(result, str)
                else result
            )
