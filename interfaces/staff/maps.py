"""What the back office's maps need (the map bundle ``static/js/map.js`` reads it from ``#map-config``):
the basemap and its credits, the commune borders and the status symbols — the same as on the citizen
pages (``interfaces.web.presentation.map_config``), without the citizen pages' own URLs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from kernel.boundaries.selectors import boundary_attribution
from shared.http.presentation import attribution_html, status_legend


def staff_map_config(*, highlight_ags: str = "") -> dict[str, Any]:
    """The one JSON blob of a staff page with a map (``json_script``), so the script stays static;
    ``highlight_ags`` draws that commune's border on top (a permit's commune)."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "tileAttributionHtml": attribution_html(settings.MAP_TILE_ATTRIBUTION),
        "bordersUrl": reverse("commune-geojson"),
        "bordersAttribution": boundary_attribution(),
        "highlightAgs": highlight_ags,
        "statuses": status_legend(),
        "texts": {"mapLabel": "Karte"},
    }
