"""Rückfrage in Chromium (issue 30.3): a caseworker asks on the report page; the reporter opens the mailed
link on a phone (360×640, no account), answers with a text and a photo; the case goes on, due moved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from domains.reports.models import Inquiry, Report
from kernel.notifications.models import OutgoingMail
from tests.factories import jpeg_bytes, make_report
from tests.staff_world import PASSWORD
from tests.web.conftest import axe_serious, new_context

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}


@pytest.fixture
def report(transactional_db, world) -> Report:
    return make_report(lonlat=(13.74, 51.05), email="erika@example.org", description="Laterne aus").report


def test_caseworker_asks_and_the_reporter_answers_on_a_phone(browser, site, world, report, tmp_path):
    office = new_context(browser)
    page = office.new_page()
    url = f"/verwaltung/meldungen/{report.public_id}/"
    page.goto(f"{site}/anmelden/?next={url}")
    page.get_by_label("Benutzername").fill("caseworker_a")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(re.escape(url) + "$"), wait_until="load")
    page.get_by_label("Frage an die meldende Person").fill("Welche Laterne genau – vor Nr. 3 oder Nr. 5?")
    page.get_by_label("öffentlichen Verlauf").check()
    page.get_by_role("button", name="Rückfrage stellen").click()
    expect(page.get_by_text("Rückfrage gestellt: Die meldende Person erhält sie per E-Mail.")).to_be_visible()
    expect(page.get_by_text(re.compile("Ohne Antwort seit"))).to_be_visible()
    assert axe_serious(page) == []

    mail = OutgoingMail.objects.get(kind="report.inquiry", object_id=report.public_id)
    link = re.search(r"https?://\S+(/meldungen/\S+/rueckfrage/\S+/)", mail.body).group(1)
    photo = tmp_path / "laterne.jpg"
    photo.write_bytes(jpeg_bytes())

    phone = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    citizen = phone.new_page()
    citizen.goto(site + link)
    expect(citizen.get_by_role("heading", name=re.compile("Rückfrage zu Ihrer Meldung"))).to_be_visible()
    expect(citizen.get_by_text("Welche Laterne genau – vor Nr. 3 oder Nr. 5?")).to_be_visible()
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_serious(citizen) == []
    # Sent empty first: the German message, nothing saved.
    citizen.get_by_role("button", name="Antwort senden").click()
    expect(citizen.get_by_text("Bitte schreiben Sie Ihre Antwort.").first).to_be_visible()
    assert Inquiry.objects.get(report=report).answered is None
    assert axe_serious(citizen) == []
    citizen.get_by_label("Ihre Antwort").fill("Vor Nr. 5, die zweite von links.")
    citizen.get_by_label("Foto (optional)").set_input_files(str(photo))
    citizen.get_by_role("button", name="Antwort senden").click()
    expect(citizen.get_by_role("heading", name="Antwort gespeichert")).to_be_visible()
    assert axe_serious(citizen) == []
    phone.close()

    stored = Report.objects.get(pk=report.pk)
    assert stored.status == "in_review" and stored.clock_paused_since is None
    assert Inquiry.objects.get(report=report).answer_photo is not None
    page.reload()
    expect(page.get_by_text(re.compile("Vor Nr. 5, die zweite von links")).first).to_be_visible()
    office.close()
