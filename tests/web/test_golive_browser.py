"""The go-live checklist walked as a commune's first admin would (issue 29.6), in Chromium, with and
without JavaScript: sign in with the second factor, see "in Vorbereitung", save and confirm the address
for new reports through the test mail's link, confirm the categories and the retention periods, and end
on "startklar". Axe finds nothing serious on the checklist before and after."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kernel.notifications.models import OutgoingMail
from kernel.organisations.services import membership_set
from tests.staff_world import PASSWORD
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def first_admin(transactional_db, world):
    """Leipzig's first admin, who has just accepted the invitation and set up the authenticator app."""
    user = get_user_model().objects.create_user(username="erste_admin", password=PASSWORD)
    membership_set(actor=None, organisation=world.leipzig, username="erste_admin", role="admin")
    return TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


def _fix(page, point: str) -> None:
    """Follow the checklist row's link to the page that fixes ``point``."""
    page.get_by_role("row", name=re.compile(point)).get_by_role("link").click()


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_first_admin_walks_the_checklist_to_startklar(browser, site, world, first_admin, javascript):
    context = new_context(browser, java_script_enabled=javascript)
    page = context.new_page()
    checklist = f"/verwaltung/einstellungen/startklar/?organisation={world.leipzig.pk}"
    page.goto(f"{site}/anmelden/?next={checklist}")
    page.get_by_label("Benutzername").fill("erste_admin")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Code aus der Authenticator-App").fill(_code(first_admin))
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.get_by_role("heading", name="Startklar? Leipzig")).to_be_visible()
    expect(page.get_by_text("Leipzig ist noch in Vorbereitung.")).to_be_visible()
    if javascript:
        assert axe_serious(page) == []

    # The address for new reports: saved on the settings page, then the test mail and its link.
    _fix(page, "Empfangsadresse bestätigt")
    page.get_by_label("E-Mail für neue Meldungen").fill("maengel@leipzig.example")
    page.get_by_role("button", name="Speichern").first.click()
    expect(page.get_by_text("E-Mail-Adresse gespeichert.")).to_be_visible()
    page.get_by_role("button", name="Testmail senden").click()
    expect(page.get_by_text("Testmail an maengel@leipzig.example gesendet.")).to_be_visible()
    mail = OutgoingMail.objects.get(kind="organisation.recipient_test")
    link = re.search(r"/verwaltung/empfang-bestaetigen/\S+/", mail.body).group(0)
    page.goto(site + link)
    page.get_by_role("button", name="Empfang bestätigen").click()
    expect(
        page.get_by_text("Der Empfang an maengel@leipzig.example ist für Leipzig bestätigt.")
    ).to_be_visible()

    page.goto(site + checklist)
    _fix(page, "Kategorien geprüft")
    page.get_by_role("button", name="Kategorien geprüft").click()
    expect(page.get_by_text("Die Kategorien sind als geprüft vermerkt.")).to_be_visible()

    page.goto(site + checklist)
    _fix(page, "Aufbewahrungsfristen bestätigt")
    page.get_by_role("button", name="Speichern").click()

    page.goto(site + checklist)
    expect(page.get_by_text("Leipzig ist startklar.")).to_be_visible()
    expect(page.get_by_text("fehlt", exact=True)).to_have_count(0)
    if javascript:
        assert axe_serious(page) == []
    context.close()
