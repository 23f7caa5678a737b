"""Staff pages: payment state, Kassenzeichen and notices of a permit; booking a payment by hand."""

from __future__ import annotations

import pytest

from domains.permits.models import FeeClaim, ParkingPermit
from kernel.organisations.models import AuditEvent
from tests.permits.test_payments import approved_permit
from tests.permits.test_staff_and_parking import apply_parking
from tests.staff_world import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world):
    return approved_permit(world)[0]


def test_permit_page_shows_payment_and_books_it(client, world, approved):
    claim = FeeClaim.objects.get(permit=approved)
    login(client, "caseworker_a")
    html = client.get(f"/verwaltung/sondernutzungen/{approved.public_id}/").content.decode()
    assert claim.kassenzeichen in html and "Offen" in html and "Als bezahlt verbuchen" in html
    assert "Gebührenbescheid" in html and "/media/notices/" in html
    listing = client.get("/verwaltung/sondernutzungen/?status=all").content.decode()
    assert claim.kassenzeichen in listing and "Offen" in listing

    response = client.post(f"/verwaltung/zahlungen/{approved.public_id}/", {"paid_on": "2026-01-05"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert str(claim.paid_on) == "2026-01-05" and claim.paid_via == "staff"
    html = client.get(f"/verwaltung/sondernutzungen/{approved.public_id}/").content.decode()
    assert "Bezahlt" in html and "Als bezahlt verbuchen" not in html
    assert AuditEvent.objects.filter(action="permit.paid").count() == 1


def test_other_communes_staff_cannot_book(client, world, approved):
    login(client, "caseworker_b")
    assert client.post(f"/verwaltung/zahlungen/{approved.public_id}/", {}).status_code == 404
    assert FeeClaim.objects.get(permit=approved).paid_on is None


def test_parking_page_books_the_fee_and_the_permit_becomes_valid(client, world):
    created = apply_parking(13.7550, 51.0670, "DD-Q 7")
    login(client, "caseworker_a")
    client.post(
        "/verwaltung/parkausweise/",
        {"public_id": created.permit.public_id, "status": "approved", "confirm": "yes"},
    )
    html = client.get("/verwaltung/parkausweise/").content.decode()
    assert "gültig nach Zahlungseingang" in html and "Offen" in html
    client.post(f"/verwaltung/zahlungen/{created.permit.public_id}/")
    permit = ParkingPermit.objects.get(pk=created.permit.pk)
    assert permit.valid_from is not None
    assert "Parkausweis</a>" in client.get("/verwaltung/parkausweise/").content.decode()


def test_admin_sets_letterhead_and_bank_details_with_a_checked_iban(client, world):
    login(client, "admin_a")
    values = {
        "form": "letterhead",
        "letterhead_name": "Landeshauptstadt Dresden, Straßen- und Tiefbauamt",
        "letterhead_address": "Postfach 12 00 20\r\n01001 Dresden",
        "payment_recipient": "Landeshauptstadt Dresden",
        "iban": "de89 3704 0044 0532 0130 00",
        "bic": "cobadeffxxx",
        "bank_name": "Commerzbank",
    }
    client.post(f"/verwaltung/einstellungen/?organisation={world.dresden.pk}", values)
    world.dresden.refresh_from_db()
    assert world.dresden.iban == "DE89370400440532013000" and world.dresden.bic == "COBADEFFXXX"
    assert world.dresden.letterhead_address == "Postfach 12 00 20\n01001 Dresden"
    assert AuditEvent.objects.filter(action="organisation.letterhead").count() == 1

    response = client.post(
        f"/verwaltung/einstellungen/?organisation={world.dresden.pk}",
        {**values, "iban": "DE89370400440532013001"},
        follow=True,
    )
    assert "Prüfziffer" in response.content.decode()
    world.dresden.refresh_from_db()
    assert world.dresden.iban == "DE89370400440532013000"  # the wrong one changed nothing


def test_caseworker_cannot_set_bank_details(client, world):
    login(client, "caseworker_a")
    client.post("/verwaltung/einstellungen/", {"form": "letterhead", "iban": "DE89370400440532013000"})
    world.dresden.refresh_from_db()
    assert world.dresden.iban == ""
