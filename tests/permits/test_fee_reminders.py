"""Zahlungserinnerung: one mail when a fee is FEE_REMINDER_DAYS past due — not before, not twice, not for
paid, cancelled or long-forgotten fees, and not after the applicant's address was erased."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from domains.permits.models import FeeClaim, Permit
from domains.permits.services import parking_decide, permit_decide
from domains.permits.services.reminders import fee_reminders_send
from kernel.notifications.daily import daily_jobs
from kernel.notifications.models import OutgoingMail
from kernel.organisations.models import AuditEvent
from tests.permits.notice_helpers import configure_bank
from tests.permits.test_payments import approved_permit
from tests.permits.test_staff_and_parking import apply_parking

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)


def due(claim: FeeClaim, days_ago: int) -> None:
    FeeClaim.objects.filter(pk=claim.pk).update(due_date=TODAY - dt.timedelta(days=days_ago))


def reminders() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind__endswith=".fee_reminder").order_by("pk"))


def test_one_reminder_fourteen_days_after_the_due_date(client, world, settings):
    settings.FEE_REMINDER_DAYS = 14
    permit, claim = approved_permit(world)
    due(claim, 13)
    assert fee_reminders_send(as_of=TODAY) == 0  # not yet
    due(claim, 14)
    assert fee_reminders_send(as_of=TODAY) == 1
    [mail] = reminders()
    assert mail.kind == "permit.fee_reminder" and mail.to == permit.applicant_email
    assert mail.subject == f"Zahlungserinnerung: Kassenzeichen {claim.kassenzeichen} ({permit.public_id})"
    assert (
        f"Gebühr von {str(claim.amount).replace('.', ',')} EUR am {TODAY - dt.timedelta(days=14):%d.%m.%Y} fällig"
        in mail.body
    )
    assert "IBAN: DE" in mail.body and f"/sondernutzung/{permit.public_id}/" in mail.body
    claim.refresh_from_db()
    assert claim.reminded_on == TODAY
    assert AuditEvent.objects.filter(action="permit.fee_reminded", object_id=str(permit.pk)).count() == 1
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens['caseworker_a']}"
    assert (
        client.get(f"/api/v1/staff/permits/{permit.public_id}/").json()["payment"]["reminded_on"]
        == "2027-03-01"
    )
    assert fee_reminders_send(as_of=TODAY) == 0  # never twice
    assert fee_reminders_send(as_of=TODAY + dt.timedelta(days=3)) == 0
    assert len(reminders()) == 1


def test_paid_cancelled_forgotten_or_erased_fees_get_no_reminder(world, settings, tmp_path):
    settings.FEE_REMINDER_DAYS = 14
    claims = [approved_permit(world) for _ in range(4)]
    for _, claim in claims:
        due(claim, 15)
    (_, paid), (withdrawn, _), (_, forgotten), (erased, _) = claims
    FeeClaim.objects.filter(pk=paid.pk).update(paid_on=TODAY - dt.timedelta(days=20))
    permit_decide(actor=world.users["caseworker_a"], public_id=withdrawn.public_id, status="withdrawn")
    due(forgotten, 14 + 7)  # its reminder day lies before the catch-up window: switching on mails no one
    Permit.objects.filter(pk=erased.pk).update(applicant_email="")
    assert fee_reminders_send(as_of=TODAY) == 0
    assert reminders() == []


def test_parking_reminder_says_the_card_starts_with_the_payment(world, settings):
    settings.FEE_REMINDER_DAYS = 7
    configure_bank(world.dresden)
    permit = apply_parking(13.7550, 51.0670).permit
    parking_decide(actor=world.users["caseworker_a"], public_id=permit.public_id, status="approved")
    claim = FeeClaim.objects.get(parking_permit=permit)
    due(claim, 7)
    assert fee_reminders_send(as_of=TODAY) == 1
    [mail] = reminders()
    assert mail.kind == "parking.fee_reminder" and "Bewohnerparkausweis" in mail.body
    assert "Ihr Parkausweis gilt erst ab Zahlungseingang." in mail.body
    assert "DD-XY" not in mail.body  # the plate stays off the mail, as in every parking mail


def test_zero_days_switches_reminders_off(world, settings):
    settings.FEE_REMINDER_DAYS = 0
    _, claim = approved_permit(world)
    due(claim, 30)
    assert fee_reminders_send(as_of=TODAY) == 0


def test_command_and_daily_job(world, settings):
    settings.FEE_REMINDER_DAYS = 14
    _, claim = approved_permit(world)
    due(claim, 14)
    out = io.StringIO()
    call_command("send_fee_reminders", "--as-of", TODAY.isoformat(), stdout=out)
    assert "Zahlungserinnerungen versandt – Stichtag 01.03.2027: 1" in out.getvalue()
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        call_command("send_fee_reminders", "--as-of", "1.3.2027")
    assert daily_jobs()["fee_reminders"](timezone.localdate()) == {"fee_reminders": 0}
