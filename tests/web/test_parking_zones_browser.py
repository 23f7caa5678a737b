"""The commune admin walks upload → review → publish of parking zones in Chromium (issue 29.4), with
and without JavaScript: the forms work alone; with JavaScript the review map labels each zone."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from domains.permits.models import ParkingZone
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser

NEUSTADT = [[13.745, 51.060], [13.765, 51.060], [13.765, 51.070], [13.745, 51.070], [13.745, 51.060]]


def _zone_file(tmp_path) -> str:
    feature = {
        "type": "Feature",
        "properties": {"Bezeichnung": "Neustadt", "Kennung": "NS", "Gebuehr": 45},
        "geometry": {"type": "Polygon", "coordinates": [NEUSTADT]},
    }
    path = tmp_path / "parkgebiete.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return str(path)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_admin_uploads_reviews_and_publishes_zones(
    browser, site, transactional_db, world, tmp_path, javascript
):
    context = new_context(browser, java_script_enabled=javascript)
    client = Client()
    login(client, "admin_a")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    page = context.new_page()
    try:
        page.goto(site + "/verwaltung/einstellungen/")
        page.get_by_role("link", name="Bewohnerparkgebiete (Upload)").click()
        expect(page.get_by_role("heading", name="Bewohnerparkgebiete: Dresden")).to_be_visible()
        page.get_by_label("Datei mit den Gebieten").set_input_files(_zone_file(tmp_path))
        page.get_by_role("button", name="Hochladen und prüfen").click()
        expect(page.get_by_role("heading", name="Entwurf prüfen: parkgebiete.geojson")).to_be_visible()
        table = page.get_by_role("table", name="Gebiete im Entwurf")
        expect(table.get_by_role("row", name="Neustadt")).to_contain_text("45,00 €")
        expect(
            page.get_by_label("Jahresgebühr in Euro (optional, sonst der Tarif für Bewohnerparken)")
        ).to_have_value("Gebuehr")
        if javascript:
            expect(page.locator(".mm-zone-label", has_text="1. Neustadt (NS), 45,00 €")).to_be_visible()
        if javascript:  # axe is a script: it runs only where scripts do (the HTML is the same)
            assert axe_serious(page) == []
        page.get_by_role("button", name="Veröffentlichen").click()
        expect(page.get_by_text("1 Bewohnerparkgebiete veröffentlicht.")).to_be_visible()
        published = page.get_by_role("table", name="Aktuelle Bewohnerparkgebiete")
        expect(published.get_by_role("row", name="Neustadt")).to_contain_text("45,00 €")
        if javascript:  # axe is a script: it runs only where scripts do (the HTML is the same)
            assert axe_serious(page) == []
    finally:
        context.close()
    assert list(ParkingZone.objects.filter(ags="14612000", active=True).values_list("code", flat=True)) == [
        "NS"
    ]
