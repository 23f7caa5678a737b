"""Zahlungserinnerung: one friendly mail to the applicant when a fee is ``FEE_REMINDER_DAYS`` past due.

Sent by the task worker's daily job (``manage.py send_fee_reminders`` does the same by hand, also for a
past day). The reminder is informal: a formal Mahnung with dunning fees is the cash office's act under
the Saxon enforcement law and stays outside this service. Each claim is reminded at most once
(``reminded_on`` written with the mail in one transaction, rows locked with SKIP LOCKED so two workers
never mail the same claim). Only claims whose reminder day lies in the last ``CATCH_UP_DAYS`` are
reminded, so switching the feature on does not mail every fee that was ever left unpaid.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from domains.permits.models import FeeClaim
from domains.permits.payment_state import bank_details
from domains.permits.workflow import PermitStatus
from kernel.cases.tracking import tracking_url
from kernel.notifications.services import mail_queue
from kernel.organisations.audit import audit

CATCH_UP_DAYS = 7


def fee_reminders_due(*, as_of: dt.date) -> QuerySet[FeeClaim]:
    """Unpaid, not cancelled, not yet reminded claims of approved cases with an applicant address whose
    due date plus ``FEE_REMINDER_DAYS`` lies in the ``CATCH_UP_DAYS`` up to ``as_of``."""
    latest_due = as_of - dt.timedelta(days=settings.FEE_REMINDER_DAYS)
    approved_with_address = Q(permit__status=PermitStatus.APPROVED, permit__applicant_email__gt="") | Q(
        parking_permit__status=PermitStatus.APPROVED, parking_permit__applicant_email__gt=""
    )
    return FeeClaim.objects.filter(
        approved_with_address,
        paid_on__isnull=True,
        cancelled_on__isnull=True,
        reminded_on__isnull=True,
        due_date__lte=latest_due,
        due_date__gt=latest_due - dt.timedelta(days=CATCH_UP_DAYS),
    )


def _remind(claim: FeeClaim, *, as_of: dt.date) -> None:
    case = claim.case
    parking = claim.parking_permit_id is not None
    mail_queue(
        kind=f"{type(case).audit_name}.fee_reminder",
        to=case.applicant_email,
        template="mail/fee_reminder.txt",
        context={
            "case": case,
            "claim": claim,
            "service": "Bewohnerparkausweis" if parking else case.kind.name,
            "parking": parking,
            "bank": bank_details(claim.organisation),
            "tracking_url": tracking_url(case),
        },
        object_type=type(case).audit_name,
        object_id=case.public_id,
    )
    claim.reminded_on = as_of
    claim.save(update_fields=["reminded_on"])
    audit(
        actor=None,
        action=f"{type(case).audit_name}.fee_reminded",
        obj=case,
        organisation=claim.organisation_id,
        summary=f"Zahlungserinnerung versandt (Kassenzeichen {claim.kassenzeichen}, fällig {claim.due_date:%d.%m.%Y})",
        kassenzeichen=claim.kassenzeichen,
    )


def fee_reminders_send(*, as_of: dt.date) -> int:
    """Mail the reminders due on ``as_of``; returns how many were sent. ``FEE_REMINDER_DAYS`` 0 sends none."""
    if settings.FEE_REMINDER_DAYS <= 0:
        return 0
    sent = 0
    with transaction.atomic():
        claims = (
            fee_reminders_due(as_of=as_of)
            .select_for_update(of=("self",), skip_locked=True)
            .select_related("organisation", "permit__kind", "parking_permit__zone")
            .order_by("pk")
        )
        for claim in claims:
            _remind(claim, as_of=as_of)
            sent += 1
    return sent


def fee_reminders_daily_job(day: dt.date) -> dict[str, int]:
    return {"fee_reminders": fee_reminders_send(as_of=day)}
