"""English mode shows English category names (issue 26, "smaller" list: "English mode with German
categories"): after switching the language, the report form offers "Pothole" in "Roads & pavements", and
the confirmation and the public report page name the filed report "Pothole" — not "Schlagloch"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_english_reporter_picks_and_sees_the_english_category_name(page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    category = page.locator("select[name=category]")
    expect(category.locator("optgroup[label='Roads & pavements'] option", has_text="Pothole")).to_have_count(
        1
    )
    expect(category.locator("option", has_text="Schlagloch")).to_have_count(0)
    category.select_option(label="Pothole")
    page.locator("[name=lat]").fill("51.0504")
    page.locator("[name=lon]").fill("13.7373")
    page.locator("[name=description]").fill("Deep hole in the road")
    page.get_by_role("button", name="Submit report").click()

    expect(page).to_have_url(re.compile(r"/meldungen/[^/]+/bestaetigung/$"))
    expect(page.locator("main")).to_contain_text("Pothole")
    public_id = re.search(r"/meldungen/([^/]+)/bestaetigung/", page.url).group(1)

    page.goto(f"{site}/meldungen/{public_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pothole")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Schlagloch")

    page.goto(f"{site}/meldungen/{public_id}/?lang=de")  # and back: the German name again
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schlagloch")
