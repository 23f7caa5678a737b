"""The tutorial docs/onboarding.md walked in Chromium (issue 29, item 8): the operator's CSV line through
``manage.py onboard_communes``, the first admin's invitation link from the outbox mail, password and
authenticator app, the go-live checklist with the test mail, the categories and the retention periods
until "startklar", then the first citizen report of the commune answered with a public note that the
public report page shows.

With ``MM_SCREENSHOTS=1`` the tutorial's screenshots are written to ``docs/screenshots/onboarding-*.png``:
``MM_SCREENSHOTS=1 .venv/bin/python -m pytest tests/web/test_onboarding_tutorial_browser.py``.
"""

from __future__ import annotations

import base64
import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from PIL import Image
from playwright.sync_api import expect

from domains.reports.models import Report
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import Membership, Organisation
from tests.web.conftest import new_context

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Lindenblüte-Elbwiese-7"
CSV = (
    "AGS;Name Administration;E-Mail Administration;E-Mail Meldungen;Telefon;Internetseite\n"
    "14612000;Anna Amt;anna@dresden.example;maengel@dresden.example;0351 4880;https://www.dresden.de\n"
)
CHECKLIST = "/verwaltung/einstellungen/startklar/"
NOTE = "Der Bauhof hat die Gehwegplatte am Montag neu verlegt."


def _shoot(page, name: str, out: Path, *, mask: list | None = None) -> None:
    """A viewport screenshot; for the docs quantized to 128 colours (like test_screenshots.py)."""
    page.wait_for_load_state("networkidle")
    path = out / f"onboarding-{name}.png"
    page.screenshot(path=str(path), mask=mask or [])
    if out == DOCS:
        Image.open(path).convert("RGB").quantize(colors=128).save(path, optimize=True)


def _row(page, point: str):
    return page.get_by_role("row", name=re.compile(point))


def _operator_runs_the_csv_line(tmp_path: Path) -> str:
    """Step 1: the operator's CSV line; returns the invitation link from the outbox mail."""
    path = tmp_path / "gemeinden.csv"
    path.write_text(CSV, encoding="utf-8")
    out = StringIO()
    call_command("onboard_communes", str(path), stdout=out)
    report = out.getvalue()
    assert "Zeile 2, 14612000 Dresden: geändert" in report
    assert "Einladung an anna@dresden.example verschickt" in report
    assert "1 Zeilen, 1 übernommen, 0 abgelehnt." in report
    dresden = Organisation.objects.get(kind="commune", ags="14612000")
    assert dresden.email == "maengel@dresden.example" and dresden.contact_phone == "0351 4880"
    body = OutgoingMail.objects.get(kind="staff_invitation", to="anna@dresden.example").body
    return re.search(r"/verwaltung/einladung/[A-Za-z0-9_-]+/", body).group(0)


def _first_admin_signs_up(page, site: str, link: str, out: Path) -> None:
    """Steps 2–3: the invitation link, a password, the authenticator app."""
    page.goto(site + link)
    expect(page.get_by_role("heading", name="Einladung: Dresden")).to_be_visible()
    page.get_by_label("Benutzername").fill("anna.amt")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    _shoot(page, "invitation", out)
    page.get_by_role("button", name="Konto anlegen und beitreten").click()
    expect(page.get_by_role("heading", name="Zwei-Faktor-Anmeldung")).to_be_visible()
    # Until a code was entered, every other staff page sends the new admin back here.
    page.goto(site + CHECKLIST)
    expect(page.get_by_role("heading", name="Zwei-Faktor-Anmeldung")).to_be_visible()
    secret = page.locator("li code").inner_text()
    _shoot(page, "second-factor", out, mask=[page.locator("li code"), page.locator("main img, main svg")])
    page.get_by_label("Code aus der Authenticator-App").fill(f"{totp(base64.b32decode(secret)):06d}")
    page.get_by_role("button", name="Einrichten").click()
    expect(page.get_by_text("Die Zwei-Faktor-Anmeldung ist eingerichtet.")).to_be_visible()
    dresden = Organisation.objects.get(kind="commune", ags="14612000")
    assert Membership.objects.get(user__username="anna.amt", organisation=dresden).role == "admin"


