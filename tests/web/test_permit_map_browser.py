"""The staff permit review map (issue 26.12: "a map with no borders"): like the queue map it is drawn by
the map bundle (static/js/map/staff.js over setup.js), so it shows the basemap, the commune borders and
the permit's own commune highlighted, under the application's area. Tiles are served to the browser by
a route (no network in tests), so the check is that basemap tiles really loaded, not just were asked for."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect

from domains.permits.services import PermitDraft, permit_create
from tests.permits.helpers import applicant, future
from tests.permits.test_conflicts import box
from tests.web.conftest import new_context
from tests.web.test_office_browser import _sign_in

pytestmark = pytest.mark.browser

TILE_PATH = "/testkacheln/"


def _png(rgb: tuple[int, int, int] = (200, 230, 200), size: int = 256) -> bytes:
    """A plain one-colour PNG tile, built here so the test needs no image files or libraries."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def permit(transactional_db, world):
    return permit_create(
        draft=PermitDraft(
            kind="geruest", geometry=box(), start=future(3), end=future(9), applicant=applicant()
        )
    ).permit


def test_permit_map_shows_basemap_commune_borders_and_the_area(browser, site, settings, permit):
    settings.MAP_TILE_URL = TILE_PATH + "{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Testkarte"
    tile = _png()
    context = new_context(browser)
    _sign_in(context, site, "caseworker_a")
    page = context.new_page()
    page.route(
        f"**{TILE_PATH}**", lambda route: route.fulfill(status=200, content_type="image/png", body=tile)
    )
    try:
        page.goto(f"{site}/verwaltung/sondernutzungen/{permit.public_id}/")
        permit_map = page.locator("#permit-map")
        expect(permit_map).to_have_attribute("role", "region")
        expect(permit_map).to_have_attribute("aria-label", re.compile("Antragsfläche und Konflikte"))

        # the basemap: a tile layer whose tiles arrived, and its credits
        loaded = permit_map.locator(f".leaflet-tile-pane img.leaflet-tile-loaded[src*='{TILE_PATH}']")
        expect(loaded.first).to_be_attached()
        expect(permit_map.locator(".leaflet-control-attribution")).to_contain_text("© Testkarte")

        # the commune borders (detailed at this zoom) and the permit's commune on top, in the queue map's style
        expect(permit_map).to_have_attribute("data-borders", "detail")
        overlay = permit_map.locator(".leaflet-overlay-pane path")
        expect(overlay.and_(page.locator("[stroke='#3d4852']"))).to_have_count(1)  # all outlines: one path
        expect(overlay.and_(page.locator("[stroke='#00573d']"))).to_have_count(1)  # Dresden highlighted
        expect(overlay.and_(page.locator("[stroke='#005ea8']"))).to_have_count(1)  # the application's area
        zoom = permit_map.evaluate("e => e.leafletMap.getZoom()")
        assert zoom >= 15, zoom  # fitted to the area, not all Saxony
    finally:
        context.close()
