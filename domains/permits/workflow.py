"""States of special-use permits (Sondernutzungen) and resident parking permits (Parkausweise).

``approved`` is the stored decision; whether an approved permit is *active* or *expired* follows from
its period and is computed (``display_status``), so nothing has to flip a status at midnight.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.cases.workflow import Workflow


class PermitStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Beantragt")
    IN_REVIEW = "in_review", _("In Prüfung")
    APPROVED = "approved", _("Genehmigt")
    REJECTED = "rejected", _("Abgelehnt")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")


P = PermitStatus
PERMIT_WORKFLOW = Workflow(
    states=PermitStatus,
    initial=P.SUBMITTED,
    transitions={
        P.SUBMITTED: frozenset({P.IN_REVIEW, P.APPROVED, P.REJECTED, P.WITHDRAWN}),
        P.IN_REVIEW: frozenset({P.APPROVED, P.REJECTED, P.WITHDRAWN}),
        P.APPROVED: frozenset({P.WITHDRAWN}),
        P.REJECTED: frozenset({P.IN_REVIEW}),
        P.WITHDRAWN: frozenset(),
    },
    closed=frozenset({P.APPROVED, P.REJECTED, P.WITHDRAWN}),
)

PENDING = [P.SUBMITTED, P.IN_REVIEW]
# Pending and approved permits block the space; rejected and withdrawn ones do not.
BLOCKING = [P.SUBMITTED, P.IN_REVIEW, P.APPROVED]


def display_status(
    status: str, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> tuple[str, str]:
    """(code, German label) including the derived ``active``/``expired``/``upcoming`` of approved permits."""
    if status != P.APPROVED:
        return status, PERMIT_WORKFLOW.label(status)
    now = now or timezone.now()
    if now >= end:
        return "expired", "Abgelaufen"
    if now >= start:
        return "active", "Aktiv"
    return "approved", "Genehmigt (noch nicht begonnen)"
