"""„Adresse oder Ort suchen“ in Chromium: the combobox by keyboard alone on the three forms, its announcements,
an axe scan with the list open, and the same field without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.addresses.files import dresden_hkde
from tests.web.conftest import axe_serious, new_context
from tests.web.test_accessibility import tab_to

pytestmark = pytest.mark.browser

HOUSE = "Prager Straße 12, 01069 Dresden"
HOUSE_LAT, HOUSE_LON = 51.0456, 13.7363


@pytest.fixture
def dresden(site, tmp_path):
    """Five real Dresden addresses in a generated HK-DE file, loaded like a commune would load them."""
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)
    return site


def combobox(page):
    return page.get_by_role("combobox", name="Adresse oder Ort suchen")


def options(page):
    return page.get_by_role("listbox", name="Gefundene Orte").get_by_role("option")


def type_query(page, text: str) -> None:
    """Type ``text`` key by key and wait for the answer to the whole text (the script searches whenever the
    typing pauses, so on a slow machine an answer to a part may come first)."""

    def for_text(response) -> bool:
        url = urlsplit(response.url)
        return url.path == "/api/v1/addresses/" and parse_qs(url.query).get("q") == [text]

    with page.expect_response(for_text):
        page.keyboard.type(text)


def type_and_choose_first(page, text: str = "Prager Str 12") -> None:
    """Keyboard only: Tab to the field, type, ArrowDown to the first place, Enter."""
    box = combobox(page)
    expect(box).to_have_attribute("aria-expanded", "false")  # the script has made it a combobox
    tab_to(page, box, limit=40)
    type_query(page, text)
    expect(page.locator("#place-search-status")).to_have_text(re.compile(r"^\d+ Orte? gefunden\."))
    expect(box).to_have_attribute("aria-expanded", "true")
    first = options(page).first
    expect(first).to_have_text(f"{HOUSE} (Adresse)")
    page.keyboard.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(box).to_be_focused()  # the focus stays in the field (aria-activedescendant names the option)
    page.keyboard.press("Enter")


def assert_near_house(lat: str, lon: str) -> None:
    lat, lon = (
        lat.replace(",", "."),
        lon.replace(",", "."),
    )  # filled in with a decimal comma, as the hint shows
    assert abs(float(lat) - HOUSE_LAT) < 1e-4 and abs(float(lon) - HOUSE_LON) < 1e-4


def map_state(page) -> dict:
    return page.evaluate(
        "() => { const m = document.getElementById('map').leafletMap; const c = m.getCenter();"
        " return {lat: c.lat, lon: c.lng, zoom: m.getZoom()}; }"
    )


def test_report_form_keyboard_only_search_sets_the_place_like_a_map_click(page, dresden):
    page.goto(dresden + "/")
    type_and_choose_first(page)

    box = combobox(page)
    expect(box).to_have_value(HOUSE)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#place-search-listbox")).to_be_hidden()
    expect(page.locator("#place-search-status")).to_have_text(f"Ort übernommen: {HOUSE}")
    expect(page.get_by_text("Zuständig: Dresden")).to_be_visible()
    expect(page.locator("#map .mm-pick")).to_be_visible()
    assert_near_house(
        page.get_by_label("Breitengrad").input_value(), page.get_by_label("Längengrad").input_value()
    )
    state = map_state(page)
    assert (
        state["zoom"] == 18 and abs(state["lat"] - HOUSE_LAT) < 1e-3 and abs(state["lon"] - HOUSE_LON) < 1e-3
    )
    assert "adresse=" not in page.url  # chosen in place: no reload, nothing typed elsewhere is lost


def test_escape_closes_the_list_and_then_empties_the_field(page, dresden):
    page.goto(dresden + "/")
    box = combobox(page)
    expect(box).to_have_attribute("aria-expanded", "false")
    box.focus()
    type_query(page, "Prager Strasse")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("listbox", name="Gefundene Orte")).to_be_visible()
    page.keyboard.press("ArrowUp")  # wraps to the last option
    expect(options(page).last).to_have_attribute("aria-selected", "true")

    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#place-search-listbox")).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".+"))
    expect(box).to_have_value("Prager Strasse")
    page.keyboard.press("ArrowDown")  # opens the same places again
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(box).to_have_value("")
    assert page.get_by_label("Breitengrad").input_value() == ""  # nothing was chosen


def test_no_match_and_too_short_are_announced(page, dresden):
    page.goto(dresden + "/")
    box = combobox(page)
    expect(box).to_have_attribute("aria-expanded", "false")
    box.focus()
    type_query(page, "Xqzvwyq")
    status = page.locator("#place-search-status")
    expect(status).to_have_text(re.compile("^Kein Ort gefunden"))
    expect(status).to_have_attribute("role", "status")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.fill("ab")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Bitte geben Sie mindestens 3 Zeichen ein.")
    assert "adresse=" not in page.url


def test_parking_form_keyboard_search_sets_the_residence(page, dresden):
    page.goto(dresden + "/parkausweis/beantragen/")
    type_and_choose_first(page)
    expect(page.locator("#map .mm-pick")).to_be_visible()
    assert_near_house(
        page.get_by_label("Breitengrad").input_value(), page.get_by_label("Längengrad").input_value()
    )
    assert map_state(page)["zoom"] == 18


def test_permit_form_search_centres_the_map_and_leaves_the_area_to_draw(page, dresden):
    page.goto(dresden + "/sondernutzung/beantragen/")
    type_and_choose_first(page)
    expect(page.locator("#place-search-status")).to_have_text(f"Ort übernommen: {HOUSE}")
    state = map_state(page)
    assert (
        state["zoom"] == 18 and abs(state["lat"] - HOUSE_LAT) < 1e-3 and abs(state["lon"] - HOUSE_LON) < 1e-3
    )
    assert page.get_by_label("Fläche als GeoJSON").input_value() == ""  # the area is still drawn


@pytest.mark.parametrize("path", ["/", "/sondernutzung/beantragen/", "/parkausweis/beantragen/"])
def test_axe_finds_no_serious_issues_with_the_list_open(page, dresden, path):
    page.goto(dresden + path)
    box = combobox(page)
    expect(box).to_have_attribute("aria-expanded", "false")
    box.focus()
    type_query(page, "Prager Str")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options(page).first).to_have_attribute("aria-selected", "true")
    assert axe_serious(page) == []


def test_without_javascript_enter_lists_the_places_and_a_link_sets_the_place(browser, dresden):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(dresden + "/")
        field = page.get_by_role("textbox", name="Adresse oder Ort suchen")
        field.fill("Prager Str 12")
        field.press("Enter")  # submits the field's own GET form (form attribute), not the report
        expect(page).to_have_url(re.compile(r"\?adresse=Prager\+Str\+12#place-search$"))
        expect(page.locator("#place-search-status")).to_have_text(re.compile(r"^\d+ Treffer"))
        page.get_by_role("link", name=HOUSE).click()
        expect(page.locator("#responsible")).to_have_text("Zuständig: Dresden")
        assert_near_house(
            page.get_by_label("Breitengrad").input_value(), page.get_by_label("Längengrad").input_value()
        )
    finally:
        context.close()
