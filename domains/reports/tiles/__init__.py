"""Vector tiles of reports: rendering, the tile cache and the per-commune counts behind the low zooms."""
