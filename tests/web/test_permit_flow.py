"""Applying for a Sondernutzung and a Bewohnerparkausweis in Chromium, and the switchable layer
"Baustellen & Sondernutzungen" on the report map."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from domains.permits.models import ParkingPermit, Permit
from tests.permits.helpers import NEUSTADT
from tests.web.conftest import new_context
from tests.web.permit_data import SECRET_APPLICANT, SECRETS, approved_permit, euro_de, local_input

pytestmark = pytest.mark.browser
URL = "/sondernutzung/beantragen/"


def _zoom_to(page, lat: float, lon: float, zoom: int) -> None:
    # a function returning nothing: serialising the map object that setView returns takes seconds
    page.evaluate(
        f"() => {{ document.getElementById('map').leafletMap.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}"
    )


def _what_and_when(page) -> None:
    page.get_by_label("Art der Sondernutzung").select_option(label="Gerüst/Baustelleneinrichtung")
    page.get_by_label("Beginn", exact=True).fill(local_input(10))
    page.get_by_label("Ende", exact=True).fill(local_input(12, 18))


def _applicant(page) -> None:
    page.get_by_label("Vorhaben").fill("Fassadengerüst, Gehweg bleibt 1,50 m frei")
    page.get_by_label("Name", exact=True).fill(SECRET_APPLICANT["name"])
    page.get_by_label("Firma/Verein (optional)").fill(SECRET_APPLICANT["organisation"])
    page.get_by_label("E-Mail", exact=True).fill(SECRET_APPLICANT["email"])
    page.get_by_label("Telefon (optional)").fill(SECRET_APPLICANT["phone"])
    page.get_by_label("Anschrift").fill(SECRET_APPLICANT["address"])


def _submit_and_confirm(page) -> Permit:
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.get_by_role("heading", name="Vielen Dank – Ihr Antrag ist eingegangen")).to_be_visible()
    number = page.locator(".report-number").inner_text()
    permit = Permit.objects.get(public_id=number)
    expect(page.locator(".facts")).to_contain_text("Dresden")
    expect(page.locator(".fee-total")).to_have_text(euro_de(permit.fee_total))
    return permit


def test_without_javascript_the_computed_fee_comes_back_in_view_and_focused(browser, site):
    # The button reloads the page; without the focus on the result it would open at the top (issue 26).
    context = new_context(browser, java_script_enabled=False, viewport={"width": 390, "height": 740})
    page = context.new_page()
    try:
        page.goto(site + URL)
        _what_and_when(page)
        page.get_by_label("Fläche als GeoJSON").fill(json.dumps(NEUSTADT))
        page.get_by_role("button", name="Gebühr berechnen").click()
        estimate = page.locator("#permit-estimate")
        expect(estimate).to_contain_text("Vorläufige Berechnung")
        expect(estimate).to_be_focused()
        expect(estimate.locator(".fee-total")).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 0
    finally:
        context.close()


def test_draw_the_area_see_the_fee_apply_and_follow_the_tracking_link(page, site):
    page.goto(site + URL)
    map_box = page.locator("#map")
    expect(map_box.locator(".leaflet-overlay-pane path").first).to_be_attached()  # our borders
    _what_and_when(page)
    _zoom_to(page, 51.06505, 13.75514, 18)

    page.get_by_role("button", name="Fläche zeichnen").click()
    box = map_box.bounding_box()
    cx, cy = box["width"] / 2, box["height"] / 2
    corners = [(-60, -40), (60, -40), (60, 40), (-60, 40)]
    for dx, dy in [*corners, corners[0]]:  # back on the first corner closes the polygon
        map_box.click(position={"x": cx + dx, "y": cy + dy})

    expect(page.get_by_label("Fläche als GeoJSON")).to_have_value(re.compile(r'^\{"type":"Polygon"'))
    expect(page.locator("#draw-status")).to_contain_text("Fläche übernommen")
    estimate = page.locator("#permit-estimate")
    expect(estimate).to_contain_text("Vorläufige Berechnung")
    expect(estimate).to_contain_text("Dresden (100\u00a0%)")
    expect(estimate).to_contain_text("Verwaltungsgebühr")
    shown_total = estimate.locator(".fee-total").inner_text()
    area_text = estimate.locator("dd").first.inner_text()  # e.g. "1.357,12 m²"

    _applicant(page)
    permit = _submit_and_confirm(page)
    assert permit.channel == "web" and permit.commune.ags == "14612000"
    assert permit.applicant_email == SECRET_APPLICANT["email"]
    assert shown_total == euro_de(permit.fee_total)  # what was estimated is what was applied for
    shown_area = float(area_text.split()[0].replace(".", "").replace(",", "."))
    assert shown_area == pytest.approx(float(permit.area_m2), abs=0.01)
    assert 500 < shown_area < 3000  # 120 × 80 px at zoom 18 (≈ 0.37 m/px)

    page.get_by_role("link", name="Antrag verfolgen").click()
    expect(page).to_have_url(re.compile(rf"/sondernutzung/{permit.public_id}/verfolgen/[\w-]+/$"))
    expect(page.get_by_text("Dies ist Ihr persönlicher Link")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Beantragt")
    expect(page.locator("#map path.mm-permit")).to_have_count(1)


def test_apply_with_a_geojson_file_instead_of_drawing(page, site):
    page.goto(site + URL)
    _what_and_when(page)
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": NEUSTADT}],
    }
    page.get_by_label("GeoJSON-Datei").set_input_files(
        files=[
            {
                "name": "flaeche.geojson",
                "mimeType": "application/geo+json",
                "buffer": json.dumps(collection).encode(),
            }
        ]
    )
    expect(page.locator("#draw-status")).to_contain_text("„flaeche.geojson“ übernommen")
    expect(page.get_by_label("Fläche als GeoJSON")).to_have_value(re.compile(r"FeatureCollection"))
    expect(page.locator("#map path.mm-permit")).to_have_count(1)  # shown on the map as well
    expect(page.locator("#permit-estimate")).to_contain_text("Summe (vorläufig)")

    _applicant(page)
    permit = _submit_and_confirm(page)
    assert 190 < float(permit.area_m2) < 210


def test_errors_from_the_estimate_button_and_the_submission_sit_beside_the_fields(page, site):
    page.goto(site + URL)
    page.get_by_role("button", name="Gebühr berechnen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Art der Sondernutzung: Bitte die Art der Sondernutzung wählen.")
    expect(page.locator("#field-geometry .errorlist")).to_contain_text("Geometrie fehlt")
    expect(summary).not_to_contain_text("Name")  # estimating does not ask for the applicant yet

    _what_and_when(page)
    bowtie = '{"type":"Polygon","coordinates":[[[13.755,51.065],[13.756,51.066],[13.756,51.065],[13.755,51.066],[13.755,51.065]]]}'
    page.get_by_label("Fläche als GeoJSON").fill(bowtie)
    page.get_by_role("button", name="Antrag absenden").click()
    expect(summary).to_be_focused()
    expect(page.locator("#field-geometry .errorlist")).to_contain_text("überschneidet sich selbst")
    expect(page.locator("#field-name .errorlist")).to_contain_text("Namen")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")
    assert Permit.objects.count() == 0


def test_layer_switch_on_the_report_map_shows_an_approved_active_permit(page, site):
    now = timezone.now()
    permit = approved_permit(start=now - dt.timedelta(minutes=30), end=now + dt.timedelta(days=2))
    page.goto(site + "/")
    _zoom_to(page, 51.06505, 13.75514, 17)
    switch = page.get_by_label("Baustellen & Sondernutzungen")
    expect(switch).not_to_be_checked()
    areas = page.locator("#map path.mm-permit")
    expect(areas).to_have_count(0)  # off until switched on

    switch.check()
    expect(areas).to_have_count(1)
    expect(areas).to_have_attribute("stroke-dasharray", "8 6")
    expect(areas).to_have_attribute("fill", "url(#mm-hatch)")
    areas.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Gerüst/Baustelleneinrichtung")
    expect(popup).to_contain_text("Dresden")
    expect(popup).to_contain_text(permit.public_id)
    expect(popup).to_contain_text(" bis ")
    html = page.content()
    for secret in SECRETS:
        assert secret not in html

    # moving away reloads for the new view: nothing there
    _zoom_to(page, 51.34, 12.37, 17)  # Leipzig
    expect(page.locator("#map")).to_have_attribute("data-permits-loaded", "0")
    switch.uncheck()
    expect(areas).to_have_count(0)


def test_the_list_page_has_the_same_layer_switch(page, site):
    page.goto(site + "/meldungen/")
    expect(page.get_by_label("Baustellen & Sondernutzungen")).to_be_visible()


def test_parking_permit_by_map_click_then_tracking_page(page, site):
    page.goto(site + "/parkausweis/beantragen/")
    map_box = page.locator("#map")
    expect(map_box).to_have_attribute("data-zones-loaded", "4")
    _zoom_to(page, 51.0670, 13.7550, 16)
    box = map_box.bounding_box()
    map_box.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(page.get_by_label("Breitengrad")).to_have_value(re.compile(r"^51,06\d{4}$"))  # as the hint
    page.get_by_label("Kennzeichen").fill("DD-XY 42")
    page.get_by_label("Name", exact=True).fill("Rita Rad")
    page.get_by_label("E-Mail", exact=True).fill("rita@example.org")
    page.get_by_label("Anschrift").fill("Alaunstraße 1, 01099 Dresden")
    page.get_by_role("button", name="Antrag absenden").click()

    expect(page).to_have_url(re.compile(r"/parkausweis/PA-[\w-]+/bestaetigung/$"))
    expect(page.get_by_role("heading", name="Vielen Dank – Ihr Antrag ist eingegangen")).to_be_visible()
    page.get_by_role("link", name="Antrag verfolgen").click()
    expect(page).to_have_url(re.compile(r"/parkausweis/PA-[\w-]+/verfolgen/[\w-]+/$"))
    expect(page.locator(".facts")).to_contain_text("Äußere Neustadt (N1), Dresden")
    expect(page.locator(".facts")).to_contain_text("30,70\u00a0€ pro Jahr")
    expect(page.locator(".facts")).to_contain_text("DD-XY 42")
    assert ParkingPermit.objects.get().zone.code == "N1"


def test_parking_refusal_names_the_nearest_zone_beside_the_place(page, site):
    page.goto(site + "/parkausweis/beantragen/")
    page.get_by_label("Breitengrad").fill("51,0520")
    page.get_by_label("Längengrad").fill("13,7550")
    page.get_by_label("Kennzeichen").fill("DD-XY 42")
    page.get_by_label("Name", exact=True).fill("Rita Rad")
    page.get_by_label("E-Mail", exact=True).fill("rita@example.org")
    page.get_by_label("Anschrift").fill("Altmarkt 1, 01067 Dresden")
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.locator("#field-location .errorlist")).to_contain_text("Johannstadt-Nord")
    expect(page.locator("#field-lat .errorlist")).to_have_count(0)
    assert ParkingPermit.objects.count() == 0


def test_draw_a_line_then_the_width_makes_it_an_area(page, site):
    page.goto(site + URL)
    map_box = page.locator("#map")
    expect(map_box.locator(".leaflet-overlay-pane path").first).to_be_attached()
    _what_and_when(page)
    _zoom_to(page, 51.06505, 13.75514, 18)
    page.get_by_role("button", name="Linie zeichnen").click()
    finish = page.get_by_role("button", name="Zeichnen beenden")
    expect(finish).to_be_visible()
    box = map_box.bounding_box()
    for dx in (-100, 0, 100):
        map_box.click(position={"x": box["width"] / 2 + dx, "y": box["height"] / 2})
    finish.click()
    expect(finish).to_be_hidden()
    expect(page.get_by_label("Fläche als GeoJSON")).to_have_value(re.compile(r'^\{"type":"LineString"'))
    expect(page.locator("#draw-status")).to_contain_text("Linie übernommen")
    expect(page.locator("#field-width_m .errorlist")).to_contain_text("Breite")  # live, beside the field

    page.get_by_label("Breite (m)").fill("2,5")
    page.get_by_label("Breite (m)").press("Tab")
    expect(page.locator("#permit-estimate")).to_contain_text("Summe (vorläufig)")
    expect(page.locator("#field-width_m .errorlist")).to_have_count(0)
    _applicant(page)
    permit = _submit_and_confirm(page)
    assert permit.input_line is not None and str(permit.width_m) == "2.50"
    assert float(permit.area_m2) == pytest.approx(permit.input_line.length * 2.5, abs=0.5)
