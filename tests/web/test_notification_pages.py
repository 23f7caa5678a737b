"""Browser: the follow form on a report page and /benachrichtigungen/ pass axe (no serious/critical issues),
with and without errors shown; an area drawn on the map fills the GeoJSON field and is accepted."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from shared.subscriptions.models import Subscription
from tests.factories import make_report
from tests.web.conftest import axe_serious

pytestmark = pytest.mark.browser


def test_axe_on_follow_form_and_notifications_page(page, site):
    report = make_report().report
    page.goto(f"{site}/meldungen/{report.public_id}/")
    page.wait_for_load_state("networkidle")
    assert axe_serious(page) == []
    page.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    page.get_by_role("button", name="Benachrichtigen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []
    page.get_by_label("E-Mail-Adresse").fill("nachbar@example.org")
    page.get_by_role("button", name="Benachrichtigen").click()
    expect(page.get_by_role("heading", name="Bitte prüfen Sie Ihr Postfach")).to_be_visible()
    assert axe_serious(page) == []

    page.goto(f"{site}/benachrichtigungen/")
    page.wait_for_load_state("networkidle")
    assert axe_serious(page) == []
    page.get_by_role("button", name="Benachrichtigung einrichten").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []


def test_area_drawn_on_the_map_fills_the_field_and_the_server_checks_its_size(page, site):
    """The map starts with all of Saxony, so a 40-pixel square is some 15 km wide: refused in German,
    with the drawn area kept in the field for a second try."""
    page.goto(f"{site}/benachrichtigungen/")
    form = page.get_by_role("form", name="Neue Meldungen in Ihrer Gegend")
    form.get_by_role("button", name="Gebiet zeichnen").click()
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-20, -20), (20, -20), (20, 20), (-20, 20), (-20, -20)]:
        page.mouse.click(cx + dx, cy + dy)
    field = form.get_by_label("Oder ein Gebiet als GeoJSON")
    expect(field).to_have_value(re.compile('"type":"Polygon"'))
    drawn = json.loads(field.input_value())
    form.get_by_label("E-Mail-Adresse").fill("zeichnerin@example.org")
    form.get_by_role("button", name="Benachrichtigung einrichten").click()
    expect(page.get_by_role("alert")).to_contain_text("erlaubt sind höchstens 100 km²")
    assert json.loads(page.get_by_label("Oder ein Gebiet als GeoJSON").input_value()) == drawn
    assert not Subscription.objects.exists()
