"""The back office in Chromium (issue 26.12), measured like a person would look at it: the same green
header and status badge colours as the citizen pages, filter labels directly above their controls, the
queue map with status markers, commune borders and a legend, the report page's small map, the searchable
"Weiterleiten an" picker, and no serious axe findings. Also the citizen /benachrichtigungen/ form at
phone width: 24 px radio and checkbox targets, no select text cut off.

With ``MM_OFFICE_SHOTS=<dir>`` the pages are also written there as screenshots, to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from kernel.organisations.models import Organisation
from tests.factories import make_report, set_status
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context, wait_for_stylesheets

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MM_OFFICE_SHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _sign_in(context, site: str, username: str) -> None:
    client = Client()
    login(client, username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def _colours(locator) -> tuple[str, str]:
    wait_for_stylesheets(locator.page)
    return tuple(
        locator.evaluate("e => { const s = getComputedStyle(e); return [s.backgroundColor, s.color]; }")
    )


@pytest.fixture
def office(transactional_db, world):
    in_progress = make_report(lonlat=(13.745, 51.052), description="Gehweg abgesackt").report
    set_status(in_progress, "in_progress")
    return world


@pytest.fixture
def staff_page(browser, site, office):
    context = new_context(browser)
    _sign_in(context, site, "caseworker_a")
    page = context.new_page()
    yield page
    context.close()


def test_queue_looks_like_the_citizen_pages_with_a_status_map_and_legend(staff_page, site, office):
    page = staff_page
    page.goto(site + "/verwaltung/")
    header = page.locator("header").first
    expect(header).to_be_visible()
    staff_header = _colours(header)[0]

    # Filters: every label sits directly above its own control, left edges aligned.
    for name in ("Status", "Kategorie", "Zuweisung", "Sortierung", "Älter als (Tage)"):
        control = page.get_by_label(name, exact=True)
        label = page.locator(f"label[for='{control.get_attribute('id')}']")
        lb, cb = label.bounding_box(), control.bounding_box()
        assert lb["y"] + lb["height"] <= cb["y"] + 1 and cb["y"] - (lb["y"] + lb["height"]) < 12, (
            name,
            lb,
            cb,
        )
        assert abs(lb["x"] - cb["x"]) < 2, (name, lb, cb)

    # The map: one status marker per listed report, in the status colours, over the commune borders.
    map_ = page.locator("#queue-map")
    markers = map_.locator(".leaflet-marker-icon.mm-marker")
    expect(markers).to_have_count(page.locator("table.queue tbody tr").count())
    expect(map_.locator(".leaflet-marker-icon.status--in_progress")).to_have_count(1)
    expect(map_).to_have_attribute("data-borders", re.compile("coarse|detail"))
    submitted_marker = _colours(map_.locator(".status--submitted").first)[0]
    progress_marker = _colours(map_.locator(".status--in_progress").first)[0]
    assert submitted_marker != progress_marker
    legend = page.locator(".map-legend")
    expect(legend).to_contain_text("Eingegangen")
    expect(legend).to_contain_text("In Bearbeitung")
    assert _colours(legend.locator(".status--in_progress"))[0] == progress_marker
    _shot(page, "queue")

    # Badges: the same colours as on the citizen page, readable (≥ 4.5:1), not alarm red.
    badge = page.locator("table.queue .status--submitted").first
    staff_badge = _colours(badge)
    assert _contrast(*staff_badge) >= 4.5, staff_badge
    red, green, blue = (int(c) for c in re.findall(r"\d+", staff_badge[0])[:3])
    assert not (red > 150 and green < 80 and blue < 80), staff_badge

    page.goto(f"{site}/meldungen/{office.own.public_id}/")
    assert _colours(page.locator("header").first)[0] == staff_header
    assert _colours(page.locator(".facts .status--submitted"))[0] == staff_badge[0]


def test_report_page_map_and_the_searchable_forward_picker(staff_page, site, office, settings):
    # a basemap URL on the test server itself (its tiles are 404s): the credits are what counts here
    settings.MAP_TILE_URL = "/keine-kacheln/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = (
        "© BKG (2026), dl-de/by-2-0, Datenquellen: https://sg.geodatenzentrum.de/q.pdf"
    )
    page = staff_page
    page.goto(f"{site}/verwaltung/meldungen/{office.own.public_id}/")
    report_map = page.locator("#report-map")
    expect(report_map.locator(".leaflet-marker-icon.status--submitted")).to_have_count(1)
    expect(report_map).to_have_attribute("data-borders", "commune")
    credits = report_map.locator(".leaflet-control-attribution")
    expect(credits.get_by_role("link", name="Datenquellen")).to_be_visible()
    assert "https://" not in credits.inner_text()

    select = page.get_by_label("Weiterleiten an")
    expect(select).to_have_value("")
    all_options = select.locator("option").count()
    assert all_options > 400
    search = page.get_by_label("Organisation suchen")
    search.fill("leipzig")
    expect(page.locator(".select-search__count")).to_contain_text("Treffer")
    assert 1 < select.locator("option").count() < 10
    expect(select.locator("option").first).to_have_text("Bitte wählen")
    _shot(page, "report")

    # An empty choice is not sent (the select is required; the server refuses it too, see
    # tests/staff/test_office_pages.py), and nothing moves.
    search.fill("")
    expect(select.locator("option")).to_have_count(all_options)
    select.select_option("")
    page.get_by_label("Begründung").first.fill("Landesstraße")
    page.get_by_role("button", name="Weiterleiten").click()
    assert select.evaluate("e => e.matches(':invalid')")
    office.own.refresh_from_db()
    assert office.own.organisation_id == office.dresden.pk

    leipzig = Organisation.objects.get(pk=office.leipzig.pk)
    search = page.get_by_label("Organisation suchen")
    search.fill(leipzig.name)
    expect(select).to_have_value(str(leipzig.pk))  # one match: taken
    page.get_by_label("Begründung").first.fill("Zuständig ist Leipzig")
    page.get_by_role("button", name="Weiterleiten").click()
    expect(page.get_by_text("Meldung weitergeleitet.")).to_be_visible()
    office.own.refresh_from_db()
    assert office.own.organisation_id == leipzig.pk


def test_axe_finds_no_serious_issues_on_queue_and_report_page(staff_page, site, office):
    for url in ("/verwaltung/", f"/verwaltung/meldungen/{office.own.public_id}/"):
        staff_page.goto(site + url)
        staff_page.wait_for_load_state("networkidle")
        assert axe_serious(staff_page) == [], url


def test_notification_form_at_phone_width_has_big_choices_and_whole_select_text(browser, site, office):
    context = new_context(browser, viewport={"width": 360, "height": 640})
    page = context.new_page()
    try:
        page.goto(site + "/benachrichtigungen/")
        page.wait_for_load_state("networkidle")
        for kind in ("radio", "checkbox"):
            box = page.locator(f"#alert-form input[type={kind}]").first.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, (kind, box)
            row = page.locator(f"#alert-form label:has(input[type={kind}])").first.bounding_box()
            assert row["height"] >= 44, (kind, row)
        for select in page.locator("#alert-form select").all():
            # the chosen text fits the box's height (it was cut off at the bottom)
            fits = select.evaluate(
                "e => { const s = getComputedStyle(e); const inner = e.clientHeight - parseFloat(s.paddingTop)"
                " - parseFloat(s.paddingBottom); return inner >= parseFloat(s.lineHeight) || inner >= 1.2 * parseFloat(s.fontSize); }"
            )
            assert fits
            assert select.bounding_box()["x"] + select.bounding_box()["width"] <= 360
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        _shot(page, "notifications-360")
    finally:
        context.close()


def test_queue_and_report_page_fit_a_phone(browser, site, office):
    context = new_context(browser, viewport={"width": 360, "height": 640})
    _sign_in(context, site, "caseworker_a")
    page = context.new_page()
    try:
        for name, url in (
            ("queue-360", "/verwaltung/"),
            ("report-360", f"/verwaltung/meldungen/{office.own.public_id}/"),
        ):
            page.goto(site + url)
            page.wait_for_load_state("networkidle")
            _shot(page, name)
            wide = page.evaluate(
                "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361)"
                ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 30))"
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, (url, wide[:8])
    finally:
        context.close()
