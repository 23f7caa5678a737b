"""A caseworker marks a report „intern“ in Chromium, with and without JavaScript, and back: the badge shows,
the public page is gone, the reporter's link says the report is not public; no serious axe findings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.factories import make_report
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


def _sign_in(context, site: str, username: str) -> None:
    client = Client()
    login(client, username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_caseworker_marks_a_report_internal_and_public_again(
    browser, site, transactional_db, world, javascript
):
    created = make_report(description="Schlagloch vor Hausnummer 5")
    public_id = created.report.public_id
    context = new_context(browser, java_script_enabled=javascript)
    _sign_in(context, site, "caseworker_a")
    page = context.new_page()
    citizen = new_context(browser, java_script_enabled=javascript).new_page()
    try:
        page.goto(f"{site}/verwaltung/meldungen/{public_id}/")
        page.get_by_label("Grund (nur im internen Verlauf)").fill("Nennt eine Privatperson")
        page.get_by_role("button", name="Als intern markieren").click()
        expect(page.get_by_text("Die Meldung ist jetzt intern", exact=False)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text("intern")
        if javascript:
            assert axe_serious(page) == []

        gone = citizen.goto(f"{site}/meldungen/{public_id}/")
        assert gone is not None and gone.status == 404
        citizen.goto(f"{site}/meldungen/{public_id}/verfolgen/{created.tracking_token}/")
        expect(citizen.get_by_text("Nicht öffentlich.", exact=False)).to_be_visible()
        if javascript:
            assert axe_serious(citizen) == []

        page.get_by_role("button", name="Wieder öffentlich machen").click()
        expect(page.get_by_text("Die Meldung ist wieder öffentlich.")).to_be_visible()
        back = citizen.goto(f"{site}/meldungen/{public_id}/")
        assert back is not None and back.status == 200
    finally:
        context.close()
        citizen.context.close()
