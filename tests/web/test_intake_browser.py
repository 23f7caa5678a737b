"""A caseworker takes a phone report in Chromium (issue 30.2): channel "Telefon", the place by a click in
the map, category and the caller's e-mail; the report page afterwards says it was taken by phone and that
the receipt went out. The form has no serious axe findings, before and after a wrong submission."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from domains.reports.models import Report
from domains.reports.notify import RECEIPT_KIND
from kernel.notifications.models import OutgoingMail
from tests.web.conftest import axe_serious, new_context
from tests.web.test_office_browser import _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def intake_page(browser, site, transactional_db, world):
    context = new_context(browser)
    _sign_in(context, site, "caseworker_a")
    page = context.new_page()
    yield page
    context.close()


def test_phone_intake_with_map_click_and_receipt(intake_page, site, world):
    page = intake_page
    page.goto(site + "/verwaltung/meldungen/neu/")
    expect(page.get_by_role("heading", name="Meldung aufnehmen")).to_be_visible()
    expect(page.get_by_label("Telefon", exact=True)).to_be_checked()  # the usual case is preselected
    assert axe_serious(page) == []

    # Sent without a place or description: the messages stand at the fields, nothing is stored.
    page.get_by_role("button", name="Meldung aufnehmen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#field-description")).to_contain_text("Bitte beschreiben Sie den Mangel.")
    assert axe_serious(page) == []

    # The map sets the coordinates (centre of the Dresden view is inside Dresden).
    map_box = page.locator("#map")
    expect(map_box.locator(".leaflet-tile-container, .leaflet-pane").first).to_be_attached()
    page.locator("#id_lat").fill("51.0514")
    page.locator("#id_lon").fill("13.7373")
    page.locator("#id_lon").dispatch_event("change")
    expect(map_box.locator(".mm-pick")).to_be_visible()  # the pin follows typed coordinates
    box = map_box.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#id_lat")).not_to_have_value("51.0514")  # the click moved the place
    page.locator("#id_lat").fill("51.0514")
    page.locator("#id_lon").fill("13.7373")
    page.get_by_label("Kategorie").select_option("schlagloch")
    page.get_by_label("Beschreibung", exact=True).fill("Anrufer: Schlagloch vor Hausnummer 3")
    page.get_by_label("E-Mail (optional)").fill("anrufer@example.org")
    page.get_by_role("button", name="Meldung aufnehmen").click()

    expect(page.locator(".messages")).to_contain_text("aufgenommen")
    expect(page.locator(".messages")).to_contain_text("Eingangsbestätigung mit dem Verfolgungslink geht an")
    report = Report.objects.order_by("-pk").first()
    expect(page.locator("body")).to_contain_text("über Telefon (aufgenommen von caseworker_a)")
    assert report.channel == "telefon" and report.created_by.username == "caseworker_a"
    assert OutgoingMail.objects.filter(kind=RECEIPT_KIND, to="anrufer@example.org").count() == 1
