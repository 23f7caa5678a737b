"""The parking thank-you page in Chromium (issue 26, item 5): "Link kopieren" puts the tracking link on
the clipboard; without JavaScript the button stays hidden and the link stays selectable text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import new_context

pytestmark = pytest.mark.browser


def _apply(page, site: str) -> None:
    """Typed coordinates (the accessible way, no map click needed) inside zone N1 of Dresden."""
    page.goto(site + "/parkausweis/beantragen/")
    page.get_by_label("Breitengrad").fill("51,0670")
    page.get_by_label("Längengrad").fill("13,7550")
    page.get_by_label("Kennzeichen").fill("DD-XY 42")
    page.get_by_label("Name", exact=True).fill("Rita Rad")
    page.get_by_label("E-Mail", exact=True).fill("rita@example.org")
    page.get_by_label("Anschrift").fill("Alaunstraße 1, 01099 Dresden")
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.get_by_role("heading", name="Vielen Dank – Ihr Antrag ist eingegangen")).to_be_visible()


def test_the_thank_you_page_copies_the_tracking_link(browser, site):
    context = new_context(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    _apply(page, site)
    expect(
        page.get_by_text("Wir haben ihn auch per E-Mail an die angegebene Adresse geschickt.")
    ).to_be_visible()
    link = page.get_by_label("Link zum Kopieren").input_value()
    assert re.search(r"/parkausweis/PA-[\w-]+/verfolgen/[\w-]+/$", link)
    page.get_by_role("button", name="Link kopieren").click()
    expect(page.get_by_role("status").filter(has_text="Link kopiert")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    context.close()


def test_without_javascript_the_link_stays_and_the_button_is_hidden(browser, site):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    _apply(page, site)
    expect(page.get_by_role("button", name="Link kopieren")).to_be_hidden()
    assert "/verfolgen/" in page.get_by_label("Link zum Kopieren").input_value()
    context.close()
