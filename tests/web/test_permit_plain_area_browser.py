"""The plain way to give a Sondernutzung's area in Chromium (issue 26): address plus length × width —
the estimate appears live (the page script sends them to the estimate API) and the application is
stored with that rectangle."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from domains.permits.models import Permit
from tests.addresses.files import dresden_hkde
from tests.web.permit_data import SECRET_APPLICANT, local_input

pytestmark = pytest.mark.browser


@pytest.fixture
def dresden(site, tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0, stdout=None)
    return site


def test_address_length_and_width_give_the_area_and_the_fee(page, dresden):
    page.goto(dresden + "/sondernutzung/beantragen/")
    page.get_by_label("Art der Sondernutzung").select_option(label="Gerüst/Baustelleneinrichtung")
    page.get_by_label("Beginn", exact=True).fill(local_input(10))
    page.get_by_label("Ende", exact=True).fill(local_input(12, 18))
    page.get_by_label("Adresse der Fläche").fill("Prager Straße 12, 01069 Dresden")
    page.get_by_label("Länge (m)").fill("12")
    page.get_by_label("Breite (m)").fill("2,5")
    page.get_by_label("Breite (m)").press("Tab")
    estimate = page.locator("#permit-estimate")
    expect(estimate).to_contain_text("30 m²")
    expect(estimate).to_contain_text("Summe (vorläufig)")

    page.get_by_label("Vorhaben").fill("Fassadengerüst")
    page.get_by_label("Name", exact=True).fill(SECRET_APPLICANT["name"])
    page.get_by_label("E-Mail", exact=True).fill(SECRET_APPLICANT["email"])
    page.get_by_label("Anschrift").fill(SECRET_APPLICANT["address"])
    page.get_by_role("button", name="Antrag absenden").click()
    expect(page.get_by_role("heading", name="Vielen Dank – Ihr Antrag ist eingegangen")).to_be_visible()
    assert Permit.objects.get().area_m2 == Decimal("30.00")
