"""A caseworker corrects a report in Chromium (issue #30 item 1): another category from the list, then
the right place picked on the report's map (the map fills in latitude and longitude), then a typed place
in Leipzig that hands the report over — and the page has no serious axe findings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from domains.reports.models import Report
from tests.factories import LEIPZIG
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def caseworker_page(browser, site, transactional_db, world):
    context = new_context(browser)
    client = Client()
    login(client, "caseworker_a")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    yield context.new_page()
    context.close()


def test_caseworker_corrects_category_and_place(caseworker_page, site, world):
    page, report = caseworker_page, world.own
    page.goto(f"{site}/verwaltung/meldungen/{report.public_id}/")
    assert axe_serious(page) == []

    page.get_by_label("Neue Kategorie").select_option(label="Straßenlaterne defekt")
    page.locator("#id_cc_reason").fill("Foto zeigt eine Laterne")
    page.get_by_role("button", name="Kategorie ändern").click()
    expect(page.get_by_text("Kategorie geändert.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Straßenlaterne defekt")

    # The map picks the place: a tap right of the marker fills in the form's coordinates.
    expect(page.locator("#move-map-hint")).to_be_visible()
    lon_field = page.get_by_label("Längengrad (WGS84)")
    expect(lon_field).to_have_value("13.7373")
    box = page.locator("#report-map").bounding_box()
    page.locator("#report-map").click(position={"x": box["width"] / 2 + 80, "y": box["height"] / 2})
    expect(lon_field).not_to_have_value("13.7373")
    picked_lon = float(lon_field.input_value())
    assert 13.7374 < picked_lon < 13.75
    page.get_by_role("button", name="Ort speichern").click()
    expect(page.get_by_text("Ort korrigiert.")).to_be_visible()
    report.refresh_from_db()
    assert abs(report.location.transform(4326, clone=True).x - picked_lon) < 1e-5
    assert report.category.slug == "strassenlaterne" and report.organisation == world.dresden

    # Typed by hand: a place in Leipzig hands it over; the caseworker lands on the queue, told so.
    page.get_by_label("Breitengrad (WGS84)").fill(str(LEIPZIG[1]))
    lon_field.fill(str(LEIPZIG[0]))
    page.get_by_role("button", name="Ort speichern").click()
    expect(page.get_by_text(f"liegt jetzt bei {world.leipzig.name}")).to_be_visible()
    assert page.url == f"{site}/verwaltung/"
    assert Report.objects.get(pk=report.pk).organisation == world.leipzig
    assert page.goto(f"{site}/verwaltung/meldungen/{report.public_id}/").status == 404
