"""Hand-off to an outside party in the browser (issue 30.4): the caseworker hands a report to a
contractor from the report page; the contractor opens the mailed link on a phone (360×640) without
JavaScript and without an account, sets "In Arbeit", then "Erledigt" with a note and an after-photo (a
file that is no image is refused in German first); the caseworker sees it on the list and revokes the
link, which then answers with the "nicht mehr gültig" page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from domains.reports.models import Report
from kernel.notifications.models import OutgoingMail
from tests.factories import jpeg_bytes
from tests.web.conftest import axe_serious, new_context
from tests.web.test_staff_phone_browser import PHONE, phone_page

pytestmark = pytest.mark.browser

NOT_AN_IMAGE = {"name": "nachher.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 kein Bild"}


def _hand_off(browser, site, report) -> str:
    """The caseworker's part; returns the link from the mail in the outbox."""
    context, page = phone_page(browser, site, "caseworker_a", f"/verwaltung/meldungen/{report.public_id}/")
    section = page.get_by_role("region", name="An Externe übergeben")
    section.get_by_label("Empfänger (Firma oder Stelle)").fill("Tiefbau Müller GmbH")
    section.get_by_label("E-Mail-Adresse").fill("auftrag@tiefbau-mueller.example")
    due = timezone.localdate() + dt.timedelta(days=7)
    section.get_by_label("Zu erledigen bis").fill(due.isoformat())
    section.get_by_label("Nachricht (optional)").fill("Bitte das Schlagloch verfüllen.")
    section.get_by_role("button", name="Link per E-Mail senden").click()
    expect(
        page.get_by_text("Übergeben an Tiefbau Müller GmbH: Der Link ist per E-Mail unterwegs.")
    ).to_be_visible()
    expect(page.get_by_role("region", name="An Externe übergeben")).to_contain_text(f"bis {due:%d.%m.%Y}")
    context.close()
    body = OutgoingMail.objects.get(kind="report.handoff").body
    return re.search(r"https?://[^/\s]+(/meldungen/\S+/auftrag/\S+)", body).group(1)


def test_contractor_on_a_phone_without_javascript_and_the_caseworker(browser, site, transactional_db, world):
    report = world.own_unassigned
    link = _hand_off(browser, site, report)

    context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + link)
    expect(page.get_by_role("heading", name=re.compile(report.public_id))).to_be_visible()
    expect(page.get_by_text("Bitte das Schlagloch verfüllen.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # axe needs scripts: the same page, its error state and the gone page in a phone with JavaScript.
    checker = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    checker.goto(site + link)
    assert axe_serious(checker) == []
    assert checker.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    checker.get_by_label("Foto nach der Erledigung (optional)").set_input_files(NOT_AN_IMAGE)
    checker.get_by_role("button", name="Rückmeldung senden").click()
    expect(checker.get_by_role("alert")).to_contain_text("ist kein unterstütztes Foto")
    assert axe_serious(checker) == []

    page.get_by_label("In Arbeit").check()
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_text("Gespeichert.")).to_be_visible()
    assert Report.objects.get(pk=report.pk).status == "in_progress"

    # A PDF named like a photo: refused in German, nothing saved.
    page.get_by_label("Erledigt").check()
    page.get_by_label("Notiz an die Verwaltung (optional)").fill("Verfüllt und verdichtet.")
    page.get_by_label("Foto nach der Erledigung (optional)").set_input_files(NOT_AN_IMAGE)
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("alert")).to_contain_text("ist kein unterstütztes Foto")
    assert Report.objects.get(pk=report.pk).status == "in_progress"
    assert not report.photos.exists()

    page.get_by_label("Erledigt").check()
    page.get_by_label("Foto nach der Erledigung (optional)").set_input_files(
        {"name": "nachher.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_text("Gespeichert.")).to_be_visible()
    report.refresh_from_db()
    assert report.status == "resolved" and report.photos.filter(kind="after").count() == 1

    # The caseworker sees the outsider in the history and revokes the link from the list.
    staff, office = phone_page(browser, site, "caseworker_a", f"/verwaltung/meldungen/{report.public_id}/")
    expect(office.get_by_text("(extern per Link (Tiefbau Müller GmbH))").first).to_be_visible()
    office.goto(site + "/verwaltung/uebergaben/?ueberfaellig=0")
    # Done ("Erledigt") is no longer out; the report page still lists it with its revoke button.
    expect(office.get_by_text("Zurzeit ist nichts übergeben.")).to_be_visible()
    office.goto(site + f"/verwaltung/meldungen/{report.public_id}/")
    office.get_by_role("button", name="Link für Tiefbau Müller GmbH widerrufen").click()
    expect(office.get_by_text("Link für Tiefbau Müller GmbH widerrufen.")).to_be_visible()
    staff.close()

    page.goto(site + link)
    expect(page.get_by_role("heading", name="Link nicht mehr gültig")).to_be_visible()
    expect(page.get_by_text("Die Verwaltung hat diesen Link widerrufen.")).to_be_visible()
    checker.goto(site + link)
    expect(checker.get_by_role("heading", name="Link nicht mehr gültig")).to_be_visible()
    assert axe_serious(checker) == []
    checker.context.close()
    context.close()


def test_overdue_hand_offs_are_marked_and_filtered(browser, site, transactional_db, world):
    from domains.reports.handoffs.models import Handoff

    _hand_off(browser, site, world.own_unassigned)
    Handoff.objects.update(due=timezone.localdate() - dt.timedelta(days=1))
    context, page = phone_page(browser, site, "caseworker_a", "/verwaltung/uebergaben/")
    row = page.get_by_role("row", name=re.compile("Tiefbau Müller GmbH"))
    expect(row).to_contain_text("überfällig")
    page.get_by_label("nur überfällige").check()
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("row", name=re.compile("Tiefbau Müller GmbH"))).to_be_visible()
    assert axe_serious(page) == []
    context.close()
