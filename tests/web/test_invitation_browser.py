"""Issue 29, item 1 in Chromium: a commune's first admin opens the mailed invitation link, chooses a user
name and password, sets up the authenticator app and lands on the first staff page — with and without
JavaScript; axe finds no serious issue on the link page and the second-factor page."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from kernel.notifications.models import OutgoingMail
from kernel.organisations.email_invitations import invite_by_email
from kernel.organisations.models import Membership, Organisation
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser

PASSWORD = "Lindenblüte-Elbwiese-7"


def mailed_link(site: str, email: str) -> str:
    body = OutgoingMail.objects.get(kind="staff_invitation", to=email).body
    return site + re.search(r"/verwaltung/einladung/[A-Za-z0-9_-]+/", body).group(0)


def walk(page, site: str, email: str, username: str, *, axe: bool = True) -> None:
    organisation = Organisation.objects.get(kind="commune", ags="14612000")
    invite_by_email(actor=None, organisation=organisation, email=email, role="admin", name="Erste Admin")
    page.goto(mailed_link(site, email))
    expect(page.get_by_role("heading", name="Einladung: Dresden")).to_be_visible()
    assert not axe or axe_serious(page) == []  # axe needs scripts
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Konto anlegen und beitreten").click()
    expect(page.get_by_role("heading", name="Zwei-Faktor-Anmeldung")).to_be_visible()
    assert not axe or axe_serious(page) == []  # axe needs scripts
    secret = page.locator("li code").inner_text()
    page.get_by_label("Code aus der Authenticator-App").fill(f"{totp(base64.b32decode(secret)):06d}")
    page.get_by_role("button", name="Einrichten").click()
    expect(page.get_by_text("Die Zwei-Faktor-Anmeldung ist eingerichtet.")).to_be_visible()
    assert page.url.rstrip("/").endswith("/verwaltung")
    page.goto(site + "/verwaltung/einstellungen/mitglieder/")
    expect(page.get_by_role("heading", name="Mitglieder: Dresden")).to_be_visible()
    assert Membership.objects.get(user__username=username, organisation=organisation).role == "admin"


def test_first_admin_walks_from_the_mail_to_the_first_page(page, site, transactional_db):
    walk(page, site, "erste@dresden.example", "erste")


def test_the_same_walk_without_javascript(browser, site, transactional_db):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        walk(page, site, "ohnejs@dresden.example", "ohnejs", axe=False)
    finally:
        context.close()
