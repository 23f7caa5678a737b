"""The reports map: vector tiles (counts) when zoomed out, GeoJSON (every report) when zoomed in."""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import expect

from tests.factories import DRESDEN, LEIPZIG, make_report

pytestmark = pytest.mark.browser

BADGE_TOTAL = """() => [...document.querySelectorAll('#map .mm-cluster')]
    .reduce((sum, el) => sum + Number(el.textContent.replace(/\\D/g, '')), 0)"""


def _seed() -> list:
    dresden = [make_report(lonlat=(DRESDEN[0] + i * 0.01, DRESDEN[1])).report for i in range(3)]
    return [*dresden, make_report(lonlat=LEIPZIG).report]


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _set_view(page, lon: float, lat: float, zoom: float) -> None:
    # a function returning nothing: serialising the map object that setView returns takes seconds
    page.evaluate(
        f"() => {{ document.getElementById('map').leafletMap.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}"
    )


def _is_bbox_request(url: str) -> bool:
    return "/api/v1/reports/?" in url and "bbox=" in url


def test_statewide_map_shows_tile_counts_and_zoomed_in_the_reports_themselves(page, site):
    reports = _seed()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(site + "/meldungen/")
    map_box = page.locator("#map")
    expect(map_box).to_have_attribute("data-reports-mode", "tiles")
    # every report is counted: the badges (one per commune at this zoom) add up to all of them
    page.wait_for_function(f"() => ({BADGE_TOTAL})() === {len(reports)}")
    assert int(map_box.get_attribute("data-tile-features")) == 2  # Dresden and Leipzig
    expect(map_box.get_by_title("Dresden: 3 Meldungen")).to_be_attached()
    expect(map_box.get_by_title("Leipzig: 1 Meldung")).to_be_attached()
    assert any("/tiles/reports/" in u and u.endswith(".pbf") for u in urls)
    assert not any(_is_bbox_request(u) for u in urls)

    # zoomed in: GeoJSON for the visible area, a marker per report, no more tiles
    target = reports[0]
    with page.expect_request(lambda r: _is_bbox_request(r.url)):
        _set_view(page, DRESDEN[0], DRESDEN[1], 16)  # where reports[0] is
    expect(map_box).to_have_attribute("data-reports-mode", "geojson")
    expect(map_box.locator(f'.leaflet-marker-icon[title$="({target.public_id})"]')).to_be_attached()
    expect(map_box).not_to_have_attribute("data-reports-loaded", "0")
    expect(map_box.locator(".mm-cluster")).to_have_count(0)

    # zoomed out again: back to tiles, the badge total is complete again
    _set_view(page, DRESDEN[0], DRESDEN[1], 11)
    expect(map_box).to_have_attribute("data-reports-mode", "tiles")
    page.wait_for_function(
        f"() => ({BADGE_TOTAL})() + document.querySelectorAll('#map .mm-marker').length === 3"
    )
    # a single report from a tile: status symbol, title with its number, a popup linking to its page
    single = reports[1]
    map_box.locator(f'.leaflet-marker-icon[title$="({single.public_id})"]').click()
    expect(map_box.get_by_role("link", name=f"Meldung {single.public_id}")).to_have_attribute(
        "href", f"/meldungen/{single.public_id}/"
    )

    # a count badge zooms in when clicked
    _set_view(page, 13.0, 51.0, 7)
    badge = map_box.get_by_title("Dresden: 3 Meldungen")
    badge.click()
    page.wait_for_function("() => document.getElementById('map').leafletMap.getZoom() === 9")


def test_tile_filters_and_the_commune_page_stays_on_geojson(page, site):
    _seed()
    with page.expect_request(lambda r: "/tiles/reports/" in r.url) as tile_request:
        page.goto(site + "/meldungen/?status=open&category=schlagloch")
    assert "status=open" in tile_request.value.url and "category=schlagloch" in tile_request.value.url
    expect(page.locator("#map")).to_have_attribute("data-reports-mode", "tiles")
    page.wait_for_function(f"() => ({BADGE_TOTAL})() === 4")

    # the tiles cannot filter by commune: that page loads GeoJSON at every zoom
    with page.expect_request(lambda r: _is_bbox_request(r.url) and "commune=14612000" in r.url):
        page.goto(site + "/gemeinden/14612000/")
    expect(page.locator("#map")).to_have_attribute("data-reports-mode", "geojson")


def test_decoder_reads_the_server_tile(page, site):
    reports = _seed()
    page.goto(site + "/meldungen/")
    z = 16
    x, y = _tile_xy(DRESDEN[0], DRESDEN[1], z)
    decoded = page.evaluate(
        """async (url) => {
            const r = await fetch(url);
            const layers = MM.decodeTile(await r.arrayBuffer());
            const l = layers.reports;
            return {names: Object.keys(layers), extent: l.extent,
                    features: l.features.map(f => ({type: f.type, props: f.properties, points: f.points}))};
        }""",
        f"{site}/tiles/reports/{z}/{x}/{y}.pbf",
    )
    assert decoded["names"] == ["reports"]
    assert decoded["extent"] == 4096
    inside = [f for f in decoded["features"] if all(0 <= c < 4096 for c in f["points"][0])]
    assert {f["props"]["id"] for f in inside} == {reports[0].public_id}
    feature = inside[0]
    assert feature["type"] == 1  # POINT
    assert feature["props"] == {
        "id": reports[0].public_id,
        "status": reports[0].status,
        "category": "schlagloch",
        "count": 1,
    }
    # the point decodes to where the report is (within a metre or so)
    px, py = feature["points"][0]
    n = 2**z
    lon = (x + px / 4096) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + py / 4096) / n))))
    assert abs(lon - DRESDEN[0]) < 1e-4 and abs(lat - DRESDEN[1]) < 1e-4


def test_after_ones_own_report_the_map_asks_for_tiles_under_new_urls(page, site):
    """Tiles may stay in a browser or CDN cache for a minute; after one's own report the page asks for
    them under URLs no cache holds (v=…), so the new report is counted at once. (The test browser's HTTP
    cache is off — request routing disables it — so the v=… URLs are what this can check.)"""
    make_report(lonlat=DRESDEN)
    page.goto(site + "/meldungen/")
    map_box = page.locator("#map")
    expect(map_box.get_by_title("Dresden: 1 Meldung")).to_be_attached()

    page.goto(site + "/")  # the form page: its CSRF cookie, then a plain form POST as without JavaScript
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    form = {"lat": "51,05", "lon": "13,74", "category": "schlagloch", "description": "Loch in der Fahrbahn"}
    form["csrfmiddlewaretoken"] = token
    answer = page.request.post(site + "/", form=form, headers={"Referer": site + "/"}, max_redirects=0)
    assert answer.status == 302

    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(site + "/meldungen/")
    expect(map_box.get_by_title("Dresden: 2 Meldungen")).to_be_attached()
    assert any("/tiles/reports/" in u and "v=" in u for u in urls)
