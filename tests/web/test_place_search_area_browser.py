"""Issue 26.2 in Chromium at 360 px: with no house addresses loaded, searching "Dresden" and choosing the
city only centres the map and asks for the exact spot (nothing is filled in, no pin); a tap on the map
then sets the report's place. Sending the area's centre itself is refused by the server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import new_context
from tests.web.test_place_search_flow import combobox, map_state, options, type_query

pytestmark = pytest.mark.browser


def test_choosing_a_commune_centres_the_map_and_asks_for_the_exact_spot_at_360px(browser, site):
    context = new_context(browser, viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(site + "/")
        box = combobox(page)
        expect(box).to_have_attribute("aria-expanded", "false")  # the script has made it a combobox
        box.click()
        type_query(page, "Dresden")
        city = options(page).filter(has_text="Dresden (kreisfreie Stadt)")
        expect(city).to_have_count(1)
        expect(options(page).filter(has_text=re.compile(r"^Dresden \(Landkreis\)"))).to_have_count(0)
        city.click()

        status = page.locator("#place-search-status")
        expect(status).to_contain_text("Bitte geben Sie den genauen Ort an")
        expect(status).to_contain_text("Für Dresden sind keine Hausadressen hinterlegt")
        expect(page.get_by_label("Breitengrad")).to_have_value("")
        expect(page.get_by_label("Längengrad")).to_have_value("")
        expect(page.locator(".mm-pick")).to_have_count(0)
        page.wait_for_function("() => document.getElementById('map').leafletMap.getZoom() === 12")
        centre = map_state(page)
        assert 50.9 < centre["lat"] < 51.2 and 13.5 < centre["lon"] < 14.0

        # the exact spot: a tap on the map, a little off the centre
        page.locator("#map").scroll_into_view_if_needed()
        size = page.locator("#map").bounding_box()
        page.locator("#map").tap(position={"x": size["width"] / 2 + 30, "y": size["height"] / 2 + 20})
        expect(page.locator(".mm-pick")).to_have_count(1)
        expect(page.get_by_label("Breitengrad")).not_to_have_value("")
        expect(page.locator("#responsible")).to_have_text("Zuständig: Dresden")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
