"""Emergencies are diverted (issue 31.1) in the browser: at 360 px, with the keyboard only, choosing a
blocking danger category shows the emergency numbers at once; submitting is refused with the same text;
the page stays axe clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from domains.reports.models import Category, DangerMode, Report
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


def test_choosing_a_blocking_category_shows_the_numbers_keyboard_only_at_360_px(browser, site):
    Category.objects.filter(slug="ampel").update(danger_mode=DangerMode.BLOCK)
    context = new_context(browser, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site + "/")
    notice = page.locator("#danger-notice")
    expect(notice).to_be_hidden()
    for _ in range(80):  # Tab to the category select, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "id_category":
            break
    else:
        pytest.fail("the category select is not reachable with Tab")
    page.keyboard.type("Ampel")
    expect(page.locator("#id_category")).to_have_value("ampel")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Gefahr? Polizei 110 / Feuerwehr 112")
    box = notice.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert axe_serious(page) == []
    page.keyboard.press("Home")  # back to "Bitte wählen …": the notice goes away
    expect(page.locator("#id_category")).to_have_value("")
    expect(notice).to_be_hidden()
    assert Report.objects.count() == 0
    context.close()
