"""The pin of the chosen place must be clearly visible (issue 26): at desktop and at phone width.

An empty inline ``<span>`` ignores width and height, so the pin once drew as a 6×22 px outline and users
could not see where their report would land. The rendered box is measured, not the CSS text.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import new_context

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height", [(1280, 800), (360, 640)])
def test_chosen_place_pin_is_large_and_filled(browser, site, width, height):
    context = new_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(site + "/")
        page.get_by_label("Breitengrad").fill("51,0504")
        page.get_by_label("Längengrad").fill("13,7373")
        page.get_by_label("Längengrad").press("Tab")
        pin = page.locator("#map .mm-pick")
        expect(pin).to_be_visible()
        pin.scroll_into_view_if_needed()
        box = pin.bounding_box()
        assert box is not None and box["width"] >= 30 and box["height"] >= 30, box
        # filled with a dark colour (not just an outline) and drawn inside the visible map
        style = pin.evaluate("e => { const s = getComputedStyle(e); return [s.display, s.backgroundColor]; }")
        assert style[0] != "inline" and style[1] not in ("rgba(0, 0, 0, 0)", "transparent"), style
        map_box = page.locator("#map").bounding_box()
        centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        assert map_box["x"] <= centre_x <= map_box["x"] + map_box["width"]
        assert map_box["y"] <= centre_y <= map_box["y"] + map_box["height"]
        topmost = page.evaluate(f"() => document.elementFromPoint({centre_x}, {centre_y}).className")
        assert "mm-pick" in str(topmost), topmost
    finally:
        context.close()
