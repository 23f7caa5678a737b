"""Staff pages on a phone (360×640, Chromium): the Bauhof header leaves the screen to the jobs, and a
permit refusal goes through its "Bitte bestätigen" step (issue 26, items 6 and 7)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from domains.permits.models import Permit
from domains.permits.services import PermitDraft, permit_create
from tests.permits.helpers import applicant, future
from tests.permits.test_conflicts import box
from tests.staff_world import PASSWORD
from tests.web.conftest import axe_serious, new_context, wait_for_stylesheets

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
# The header may take at most this share of the phone's height (it took a third before issue 26).
HEADER_SHARE_MAX = 0.2
DANGER = "rgb(179, 38, 30)"  # button.button--danger (--error of static/css/site.css) in staff.css


def phone_page(browser, site: str, username: str, next_url: str):
    context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{site}/anmelden/?next={next_url}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"), wait_until="load")
    return context, page


def test_the_crew_header_is_small_on_a_phone(browser, site, world):
    context, page = phone_page(browser, site, "crew_a", "/bauhof/")
    expect(page.get_by_role("heading", name="Meine Aufträge")).to_be_visible()
    nav = page.get_by_role("navigation", name="Verwaltung")
    expect(nav.get_by_role("link")).to_have_text(["Meine Aufträge", "Zwei-Faktor-Anmeldung"])
    # Measured once both stylesheets have applied.
    wait_for_stylesheets(page)
    height = page.evaluate("document.querySelector('header.staff-header').getBoundingClientRect().height")
    assert height <= PHONE["height"] * HEADER_SHARE_MAX, f"header {height} px of {PHONE['height']}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_serious(page) == []
    context.close()


@pytest.fixture
def permit(transactional_db, world) -> Permit:
    draft = PermitDraft(kind="geruest", geometry=box(), start=future(3), end=future(9), applicant=applicant())
    return permit_create(draft=draft).permit


def test_a_refusal_is_confirmed_on_a_phone(browser, site, world, permit):
    url = f"/verwaltung/sondernutzungen/{permit.public_id}/"
    context, page = phone_page(browser, site, "caseworker_a", url)
    decision = page.get_by_label("Entscheidung")
    expect(decision).to_have_value("")  # nothing preselected
    decision.select_option("rejected")
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    expect(page.get_by_role("heading", name="Bitte bestätigen")).to_be_visible()
    assert Permit.objects.get(pk=permit.pk).status == "submitted"  # nothing decided yet
    confirm = page.get_by_role("button", name="Abgelehnt: bestätigen")
    wait_for_stylesheets(page)
    assert confirm.evaluate("b => getComputedStyle(b).backgroundColor") == DANGER
    box_ = confirm.bounding_box()
    assert box_["x"] >= 0 and box_["x"] + box_["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_serious(page) == []
    # Without reasons the browser itself holds the form back (required), and the server would too.
    confirm.click()
    expect(page.get_by_role("heading", name="Bitte bestätigen")).to_be_visible()
    assert Permit.objects.get(pk=permit.pk).status == "submitted"
    page.get_by_label("Gründe der Ablehnung (stehen im Bescheid)").fill("Gehweg muss frei bleiben.")
    confirm.click()
    expect(page.get_by_text("Entscheidung gespeichert")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(permit.public_id))).to_be_visible()
    assert Permit.objects.get(pk=permit.pk).status == "rejected"
    context.close()
