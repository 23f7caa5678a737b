"""An organisation admin enrols an authenticator app in Chromium (the QR page's manual key, a real TOTP
code), then signs in again with password and code; axe finds no serious issue on either page."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.staff_world import PASSWORD
from tests.web.conftest import axe_serious

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_without_device(transactional_db, world):
    TOTPDevice.objects.filter(user=world.users["admin_a"]).delete()
    return world


def app_code(secret: str, step: int = 0) -> str:
    return f"{totp(base64.b32decode(secret), drift=step):06d}"


def sign_in(page, site: str) -> None:
    page.goto(site + "/anmelden/")
    page.get_by_label("Benutzername").fill("admin_a")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def test_admin_enrols_and_signs_in_with_the_code(page, site, admin_without_device):
    sign_in(page, site)
    expect(page.get_by_role("heading", name="Zwei-Faktor-Anmeldung")).to_be_visible()
    expect(page.locator("figure svg")).to_be_visible()
    assert axe_serious(page) == []
    secret = page.locator("li code").inner_text()

    page.get_by_label("Code aus der Authenticator-App").fill(app_code(secret))
    page.get_by_role("button", name="Einrichten").click()
    expect(page.get_by_text("Die Zwei-Faktor-Anmeldung ist eingerichtet.")).to_be_visible()
    page.goto(site + "/verwaltung/einstellungen/")
    expect(page.get_by_role("heading", name="Einstellungen: Dresden")).to_be_visible()

    page.get_by_role("button", name="Abmelden (admin_a)").click()
    sign_in(page, site)
    expect(page.get_by_role("heading", name="Bestätigungscode")).to_be_visible()
    assert axe_serious(page) == []
    page.get_by_label("Code aus der Authenticator-App").fill(app_code(secret, step=1))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("link", name="Zwei-Faktor-Anmeldung")).to_be_visible()
    assert page.url.rstrip("/").endswith("/verwaltung")
