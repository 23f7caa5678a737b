"""The commune's admin on /verwaltung/einstellungen/antragsarten/ in Chromium, with and without
JavaScript (issue 29.3): switches a kind off, adds an own kind; the application form for the commune
then offers the own kind and not the switched-off one. axe finds no serious issue."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from domains.permits.kinds import kinds_available_in
from domains.permits.models import PermitKind
from kernel.organisations.models import AuditEvent
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser
URL = "/verwaltung/einstellungen/antragsarten/"


def _signed_in(context, site: str) -> None:
    """The admin's session (second factor confirmed) as a browser cookie."""
    client = Client()
    login(client, "admin_a")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_admin_switches_a_kind_off_and_adds_an_own_kind(
    browser, site, transactional_db, world, javascript
):
    context = new_context(browser, java_script_enabled=javascript)
    _signed_in(context, site)
    page = context.new_page()
    page.goto(site + URL)
    expect(page.get_by_role("heading", name="Antragsarten: Dresden")).to_be_visible()
    if javascript:  # axe is a script: it runs where scripts run
        assert axe_serious(page) == []

    container = page.get_by_role("group", name="Container/Mulde")
    container.get_by_label("In Dresden angeboten").uncheck()
    container.get_by_label("Eigene Regelauflagen (eine je Zeile)").fill("Nur werktags aufstellen.")
    container.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("„Container/Mulde“ gespeichert: abgeschaltet.")).to_be_visible()
    expect(page.get_by_role("group", name="Container/Mulde (abgeschaltet)")).to_be_visible()

    new = page.get_by_role("group", name="Neue Art der Sondernutzung")
    new.get_by_label("Name").fill("Weihnachtsbaumverkauf")
    new.get_by_label("Beschreibung (für Antragstellende)").fill("Verkaufsstand im Advent")
    new.get_by_label("Gebührenbasis").select_option(label="je m² und Tag")
    new.get_by_label("Nimmt die Fahrbahn in Anspruch").check()
    new.get_by_label("Regelauflagen (eine je Zeile)").fill("Gehweg 1,50 m frei.")
    new.get_by_role("button", name="Art anlegen").click()
    expect(page.get_by_text("Eigene Art „Weihnachtsbaumverkauf“ angelegt.")).to_be_visible()
    expect(page.get_by_role("group", name="Weihnachtsbaumverkauf")).to_be_visible()
    if javascript:
        assert axe_serious(page) == []

    own = PermitKind.objects.get(organisation=world.dresden)
    assert own.occupies_carriageway and own.standard_conditions == "Gehweg 1,50 m frei."
    offered = [k.slug for k in kinds_available_in(world.dresden)]
    assert own.slug in offered and "container" not in offered
    assert AuditEvent.objects.filter(action__startswith="permit_kind.").count() == 2

    page.goto(f"{site}/sondernutzung/beantragen/?gemeinde=14612000")
    kinds = page.get_by_label("Art der Sondernutzung")
    expect(kinds.locator("option", has_text="Weihnachtsbaumverkauf")).to_have_count(1)
    expect(kinds.locator("option", has_text="Container/Mulde")).to_have_count(0)
    context.close()
