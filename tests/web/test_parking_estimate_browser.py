"""Zone and fee live on the parking form in Chromium (issue 26): typed coordinates ask the server for the
zone and fee before submitting; a place outside every zone is named at the place, and correcting it
clears that message and its summary entry (no stale errors)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from domains.permits.models import ParkingPermit

pytestmark = pytest.mark.browser
URL = "/parkausweis/beantragen/"


def _type_place(page, lat: str, lon: str) -> None:
    page.get_by_label("Breitengrad").fill(lat)
    page.get_by_label("Längengrad").fill(lon)
    page.get_by_label("Längengrad").press("Tab")  # "change": the script asks for zone and fee


def test_zone_and_fee_appear_as_the_place_is_typed(page, site):
    page.goto(site + URL)
    _type_place(page, "51,0670", "13,7550")
    box = page.locator("#parking-estimate")
    expect(box).to_contain_text("Äußere Neustadt (N1), Dresden")
    expect(box).to_contain_text("30,70\u00a0€ pro Jahr")
    assert ParkingPermit.objects.count() == 0


def test_a_refusal_sits_at_the_place_and_goes_once_the_place_is_corrected(page, site):
    page.goto(site + URL)
    page.get_by_role("button", name="Antrag absenden").click()  # everything missing: the summary lists it
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Kennzeichen")
    _type_place(page, "51,0520", "13,7550")
    place_error = page.locator("#field-location .errorlist")
    expect(place_error).to_contain_text("Johannstadt-Nord")
    expect(page.locator("#field-lat .errorlist")).to_have_count(0)

    _type_place(page, "51,0670", "13,7550")
    expect(page.locator("#parking-estimate")).to_contain_text("Äußere Neustadt (N1)")
    expect(place_error).to_have_count(0)
    # the plate is still missing, and its summary entry stays until it is corrected
    expect(summary.get_by_role("link", name="Kennzeichen", exact=False)).to_have_count(1)
    page.get_by_label("Kennzeichen").fill("DD-XY 42")
    expect(page.locator("#field-licence_plate .errorlist")).to_have_count(0)
    expect(summary.get_by_role("link", name="Kennzeichen", exact=False)).to_have_count(0)
