"""What the back office's maps need (the map bundle ``static/js/map.js`` reads it from ``#map-config``):
the basemap and its credits, the commune borders and the status symbols — the same as on the citizen
pages (``interfaces.web.presentation.map_config``), without the citizen pages' own URLs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from kernel.boundaries.selectors import boundary_attribution
from shared.http.presentation import attribution_html, status_legend


def staff_map_config() -> dict[str, Any]:
    """The one JSON blob of a staff page with a map (``json_script``), so the script stays static."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "tileAttributionHtml": attribution_html(settings.MAP_TILE_ATTRIBUTION),
        "bordersUrl": reverse("commune-geojson"),
        "bordersAttribution": boundary_attribution(),
        "statuses": status_legend(),
        "texts": {"mapLabel": "Karte"},
    }
