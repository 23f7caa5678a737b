"""Web-Mercator tile addressing shared by the vector-tile endpoints (reports, permits)."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.core.errors import ValidationFailed

MAX_ZOOM = 22
EXTENT = 4096  # MVT coordinate resolution per tile
BUFFER = 64  # pixels of geometry kept outside the tile edge, so markers are not cut at tile borders
WORLD_M = 40075016.68557849  # circumference in EPSG:3857 metres


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @property
    def size_m(self) -> float:
        return WORLD_M / (2**self.z)


def tile(z: int, x: int, y: int) -> Tile:
    """Validate z/x/y (XYZ scheme, y from the top); a 400 with a German message otherwise."""
    if not 0 <= z <= MAX_ZOOM:
        raise ValidationFailed({"z": [f"Zoomstufe muss zwischen 0 und {MAX_ZOOM} liegen."]})
    limit = 2**z
    if not 0 <= x < limit:
        raise ValidationFailed({"x": [f"x muss bei Zoomstufe {z} zwischen 0 und {limit - 1} liegen."]})
    if not 0 <= y < limit:
        raise ValidationFailed({"y": [f"y muss bei Zoomstufe {z} zwischen 0 und {limit - 1} liegen."]})
    return Tile(z, x, y)
