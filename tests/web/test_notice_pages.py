"""In Chromium: a caseworker finds the notices and the fee on the permit page, opens the
Gebührenbescheid and books the payment; axe finds no serious issue on the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from domains.permits.models import FeeClaim
from tests.permits.test_payments import approved_permit
from tests.staff_world import PASSWORD
from tests.web.conftest import axe_serious

pytestmark = pytest.mark.browser


@pytest.fixture
def approved(transactional_db, world):
    return approved_permit(world)[0]


def test_caseworker_finds_the_fee_notice_and_books_the_payment(page, site, approved):
    page.goto(site + "/anmelden/")
    page.get_by_label("Benutzername").fill("caseworker_a")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{site}/verwaltung/sondernutzungen/{approved.public_id}/")
    claim = FeeClaim.objects.get(permit=approved)
    expect(page.get_by_text(claim.kassenzeichen)).to_be_visible()
    assert axe_serious(page) == []

    # Django's live server answers MEDIA_URL itself (its media files handler, test-only), so the
    # authorising view and the download headers are checked with the test client
    # (tests/permits/test_notices.py); here: the link is there and leads to the PDF.
    href = page.get_by_role("link", name="Gebührenbescheid").get_attribute("href")
    assert href.startswith("/media/notices/")
    assert page.request.get(site + href).body().startswith(b"%PDF-")

    page.get_by_role("button", name="Als bezahlt verbuchen").click()
    expect(page.get_by_text(f"Zahlung zu {approved.public_id} verbucht.")).to_be_visible()
    expect(page.get_by_role("button", name="Als bezahlt verbuchen")).to_have_count(0)
    claim.refresh_from_db()
    assert claim.paid_on is not None and claim.paid_via == "staff"
