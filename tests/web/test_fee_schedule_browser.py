"""The commune's admin walks the fee schedule (issue 29.3) in Chromium, with and without JavaScript:
settings → Gebührensatzung → new draft → tariff → preview → publish; no serious axe findings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from domains.permits.models import FeeSchedule, FeeScheduleState
from tests.staff_world import login
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


def _sign_in(context, site: str, username: str) -> None:
    client = Client()
    login(client, username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_draft_preview_publish_as_the_communes_admin(browser, site, transactional_db, world, javascript):
    context = new_context(browser, java_script_enabled=javascript)
    _sign_in(context, site, "admin_a")
    page = context.new_page()
    try:
        page.goto(site + "/verwaltung/einstellungen/")
        page.get_by_role("link", name="Gebührensatzung (Sondernutzung)", exact=False).click()
        expect(page.get_by_role("heading", name="Gebührensatzung: Dresden", exact=False)).to_be_visible()
        if javascript:
            assert axe_serious(page) == []
        page.get_by_label("Titel der Satzung").fill("Sondernutzungssatzung der Stadt Dresden vom 12.03.2030")
        page.get_by_label("Datum der Satzung").fill("2030-03-12")
        page.get_by_label("Gültig ab").fill("2031-01-01")
        page.get_by_role("button", name="Entwurf anlegen").click()
        expect(page.get_by_text("angelegt.", exact=False)).to_be_visible()

        page.get_by_label("Art der Sondernutzung").select_option(label="Container/Mulde")
        page.get_by_label("Satz in Euro").fill("6,40")
        page.get_by_label("Gebührenbasis").select_option(value="unit_day")
        page.get_by_label("Mindestgebühr in Euro").fill("0")
        page.get_by_label("Verwaltungsgebühr in Euro").fill("10,00")
        page.get_by_role("button", name="Tarif speichern").click()
        expect(page.get_by_text("Tarif „Container/Mulde“ gespeichert.")).to_be_visible()

        page.locator("#id_preview_kind").select_option(label="Container/Mulde")
        page.get_by_label("Fläche in m²").fill("1")
        page.get_by_label("Tage").fill("3")
        page.get_by_role("button", name="Gebühr berechnen").click()
        preview = page.locator("table.preview")
        expect(preview).to_contain_text("29,20")
        if javascript:
            assert axe_serious(page) == []

        page.get_by_label("Ich habe die Tarife geprüft", exact=False).check()
        page.get_by_role("button", name="Fassung veröffentlichen").click()
        expect(page.get_by_text("ist veröffentlicht", exact=False)).to_be_visible()
        version = FeeSchedule.objects.get(title="Sondernutzungssatzung der Stadt Dresden vom 12.03.2030")
        assert version.state == FeeScheduleState.PUBLISHED
        if javascript:
            assert axe_serious(page) == []
    finally:
        context.close()
