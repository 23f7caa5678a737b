"""Spatial reference constants. The only SRIDs this service ever uses — never user-supplied SRS text.

Storage is ETRS89 / UTM zone 33N (EPSG:25833), Saxony's official CRS: metres, so areas, distances and
buffers are computed without degree conversions. APIs speak WGS84 lon/lat (EPSG:4326, RFC 7946 order).
"""

from typing import Final

STORAGE_SRID: Final = 25833
API_SRID: Final = 4326

# Saxony's extent in WGS84 (lon/lat), rounded outward from the VG250 data (11.8715–15.0418 E,
# 50.1715–51.6850 N). Used for quick plausibility checks and the swapped-coordinates hint; the
# authoritative "inside Saxony" test is the commune lookup.
SAXONY_BBOX_WGS84: Final = (11.85, 50.15, 15.05, 51.70)

# The same extent in EPSG:25833 metres (rounded outward).
SAXONY_BBOX_25833: Final = (276_000.0, 5_560_000.0, 500_000.0, 5_730_000.0)
