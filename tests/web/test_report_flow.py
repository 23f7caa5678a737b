"""The whole citizen flow in Chromium: report on the map or by coordinates, confirm, track."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from domains.reports.models import Report
from tests.factories import jpeg_bytes
from tests.web.conftest import new_context

pytestmark = pytest.mark.browser

DRESDEN_LAT, DRESDEN_LON = "51,0504", "13,7373"


def _photo(name: str = "schlagloch.jpg", size: tuple[int, int] = (3000, 2000)) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(size)}


def _uploaded_jpeg_size(body: bytes) -> tuple[int, int]:
    start = body.index(b"\xff\xd8\xff")
    return Image.open(io.BytesIO(body[start:])).size


def _describe(page, text: str = "Tiefes Schlagloch vor Hausnummer 5, etwa 40 cm breit") -> None:
    page.get_by_label("Kategorie").select_option(label="Schlagloch")
    page.get_by_label("Beschreibung").fill(text)


def test_report_by_typed_coordinates_with_photo_then_confirmation_and_tracking(page, site):
    page.goto(site + "/")
    expect(page.get_by_role("heading", name="Mängel melden")).to_be_visible()
    # our own borders layer is drawn although there is no basemap
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()

    page.get_by_label("Breitengrad").fill(DRESDEN_LAT)
    page.get_by_label("Längengrad").fill(DRESDEN_LON)
    page.get_by_label("Längengrad").press("Tab")
    expect(page.get_by_text("Zuständig: Dresden")).to_be_visible()
    expect(page.locator("#map .mm-pick")).to_be_visible()

    _describe(page)
    expect(page.get_by_text("52 von 4.000 Zeichen")).to_be_visible()
    page.get_by_label("Fotos").set_input_files(files=[_photo()])
    expect(page.get_by_role("img", name="Vorschau: schlagloch.jpg")).to_be_visible()

    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_role("button", name="Meldung absenden").click()
    # downscaled in the browser before upload: 3000×2000 → 1920×1280
    assert _uploaded_jpeg_size(posted.value.post_data_buffer) == (1920, 1280)

    expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()
    facts = page.locator(".facts")
    expect(facts).to_contain_text("Dresden")
    number = page.locator(".report-number").inner_text()
    report = Report.objects.get(public_id=number)
    assert (report.channel, report.commune.ags, report.category.slug) == ("web", "14612000", "schlagloch")
    assert report.photos.count() == 1

    page.get_by_role("link", name="Meldung verfolgen").click()
    expect(page).to_have_url(re.compile(rf"/meldungen/{number}/verfolgen/[\w-]+/$"))
    expect(page.get_by_text("Dies ist Ihr persönlicher Link")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Eingegangen")
    expect(page.get_by_role("img", name="Foto 1 zur Meldung")).to_be_visible()


def test_report_by_clicking_the_map(page, site):
    page.goto(site + "/")
    map_box = page.locator("#map")
    expect(map_box.locator(".leaflet-overlay-pane path").first).to_be_attached()
    # a function returning nothing: serialising the map object that setView returns takes seconds
    page.evaluate(
        "() => { document.getElementById('map').leafletMap.setView([51.0504, 13.7373], 16, {animate: false}); }"
    )
    box = map_box.bounding_box()
    map_box.click(position={"x": box["width"] / 2, "y": box["height"] / 2})

    expect(page.get_by_label("Breitengrad")).to_have_value(re.compile(r"^51,050\d{3}$"))  # as the hint
    expect(page.get_by_label("Längengrad")).to_have_value(re.compile(r"^13,73"))
    expect(page.get_by_text("Zuständig: Dresden")).to_be_visible()

    _describe(page, "Laterne flackert")
    page.get_by_role("button", name="Meldung absenden").click()
    expect(page.locator(".facts")).to_contain_text("Dresden")


def test_place_outside_saxony_is_named_before_submitting_and_errors_sit_beside_the_fields(page, site):
    page.goto(site + "/")
    page.get_by_label("Breitengrad").fill("50.0880")
    page.get_by_label("Längengrad").fill("14.4208")
    page.get_by_label("Längengrad").press("Tab")
    expect(page.locator("#responsible")).to_contain_text("außerhalb Sachsens")

    page.get_by_role("button", name="Meldung absenden").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Kategorie: Bitte wählen Sie eine Kategorie.")
    expect(summary).to_contain_text("Beschreibung: Bitte beschreiben Sie den Mangel.")
    expect(page.locator("#field-description .errorlist")).to_have_text("Bitte beschreiben Sie den Mangel.")
    description = page.get_by_label("Beschreibung")
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(description).to_have_attribute("aria-describedby", re.compile(r"id_description_error"))

    summary.get_by_role("link", name=re.compile("^Beschreibung")).click()
    expect(description).to_be_focused()
    assert Report.objects.count() == 0


def test_nearby_open_report_can_be_supported_before_reporting_again(page, site):
    from tests.factories import make_report

    existing = make_report(description="Schlagloch an der Haltestelle").report
    page.goto(site + "/")
    page.get_by_label("Breitengrad").fill("51.05041")
    page.get_by_label("Längengrad").fill("13.73731")
    page.get_by_label("Längengrad").press("Tab")
    nearby = page.get_by_role("region", name="Bereits gemeldet in der Nähe")
    expect(nearby).to_contain_text("Schlagloch an der Haltestelle")
    nearby.get_by_role("button", name="Ich bin auch betroffen").click()
    expect(nearby).to_contain_text("Danke! Betroffene: 1")
    existing.refresh_from_db()
    assert existing.supporters == 1


def test_the_same_flow_without_javascript(browser, site):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + "/")
        expect(page.get_by_text("Die Karte braucht JavaScript")).to_be_visible()
        expect(page.get_by_role("button", name="Meinen Standort verwenden")).to_be_hidden()

        # first a wrong submission: the server answers with the service's messages
        page.get_by_label("Breitengrad").fill("50.0880")
        page.get_by_label("Längengrad").fill("14.4208")
        page.get_by_role("button", name="Meldung absenden").click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("Bitte wählen Sie eine Kategorie.")
        expect(summary).to_contain_text("Der Ort liegt außerhalb Sachsens")
        expect(page.locator("#field-lat .errorlist")).to_contain_text("außerhalb Sachsens")
        expect(page.get_by_label("Breitengrad")).to_have_value("50.0880")  # input kept

        page.get_by_label("Breitengrad").fill(DRESDEN_LAT)
        page.get_by_label("Längengrad").fill(DRESDEN_LON)
        _describe(page)
        page.get_by_label("Fotos").set_input_files(files=[_photo(size=(800, 600))])
        page.get_by_label("E-Mail (optional)").fill("buerger@example.org")
        page.get_by_role("button", name="Meldung absenden").click()

        expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()
        expect(page.locator(".facts")).to_contain_text("Dresden")
        number = page.locator(".report-number").inner_text()
        report = Report.objects.get(public_id=number)
        assert report.reporter_email == "buerger@example.org"
        assert report.photos.count() == 1
        page.get_by_role("link", name="Meldung verfolgen").click()
        expect(page.get_by_role("heading", name=re.compile("Schlagloch"))).to_be_visible()
    finally:
        context.close()


def test_page_works_on_our_borders_when_basemap_tiles_fail(browser, site, settings):
    """The default basemap URL, but every tile request fails (aborted in the browser, nothing leaves it)."""
    settings.MAP_TILE_URL = (
        "https://sgx.geodatenzentrum.de/wmts_topplus_open/tile/1.0.0/web/default/WEBMERCATOR/{z}/{y}/{x}.png"
    )
    context = new_context(browser)
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    try:
        page.goto(site + "/")
        expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()
        expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("© BKG (2026)")
        page.get_by_label("Breitengrad").fill(DRESDEN_LAT)
        page.get_by_label("Längengrad").fill(DRESDEN_LON)
        page.get_by_label("Längengrad").press("Tab")
        expect(page.get_by_text("Zuständig: Dresden")).to_be_visible()
        assert failed and all("geodatenzentrum.de" in url for url in failed)
    finally:
        context.close()


def _report_with_email(page, site) -> None:
    page.goto(site + "/")
    page.get_by_label("Breitengrad").fill(DRESDEN_LAT)
    page.get_by_label("Längengrad").fill(DRESDEN_LON)
    _describe(page)
    page.get_by_label("E-Mail (optional)").fill("quittung@example.org")
    page.get_by_role("button", name="Meldung absenden").click()
    expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()


def test_confirmation_says_the_link_was_mailed_and_copies_it(browser, site):
    """Issue 26 (5): the receipt is announced and "Link kopieren" puts the tracking link on the clipboard."""
    context = new_context(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    _report_with_email(page, site)
    expect(
        page.get_by_text("Wir haben ihn auch per E-Mail an die angegebene Adresse geschickt.")
    ).to_be_visible()
    link = page.get_by_label("Link zum Kopieren").input_value()
    assert re.search(r"/meldungen/SN-[\w-]+/verfolgen/[\w-]+/$", link)
    page.get_by_role("button", name="Link kopieren").click()
    expect(page.get_by_role("status").filter(has_text="Link kopiert")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    context.close()


def test_confirmation_without_javascript_hides_the_copy_button_and_keeps_the_link(browser, site):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    _report_with_email(page, site)
    expect(page.get_by_role("button", name="Link kopieren")).to_be_hidden()
    assert "/verfolgen/" in page.get_by_label("Link zum Kopieren").input_value()
    context.close()
