"""The two coordinate reference systems OGC API clients may ask for, mapped to the project's fixed SRIDs.

Clients send CRS URIs; they are looked up in this table and never handed to GDAL/PROJ as SRS text.
CRS84 is WGS84 with longitude first (what ``ST_AsGeoJSON`` of EPSG:4326 writes); EPSG:25833 is
ETRS89 / UTM 33N with easting first, so both are served in x/y order as stored — no axis swap.
"""

from __future__ import annotations

from typing import Final

from kernel.geo.srid import API_SRID, STORAGE_SRID

CRS84: Final = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_25833: Final = "http://www.opengis.net/def/crs/EPSG/0/25833"

SRID_BY_URI: Final = {CRS84: API_SRID, EPSG_25833: STORAGE_SRID}
SUPPORTED: Final = [CRS84, EPSG_25833]
STORAGE_CRS: Final = EPSG_25833

# Decimals of coordinates: 6 of a degree are about 10 cm in Saxony; 2 of a metre are 1 cm.
PRECISION: Final = {API_SRID: 6, STORAGE_SRID: 2}
