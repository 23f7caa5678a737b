"""Keyboard-only use of the form, and an axe-core scan of the main pages (no serious/critical issues)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from domains.reports.models import Report
from tests.factories import jpeg_bytes, make_report, photo, set_status
from tests.web.conftest import axe_serious, wait_for_stylesheets

pytestmark = pytest.mark.browser


def _is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, *, limit: int = 25) -> int:
    """Press Tab until ``locator`` has the focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if _is_focused(locator):
            return presses
    raise AssertionError(f"{locator} not reachable with {limit} × Tab")


def _focus_ring(locator) -> str:
    wait_for_stylesheets(locator.page)
    return locator.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).boxShadow")


def _choose_file_by_keyboard(page) -> None:
    """Open the file dialog from the keyboard (Space, else Enter — both open it in Chromium) and pick a
    JPEG there; the dialog itself belongs to the operating system, not to the page."""
    for key in ("Space", "Enter"):
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeoutError:
            continue
        chooser.value.set_files(
            files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
        )
        return
    raise AssertionError("the file dialog does not open from the keyboard")


def test_keyboard_only_report_from_skip_link_to_confirmation(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    latitude = page.get_by_label("Breitengrad")
    tab_to(page, latitude)
    assert "solid" in _focus_ring(latitude)
    page.keyboard.type("51,0504")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Längengrad")).to_be_focused()
    page.keyboard.type("13,7373")
    tab_to(page, page.get_by_label("Kategorie"), limit=3)
    expect(page.get_by_text("Zuständig: Dresden")).to_be_visible()
    page.keyboard.type("Schlag")  # type-ahead in the closed select
    expect(page.get_by_label("Kategorie")).to_have_value("schlagloch")
    page.keyboard.press("Tab")  # the step that loads the category's questions (issue 31.2) comes next
    expect(page.get_by_role("button", name="Kategorie wählen")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Beschreibung")).to_be_focused()
    page.keyboard.type("Schlagloch, mit der Tastatur gemeldet")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Fotos")).to_be_focused()
    _choose_file_by_keyboard(page)
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-Mail (optional)")).to_be_focused()
    submit = page.get_by_role("button", name="Meldung absenden")
    tab_to(page, submit, limit=3)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()
    report = Report.objects.get(public_id=page.locator(".report-number").inner_text())
    assert (report.commune.name, report.photos.count()) == ("Dresden", 1)
    tracking = page.get_by_role("link", name="Meldung verfolgen")
    tab_to(page, tracking, limit=15)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/verfolgen/"))


def test_keyboard_user_reaches_errors_through_the_summary(page, site):
    page.goto(site + "/")
    submit = page.get_by_role("button", name="Meldung absenden")
    tab_to(page, submit, limit=40)
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    first_link = summary.get_by_role("link").first
    expect(first_link).to_be_focused()
    expect(first_link).to_contain_text("Breitengrad")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Breitengrad")).to_be_focused()


def _scan(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = axe_serious(page)
    assert violations == [], violations


def test_axe_finds_no_serious_issues_on_form_confirmation_and_report_page(page, site):
    resolved = make_report(photos=[photo()]).report
    set_status(resolved, "resolved", public_note="Erledigt am Montag")
    _scan(page, site + "/")

    # the form with every error shown
    page.get_by_role("button", name="Meldung absenden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []

    page.get_by_label("Breitengrad").fill("51.0504")
    page.get_by_label("Längengrad").fill("13.7373")
    page.get_by_label("Kategorie").select_option(label="Schlagloch")
    page.get_by_label("Beschreibung").fill("Für den Barrierefreiheitstest")
    page.get_by_role("button", name="Meldung absenden").click()
    expect(page.get_by_role("heading", name=re.compile("Vielen Dank"))).to_be_visible()
    assert axe_serious(page) == []

    _scan(page, f"{site}/meldungen/{resolved.public_id}/")
    _scan(page, f"{site}/meldungen/")
    _scan(page, f"{site}/gemeinden/14612000/")
    _scan(page, f"{site}/datenschutz/")


def test_english_interface_via_language_link(page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Description")).to_be_visible()
    expect(page.get_by_role("button", name="Submit report")).to_be_visible()
    page.get_by_role("link", name="Reports", exact=True).click()  # the choice is remembered
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Meldungen", exact=True)).to_be_visible()


def test_axe_finds_no_serious_issues_on_the_application_pages(page, site):
    from django.utils import timezone

    from domains.permits.services import parking_apply, parking_decide
    from kernel.cases.tracking import tracking_token
    from tests.web.permit_data import approved_permit, caseworker, geojson_text, local_input

    _scan(page, site + "/sondernutzung/beantragen/")
    # with every error shown, then with the estimate (fee table) shown
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []
    page.get_by_label("Art der Sondernutzung").select_option(label="Gerüst/Baustelleneinrichtung")
    page.get_by_label("Beginn", exact=True).fill(local_input(3))
    page.get_by_label("Ende", exact=True).fill(local_input(5))
    page.get_by_label("Fläche als GeoJSON").fill(geojson_text())
    page.get_by_role("button", name="Gebühr berechnen").click()
    expect(page.locator("#permit-estimate .fee-total")).to_be_visible()
    assert axe_serious(page) == []
    page.get_by_label("Name", exact=True).fill("Gerda Geheim")
    page.get_by_label("E-Mail", exact=True).fill("gerda@example.org")
    page.get_by_label("Anschrift").fill("Bautzner Straße 1, 01099 Dresden")
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.get_by_role("heading", name=re.compile("Ihr Antrag ist eingegangen"))).to_be_visible()
    assert axe_serious(page) == []

    permit = approved_permit(
        start=timezone.now() - timezone.timedelta(minutes=30),
        end=timezone.now() + timezone.timedelta(days=1),
        conditions="Gehweg freihalten",
    )
    _scan(
        page,
        f"{site}/sondernutzung/{permit.public_id}/verfolgen/{tracking_token(type(permit), permit.public_id)}/",
    )
    _scan(page, site + "/parkausweis/beantragen/")
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []
    parking = parking_apply(
        lon=13.755,
        lat=51.067,
        licence_plate="DD-XY 42",
        name="Rita Rad",
        email="rita@example.org",
        address="Alaunstr. 1",
    )
    # approved: the page lists the notices and the fee to pay (Kassenzeichen, state)
    parking_decide(actor=caseworker(), public_id=parking.permit.public_id, status="approved")
    _scan(page, f"{site}/parkausweis/{parking.permit.public_id}/verfolgen/{parking.tracking_token}/")

    # the report map with the permits layer switched on
    _scan(page, site + "/")
    page.get_by_label("Baustellen & Sondernutzungen").check()
    assert axe_serious(page) == []


def test_axe_finds_no_serious_issues_on_the_statement_its_form_and_easy_language(page, site):
    from domains.accessibility.models import AccessibilityFeedback

    _scan(page, site + "/barrierefreiheit/")
    page.get_by_role("button", name="Rückmeldung senden").click()  # empty: every error shown
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_serious(page) == []

    page.get_by_label("Welche Barriere ist Ihnen aufgefallen?").fill(
        "Die Karte ist mit der Tastatur schwer bedienbar."
    )
    page.get_by_label("E-Mail für die Antwort (optional)").fill("hinweis@example.org")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("status")).to_contain_text("Vielen Dank, Ihre Rückmeldung ist eingegangen.")
    assert axe_serious(page) == []
    assert AccessibilityFeedback.objects.get().email == "hinweis@example.org"

    _scan(page, site + "/leichte-sprache/")
    page.get_by_role("link", name="Barriere·freiheit").click()
    expect(page).to_have_url(re.compile(r"/barrierefreiheit/#rueckmeldung$"))
