"""Open a fee claim (Kassenzeichen, amount, due date) when a decision charges a fee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from permits.models import FeeClaim, ParkingPermit, Permit
from permits.payments import DUE_DAYS, kassenzeichen_for


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
    owner = {"permit": case} if isinstance(case, Permit) else {"parking_permit": case}
    claim = FeeClaim.objects.create(
        organisation_id=case.organisation_id,
        kassenzeichen=next_kassenzeichen(),
        amount=amount,
        due_date=timezone.localdate() + dt.timedelta(days=DUE_DAYS),
        **owner,
    )
    claim.organisation = case.organisation
    return claim
