"""Open a fee claim (Kassenzeichen, amount, due date) when a decision charges a fee; cancel it when the
permit is withdrawn before it was paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from domains.permits.models import FeeClaim, ParkingPermit, Permit, case_owner
from domains.permits.payment_state import DUE_DAYS, kassenzeichen_for
from kernel.core.amounts import german_amount
from kernel.organisations.audit import audit


def next_kassenzeichen() -> str:
    """A new Kassenzeichen from the database sequence (unique also under concurrent approvals)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('permits_kassenzeichen_seq')")
        (number,) = cursor.fetchone()
    return kassenzeichen_for(timezone.localdate().year, number)


def fee_claim_open(*, case: Permit | ParkingPermit, amount: Decimal) -> FeeClaim | None:
    """The claim for ``amount`` EUR on ``case``, due in ``DUE_DAYS`` days; ``None`` when nothing is owed.
    Runs in the caller's transaction (the decision)."""
    if amount <= 0:
        return None
    claim = FeeClaim.objects.create(
        organisation_id=case.organisation_id,
        kassenzeichen=next_kassenzeichen(),
        amount=amount,
        due_date=timezone.localdate() + dt.timedelta(days=DUE_DAYS),
        **case_owner(case),
    )
    claim.organisation = case.organisation
    return claim


def fee_claim_cancel(*, case: Permit | ParkingPermit, actor: Any) -> FeeClaim | None:
    """Cancel (stornieren) the unpaid fee of a withdrawn permit, in the caller's transaction.

    Without this the claim of a withdrawn application would turn "overdue" a month later, and a
    transfer made afterwards would be booked on a permit that no longer exists. A paid claim stays
    paid: whether money is refunded is the cash office's decision. Returns the cancelled claim."""
    claim = (
        FeeClaim.objects.select_for_update(of=("self",))
        .filter(paid_on__isnull=True, cancelled_on__isnull=True, **case_owner(case))
        .first()
    )
    if claim is None:
        return None
    claim.cancelled_on = timezone.localdate()
    claim.save(update_fields=["cancelled_on"])
    audit(
        actor=actor,
        action=f"{type(case).audit_name}.fee_cancelled",
        obj=case,
        organisation=claim.organisation_id,
        summary=f"Gebühr {german_amount(claim.amount)} EUR storniert (Kassenzeichen {claim.kassenzeichen}): Antrag zurückgezogen",
        kassenzeichen=claim.kassenzeichen,
        amount=str(claim.amount),
    )
    return claim
