"""A withdrawn permit owes no fee: its unpaid claim is cancelled (storniert), a later transfer under its
Kassenzeichen is reported and not booked, staff cannot book it, and a claim paid before stays paid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.permits.models import FeeClaim
from domains.permits.services import parking_decide, permit_decide
from kernel.organisations.models import AuditEvent
from tests.permits.camt_files import entry, statement
from tests.permits.notice_helpers import configure_bank
from tests.permits.test_payments import approved_permit, import_camt
from tests.permits.test_staff_and_parking import apply_parking

pytestmark = pytest.mark.django_db


def withdraw(world, permit) -> None:
    permit_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="withdrawn")


def test_withdrawing_an_approved_permit_cancels_its_unpaid_fee(client, world, tmp_path):
    permit, claim = approved_permit(world)
    # Even past the due date: a withdrawn permit's fee is not "overdue" but cancelled.
    FeeClaim.objects.filter(pk=claim.pk).update(due_date=timezone.localdate() - dt.timedelta(days=3))
    withdraw(world, permit)
    claim.refresh_from_db()
    assert claim.cancelled_on == timezone.localdate() and claim.paid_on is None
    event = AuditEvent.objects.get(action="permit.fee_cancelled")
    assert claim.kassenzeichen in event.summary and event.actor == world.users["caseworker_a"]
    assert f"Gebühr {claim.amount:.2f} EUR".replace(".", ",") in event.summary  # German, like the pages

    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    url = f"/api/v1/staff/permits/{permit.public_id}/"
    payment = client.get(url).json()["payment"]
    assert payment["state"] == "cancelled" and payment["state_label"] == "Storniert"
    assert payment["cancelled_on"] == timezone.localdate().isoformat()
    refused = client.post(f"{url}payment/", {}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "fee_cancelled"
    assert "zurückgezogen" in refused.json()["detail"]

    out = import_camt(tmp_path, statement(entry(str(claim.amount), f"Kassenzeichen {claim.kassenzeichen}")))
    claim.refresh_from_db()
    assert claim.paid_on is None  # reported, not booked
    assert "NICHT VERBUCHT (Forderung storniert)" in out and claim.kassenzeichen in out
    assert "verbucht 0" in out and "Forderung storniert 1" in out
    assert not AuditEvent.objects.filter(action="permit.paid").exists()

    client.defaults.pop("HTTP_AUTHORIZATION")
    client.force_login(world.users["caseworker_a"])
    page = client.get(f"/verwaltung/sondernutzungen/{permit.public_id}/").content.decode()
    assert "Storniert" in page and "Als bezahlt verbuchen" not in page


def test_a_fee_paid_before_the_withdrawal_stays_paid(world, tmp_path):
    permit, claim = approved_permit(world)
    import_camt(tmp_path, statement(entry(str(claim.amount), claim.kassenzeichen)))
    withdraw(world, permit)
    claim.refresh_from_db()
    assert claim.paid_on is not None and claim.cancelled_on is None
    assert not AuditEvent.objects.filter(action="permit.fee_cancelled").exists()


def test_withdrawn_parking_permit_does_not_become_valid_when_money_arrives(world, tmp_path):
    configure_bank(world.dresden)
    permit = apply_parking(13.7550, 51.0670).permit
    caseworker = world.users["caseworker_a"]
    parking_decide(actor=caseworker, public_id=permit.public_id, status="approved")
    parking_decide(actor=caseworker, public_id=permit.public_id, status="withdrawn")
    claim = FeeClaim.objects.get(parking_permit=permit)
    assert claim.cancelled_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="parking.fee_cancelled").count() == 1

    out = import_camt(tmp_path, statement(entry("30.70", f"Bewohnerparken {claim.kassenzeichen}")))
    permit.refresh_from_db()
    claim.refresh_from_db()
    assert "Forderung storniert 1" in out and claim.paid_on is None
    assert permit.valid_from is None and not permit.notices.filter(kind="parkausweis").exists()
