"""The queue's bulk work and saved filters in Chromium (issue 30.7), as a caseworker uses them: tick
"alle", set "Erledigt" for the page, read each case's result (one illegal move among them stays
unchanged), save the current filter under a name and open it again; axe finds nothing serious on the
queue, the result page or the report page with its priority form."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from domains.reports.models import Report
from domains.reports.services import report_change_status, report_set_priority
from domains.reports.workflow import ReportPriority
from tests.factories import make_report
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db, world):
    extra = make_report(lonlat=(13.745, 51.052), description="Gehweg abgesackt").report
    report_set_priority(
        actor=world.users["caseworker_a"], public_id=extra.public_id, priority=ReportPriority.IMMEDIATE
    )
    return world, extra


@pytest.fixture
def staff_page(browser, site, office):
    context = new_context(browser)
    client = Client()
    login(client, "caseworker_a")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    page = context.new_page()
    yield page
    context.close()


def test_bulk_status_change_with_per_case_results_and_a_saved_filter(staff_page, site, office):
    world, extra = office
    page = staff_page
    page.goto(site + "/verwaltung/?status=all")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(3)
    # sofort first, with its badge.
    expect(rows.first).to_contain_text(extra.public_id)
    expect(rows.first.locator(".prio--2")).to_have_text("‼ Priorität: sofort")
    assert axe_serious(page) == []

    # An illegal move in the selection: a rejected report cannot go to "Erledigt".
    report_change_status(
        actor=world.users["caseworker_a"], public_id=world.own_unassigned.public_id, status="rejected"
    )
    page.reload()
    select_all = page.get_by_label("Alle Meldungen dieser Seite auswählen")
    expect(select_all).to_be_visible()
    select_all.check()
    expect(page.locator('input[name="ids"]:checked')).to_have_count(3)
    # Only the chosen action's fields show (all of them without JavaScript).
    page.get_by_label("Aktion").select_option("assign")
    expect(page.get_by_label("Kolonne")).to_be_visible()
    expect(page.get_by_label("Neuer Status")).to_be_hidden()
    page.get_by_label("Aktion").select_option("status")
    expect(page.get_by_label("Kolonne")).to_be_hidden()
    page.get_by_label("Neuer Status").select_option("resolved")
    page.get_by_role("button", name="Auf Auswahl anwenden").click()

    expect(page.get_by_role("heading", name="Ergebnis der Sammelbearbeitung")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("2 Meldungen geändert, 1 nicht geändert.")
    unchanged = page.locator(".bulk-results .failed")
    expect(unchanged).to_have_text([f"{world.own_unassigned.public_id}: von Abgelehnt nicht möglich"])
    expect(page.locator(".bulk-results .ok")).to_have_count(2)
    expect(page.locator(".bulk-results .ok").first).to_contain_text("→ Erledigt")
    assert axe_serious(page) == []
    assert Report.objects.get(pk=world.own_unassigned.pk).status == "rejected"
    assert Report.objects.get(pk=extra.pk).status == "resolved"

    # Back to the same filters, then save them as a filter of one's own and open it again.
    page.get_by_role("link", name="Zurück zur Arbeitsliste").first.click()
    expect(page).to_have_url(site + "/verwaltung/?status=all")
    page.get_by_label("Status", exact=True).select_option("rejected")
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_label("Aktuelle Auswahl speichern als").fill("Abgelehnte")
    page.get_by_role("button", name="Filter speichern").click()
    expect(page.locator(".messages")).to_contain_text("Filter „Abgelehnte“ gespeichert.")
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    page.goto(site + "/verwaltung/")
    page.locator(".saved-filters").get_by_role("link", name="Abgelehnte").click()
    expect(page).to_have_url(site + "/verwaltung/?status=rejected&ordering=due")
    expect(page.locator("table.queue tbody tr")).to_contain_text([world.own_unassigned.public_id])
    assert axe_serious(page) == []


def test_priority_form_on_the_report_page(staff_page, site, office):
    world, _extra = office
    page = staff_page
    page.goto(f"{site}/verwaltung/meldungen/{world.own.public_id}/")
    page.get_by_label("Priorität").select_option("hoch")
    page.get_by_role("button", name="Priorität speichern").click()
    expect(page.locator(".messages")).to_contain_text("Priorität gespeichert.")
    expect(page.locator(".facts .prio--1")).to_have_text("! Priorität: hoch")
    assert axe_serious(page) == []
