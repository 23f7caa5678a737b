"""Retention of the e-mail addresses citizens give with an update or an abuse notice (DSGVO Art. 5(1)(e)).

An update's address is only needed to confirm it: it is erased with the organisation's period for
reporter contact data (``retention_report_contact_days``) counted from the confirmation, or after
``UNCONFIRMED_DAYS`` if the link was never opened. A notifier's address is needed until the decision is
mailed and for questions about it: erased that period after the decision. ``privacy.retention`` runs both
daily; every erasure is audited by field name, never the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from organisations.services import audit
from reports.models import AbuseNotice, CitizenUpdate, UpdateState
from reports.services.personal_data import _per_organisation

UNCONFIRMED_DAYS = 7  # as long as the confirmation link works


def update_emails_due(*, moment: dt.datetime) -> QuerySet[CitizenUpdate]:
    confirmed = _per_organisation("retention_report_contact_days", moment, "confirmed__lte", via="report__")
    stale = Q(state=UpdateState.UNCONFIRMED, created__lte=moment - dt.timedelta(days=UNCONFIRMED_DAYS))
    return (
        CitizenUpdate.objects.filter(stale | confirmed if confirmed else stale)
        .exclude(email="")
        .order_by("pk")
    )


def notice_emails_due(*, moment: dt.datetime) -> QuerySet[AbuseNotice]:
    decided = _per_organisation("retention_report_contact_days", moment, "decided__lte", via="report__")
    if decided is None:
        return AbuseNotice.objects.none()
    return AbuseNotice.objects.filter(decided, decided__isnull=False).exclude(email="").order_by("pk")


def participation_emails_erase(queryset: QuerySet, actor: Any = None) -> int:
    """Empty the e-mail of each row (updates or notices); one audit entry per row."""
    erased = 0
    label = "Ergänzung" if queryset.model is CitizenUpdate else "Hinweis"
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            row = queryset.model.objects.select_for_update().filter(pk=pk).exclude(email="").first()
            if row is None:
                continue
            queryset.model.objects.filter(pk=pk).update(email="")
            audit(
                actor=actor,
                action="report.participation_email_erased",
                obj=row.report,
                organisation=row.report.organisation_id,
                summary=f"E-Mail-Adresse einer {label} gelöscht (Aufbewahrungsfrist abgelaufen)",
                fields=["email"],
                row=pk,
            )
            erased += 1
    return erased
