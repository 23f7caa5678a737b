"""A caseworker blacks out a licence plate on a report photo in Chromium at 360 px (issue 31.5): with the
keyboard only (no JavaScript: the number rows) and by drawing a box with JavaScript; the public image,
decoded, is black there; no serious axe findings, no sideways scrolling."""

from __future__ import annotations

import io
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from domains.reports.models import ReportPhoto
from tests.factories import make_report, photo
from tests.reports.test_photo_redaction import assert_black, bright_jpeg
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


def _sign_in(context, site: str, username: str) -> None:
    client = Client()
    login(client, username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])


def _public_image(site: str, shot: ReportPhoto) -> Image.Image:
    with urllib.request.urlopen(f"{site}{shot.image.url}") as response:  # noqa: S310 - the live server
        return Image.open(io.BytesIO(response.read())).convert("RGB")


@pytest.mark.parametrize("javascript", [False, True], ids=["keyboard-no-js", "draw-js"])
def test_caseworker_redacts_a_photo_at_360_px(browser, site, transactional_db, world, javascript):
    shot = make_report(photos=[photo(data=bright_jpeg())]).report.photos.get()
    old_url = shot.image.url
    context = new_context(
        browser, java_script_enabled=javascript, viewport={"width": 360, "height": 740}, has_touch=True
    )
    _sign_in(context, site, "caseworker_a")
    page = context.new_page()
    try:
        page.goto(f"{site}/verwaltung/meldungen/{shot.report.public_id}/")
        page.get_by_role("link", name="Foto 1 schwärzen").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Foto schwärzen")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if javascript:  # axe runs in the page, so only with JavaScript; the markup is the same without
            assert axe_serious(page) == []
            expect(page.get_by_text("mit Maus oder Finger")).to_be_visible()
            box = page.locator("#redact-image").bounding_box()
            scale = box["width"] / 800
            page.mouse.move(box["x"] + 100 * scale, box["y"] + 80 * scale)
            page.mouse.down()
            page.mouse.move(box["x"] + 300 * scale, box["y"] + 200 * scale, steps=5)
            page.mouse.up()
            expect(page.locator("#box-0-w")).not_to_have_value("")
            expect(page.locator(".redact-box")).to_have_count(1)
            expected = [int(page.locator(f"#box-0-{n}").input_value()) for n in ("x", "y", "w", "h")]
            assert abs(expected[0] - 100) <= 3 and abs(expected[2] - 200) <= 6
            page.get_by_role("button", name="Bereiche schwärzen").click()
        else:
            expected = [100, 80, 200, 120]
            page.locator("#box-0-x").focus()
            for value in expected:  # the keyboard only: type, Tab to the next field
                page.keyboard.type(str(value))
                page.keyboard.press("Tab")
            page.keyboard.press("Enter")  # submits the form from the focused field's form
        expect(page.get_by_text("Foto geschwärzt.", exact=False)).to_be_visible()
        if javascript:
            assert axe_serious(page) == []
        shot.refresh_from_db()
        assert shot.image.url != old_url and shot.redactions == [expected]
        assert_black(_public_image(site, shot), [expected], 1.0)
        try:
            urllib.request.urlopen(f"{site}{old_url}")  # noqa: S310
            raise AssertionError("the old public URL still answers")
        except urllib.error.HTTPError as gone:
            assert gone.code == 404
    finally:
        context.close()
