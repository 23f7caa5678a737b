"""The due date in Chromium (issue #30 item 5): on the crew's phone (360×640) the overdue job is marked in
the error colour and nothing is wider than the screen; the citizen's page says when we answer; axe finds
no serious issues on these pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from domains.reports.models import Report
from tests.staff_world import PASSWORD
from tests.web.conftest import axe_serious, new_context, wait_for_stylesheets

pytestmark = pytest.mark.browser


def test_crew_sees_due_and_overdue_on_a_phone(browser, site, transactional_db, world):
    Report.objects.filter(pk=world.own.pk).update(due=timezone.now() - dt.timedelta(hours=2))
    context = new_context(browser, viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site + "/anmelden/?next=/bauhof/")
    page.get_by_label("Benutzername").fill("crew_a")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Meine Aufträge")).to_be_visible()
    marker = page.locator(".job .overdue")
    expect(marker).to_contain_text("(überfällig)")
    wait_for_stylesheets(page)
    error = page.evaluate(
        "(() => { const s = document.createElement('span'); s.style.color = 'var(--error)';"
        " document.body.append(s); const c = getComputedStyle(s).color; s.remove(); return c; })()"
    )
    assert error not in ("", "rgb(0, 0, 0)") and marker.evaluate("e => getComputedStyle(e).color") == error
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_serious(page) == []

    page.locator(".job-link").first.click()
    expect(page.locator("p.due")).to_contain_text("Fällig bis")
    expect(page.locator("p.due strong")).to_have_text("überfällig")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_serious(page) == []
    context.close()


def test_the_citizens_page_says_when_we_answer(page, site, transactional_db, world):
    Report.objects.filter(pk=world.other.pk).update(due=dt.datetime(2027, 11, 22, 22, 59, tzinfo=dt.UTC))
    page.goto(f"{site}/meldungen/{world.other.public_id}/")
    expect(page.locator("p.deadline")).to_have_text("Wir melden uns bis Montag, 22. November 2027.")
    assert axe_serious(page) == []