def _checklist_to_startklar(page, site: str, out: Path) -> None:
    """Steps 4–7: the checklist, the test mail and its link, the categories, the retention periods."""
    page.goto(site + CHECKLIST)
    expect(page.get_by_role("heading", name="Startklar? Dresden")).to_be_visible()
    expect(page.get_by_text("Dresden ist noch in Vorbereitung.")).to_be_visible()
    expect(_row(page, "Erste Administration mit zweitem Faktor")).to_contain_text("erledigt")
    for point in ("Empfangsadresse bestätigt", "Kategorien geprüft", "Aufbewahrungsfristen bestätigt"):
        expect(_row(page, point)).to_contain_text("fehlt")
    _shoot(page, "checklist", out)

    page.get_by_role("button", name="Testmail senden").click()
    expect(page.get_by_text("Testmail an maengel@dresden.example gesendet.")).to_be_visible()
    mail = OutgoingMail.objects.get(kind="organisation.recipient_test")
    assert mail.to == "maengel@dresden.example"
    page.goto(site + re.search(r"/verwaltung/empfang-bestaetigen/\S+/", mail.body).group(0))
    _shoot(page, "test-mail", out)
    page.get_by_role("button", name="Empfang bestätigen").click()
    expect(
        page.get_by_text("Der Empfang an maengel@dresden.example ist für Dresden bestätigt.")
    ).to_be_visible()

    page.goto(site + CHECKLIST)
    expect(_row(page, "Empfangsadresse bestätigt")).to_contain_text("erledigt")
    _row(page, "Kategorien geprüft").get_by_role("link").click()
    expect(page.get_by_role("button", name="Kategorien geprüft")).to_be_visible()
    _shoot(page, "categories", out)
    page.get_by_role("button", name="Kategorien geprüft").click()
    expect(page.get_by_text("Die Kategorien sind als geprüft vermerkt.")).to_be_visible()

    page.goto(site + CHECKLIST)
    expect(page.get_by_text("Dresden ist noch in Vorbereitung.")).to_be_visible()  # one point left
    _row(page, "Aufbewahrungsfristen bestätigt").get_by_role("link").click()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()

    page.goto(site + CHECKLIST)
    expect(page.get_by_text("Dresden ist startklar.")).to_be_visible()
    expect(page.get_by_text("fehlt", exact=True)).to_have_count(0)
    _shoot(page, "startklar", out)


def _citizen_reports(browser, site: str) -> Report:
    """Step 8: a citizen (own browser, not signed in) reports a loose paving slab in Dresden."""
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(site + "/")
        page.get_by_label("Breitengrad").fill("51.0504")
        page.get_by_label("Längengrad").fill("13.7373")
        page.get_by_label("Längengrad").press("Tab")
        expect(page.get_by_text("Zuständig: Dresden")).to_be_visible()
        page.get_by_label("Kategorie").select_option(label="Schlagloch")
        page.get_by_label("Beschreibung").fill("Gehwegplatte lose, Stolpergefahr vor dem Eingang.")
        page.get_by_role("button", name="Meldung absenden").click()
        expect(page.get_by_role("heading", name="Vielen Dank – Ihre Meldung ist eingegangen")).to_be_visible()
    finally:
        context.close()
    report = Report.objects.get(description__startswith="Gehwegplatte lose")
    # Startklar: the mail about the new report goes to the commune's own, confirmed address.
    assert OutgoingMail.objects.filter(kind="report.new", to="maengel@dresden.example").exists()
    return report


def _admin_answers(page, site: str, report: Report, out: Path) -> None:
    """Step 9: the admin sets "in Bearbeitung" with a public note; the public page shows it."""
    page.goto(f"{site}/verwaltung/meldungen/{report.public_id}/")
    expect(page.get_by_text("Gehwegplatte lose, Stolpergefahr vor dem Eingang.")).to_be_visible()
    page.get_by_label("Neuer Status").select_option("in_progress")
    page.get_by_label("Öffentliche Notiz (für die meldende Person sichtbar)").fill(NOTE)
    page.locator("section.actions").scroll_into_view_if_needed()
    _shoot(page, "answer", out)
    page.get_by_role("button", name="Status speichern").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == "in_progress"

    page.goto(f"{site}/meldungen/{report.public_id}/")
    expect(page.get_by_text(NOTE)).to_be_visible()
    _shoot(page, "public-report", out)


def test_a_commune_is_startklar_in_15_minutes(browser, site, transactional_db, tmp_path):
    out = DOCS if os.environ.get("MM_SCREENSHOTS") else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    link = _operator_runs_the_csv_line(tmp_path)
    context = new_context(browser, device_scale_factor=1)
    page = context.new_page()
    try:
        _first_admin_signs_up(page, site, link, out)
        _checklist_to_startklar(page, site, out)
        report = _citizen_reports(browser, site)
        _admin_answers(page, site, report, out)
    finally:
        context.close()
    assert len(list(out.glob("onboarding-*.png"))) == 8
