"""The forms on pages behind a personal link work in a real browser.

Those pages send a strict Referrer-Policy (interfaces.web.views.private_page). With ``no-referrer`` Chromium sends
``Origin: null`` with the page's POST forms and Django's CSRF check answered 403 — the Django test
client sends no Origin at all, so only a browser shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shared.subscriptions.models import Subscription
from shared.subscriptions.services import AreaRequest, area_subscribe
from shared.subscriptions.tokens import confirm_url
from tests.factories import make_report

pytestmark = pytest.mark.browser  # with the other browser tests, after the rest (tests/conftest.py)


def posts(page):
    return page.expect_response(lambda response: response.request.method == "POST")


def test_the_double_opt_in_button_confirms(transactional_db, page, site, settings):
    settings.SITE_URL = site
    area_subscribe(request=AreaRequest(email="anwohner@example.org", ags="14612000"))
    subscription = Subscription.objects.get(email="anwohner@example.org")
    page.goto(confirm_url(subscription))
    with posts(page) as answer:
        page.get_by_role("button", name="Ja, bestätigen").click()
    assert answer.value.status == 200 and answer.value.request.headers["origin"] == site
    subscription.refresh_from_db()
    assert subscription.confirmed is not None


def test_following_from_the_reporters_private_page(transactional_db, page, site):
    created = make_report(email="melder@example.org")
    page.goto(f"{site}/meldungen/{created.report.public_id}/verfolgen/{created.tracking_token}/")
    follow = page.locator("form.follow-form")
    follow.get_by_label("E-Mail-Adresse").fill("nachbarin@example.org")
    with posts(page) as answer:
        follow.get_by_role("button", name="Benachrichtigen").click()
    assert answer.value.status == 200
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("403")
    assert Subscription.objects.filter(email="nachbarin@example.org").exists()
