"""The report form in a dead spot (issue 31.7), in Chromium with Playwright's offline mode: the service
worker opens the form offline, the draft survives a reload, and after going online and confirming exactly
one report arrives — however often the draft is sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from domains.reports.idempotency.models import ReportIdempotencyKey
from domains.reports.models import Report
from tests.factories import jpeg_bytes
from tests.web.conftest import axe_serious, new_context

SAVED = "Keine Verbindung – Ihre Meldung ist auf diesem Gerät gespeichert und wird gesendet, sobald Sie wieder online sind."
TEXT = "Laterne flackert seit Tagen, Feldweg hinter der Kirche"


def _ready(page, site: str) -> None:
    page.goto(site + "/")
    expect(page.locator("#report-form[data-offline-ready=true]")).to_be_attached()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _fill_offline(page) -> None:
    page.get_by_label("Breitengrad").fill("51,0504")
    page.get_by_label("Längengrad").fill("13,7373")
    page.get_by_label("Kategorie").select_option(label="Schlagloch")
    page.get_by_label("Beschreibung").fill(TEXT)
    photo = {"name": "laterne.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((2400, 1600))}
    page.get_by_label("Fotos").set_input_files(files=[photo])


@pytest.mark.browser
def test_fill_offline_reload_go_online_confirm_exactly_one_report(browser, site):
    context = new_context(browser, viewport={"width": 360, "height": 740})
    page = context.new_page()
    _ready(page, site)

    context.set_offline(True)
    _fill_offline(page)
    page.get_by_role("button", name="Meldung absenden").click()
    status = page.locator("#draft-status [role=status]")
    expect(status).to_have_text(SAVED)

    page.reload()  # offline: the service worker's copy of the form, the draft from IndexedDB
    expect(page.get_by_role("heading", name="Mängel melden")).to_be_visible()
    expect(status).to_have_text(SAVED)
    expect(page.get_by_label("Beschreibung")).to_have_value(TEXT)
    expect(page.get_by_label("Breitengrad")).to_have_value("51,0504")
    expect(page.get_by_role("img", name="Vorschau: laterne.jpg")).to_be_visible()
    assert not Report.objects.exists()

    context.set_offline(False)
    expect(status).to_have_text(
        "Sie sind wieder online. Ihre Meldung ist auf diesem Gerät gespeichert. Jetzt senden?"
    )
    send = page.get_by_role("button", name="Jetzt senden")
    expect(send).to_be_visible()
    assert axe_serious(page) == []
    send.focus()
    page.keyboard.press("Enter")  # keyboard only
    expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()

    report = Report.objects.get()
    assert (report.description, report.category.slug, report.channel) == (TEXT, "schlagloch", "web")
    assert report.photos.count() == 1
    assert ReportIdempotencyKey.objects.filter(report=report).count() == 1

    page.goto(site + "/")  # the draft is gone after sending: a fresh form
    expect(page.locator("#report-form[data-offline-ready=true]")).to_be_attached()
    expect(page.get_by_label("Beschreibung")).to_have_value("")
    expect(page.locator("#draft-status")).to_be_hidden()
    assert Report.objects.count() == 1
    context.close()


@pytest.mark.browser
def test_a_draft_whose_answer_was_lost_is_sent_again_without_a_twin(browser, site):
    """The send reached the server but the answer did not come back: the draft is sent again with its
    key and the server answers with the same report."""
    context = new_context(browser)
    page = context.new_page()
    _ready(page, site)
    lost = {"done": False}

    def drop_answer(route):
        if lost["done"] or route.request.method != "POST":
            route.continue_()
            return
        lost["done"] = True
        route.fetch()  # the server gets it and stores the report …
        route.abort("internetdisconnected")  # … the phone never sees the answer

    page.route(lambda url: url.rstrip("/") == site, drop_answer)
    page.get_by_label("Breitengrad").fill("51,0504")
    page.get_by_label("Längengrad").fill("13,7373")
    page.get_by_label("Kategorie").select_option(label="Schlagloch")
    page.get_by_label("Beschreibung").fill(TEXT)
    page.get_by_role("button", name="Meldung absenden").click()
    expect(page.get_by_role("button", name="Jetzt senden")).to_be_visible()
    assert Report.objects.count() == 1
    page.get_by_role("button", name="Jetzt senden").click()
    expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()
    assert Report.objects.count() == 1
    context.close()


@pytest.mark.django_db
def test_service_worker_is_served_from_the_root_with_its_scope_allowed(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in response.content
    assert client.post("/sw.js").status_code == 405
