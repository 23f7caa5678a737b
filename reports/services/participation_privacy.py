"""Retention of the e-mail addresses citizens give with an update or an abuse notice (DSGVO Art. 5(1)(e)).

An update's address is only needed to confirm it: it is erased with the organisation's period for
reporter contact data (``retention_report_contact_days``) counted from the confirmation, or after
``UNCONFIRMED_DAYS`` if the link was never opened. A notifier's address is needed until the decision is
mailed and for questions about it: erased that period after the decision. ``privacy.retention`` runs both
daily; every erasure is audited by field name, never the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from notifications.personal import mails_about_erase
from organisations.audit import audit
from reports.models import AbuseNotice, CitizenUpdate, UpdateState
from reports.services.personal_data import _per_organisation

UNCONFIRMED_DAYS = 7  # as long as the confirmation link works
# The mails to the author of an update or a notice about it (``reports.services.citizen_updates``,
# ``reports.services.abuse``): erased with the address.
MAIL_KINDS = {
    CitizenUpdate: ("report.update_confirm",),
    AbuseNotice: ("report.notice_received", "report.notice_decided"),
}


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


def participation_emails_erase(queryset: QuerySet, actor: Any = None, reason: str = "retention") -> int:
    """Empty the e-mail of each row (updates or notices); one audit entry per row. ``reason``:
    "retention" (the period is over) or "request" (Art. 17 DSGVO)."""
    erased = 0
    label = "Ergänzung" if queryset.model is CitizenUpdate else "Hinweis"
    why = "Aufbewahrungsfrist abgelaufen" if reason == "retention" else "auf Anfrage, Art. 17 DSGVO"
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            row = (
                queryset.model.objects.select_for_update(of=("self",))
                .select_related("report")  # the audit names the report: no second query per row
                .filter(pk=pk)
                .exclude(email="")
                .first()
            )
            if row is None:
                continue
            queryset.model.objects.filter(pk=pk).update(email="")
            mails = mails_about_erase(
                object_type="report",
                object_id=row.report.public_id,
                to=[row.email],
                kinds=MAIL_KINDS[queryset.model],
                reason=reason,
            )
            audit(
                actor=actor,
                action="report.participation_email_erased",
                obj=row.report,
                organisation=row.report.organisation_id,
                summary=f"E-Mail-Adresse einer {label} gelöscht ({why})",
                fields=["email"],
                row=pk,
                mails=mails,
            )
            erased += 1
    return erased


def _of_person(model: Any, email: str, organisation_ids: Iterable[int] | None) -> QuerySet:
    rows = model.objects.filter(email__iexact=email.strip()).select_related("report")
    if organisation_ids is not None:
        rows = rows.filter(report__organisation_id__in=list(organisation_ids))
    return rows.order_by("created", "pk")


def participation_personal_records(
    email: str, *, organisation_ids: Iterable[int] | None = None
) -> list[dict]:
    """Updates and notices given with this address, for the export (Art. 15 DSGVO)."""
    updates = [
        {"type": "Ergänzung", "report": u.report.public_id, "created": u.created.isoformat(),
         "state": u.get_state_display(), "text": u.text, "email": u.email}
        for u in _of_person(CitizenUpdate, email, organisation_ids)
    ]  # fmt: skip
    notices = [
        {"type": "Hinweis auf rechtswidrige Inhalte", "report": n.report.public_id,
         "created": n.created.isoformat(), "reason": n.get_reason_display(), "text": n.text,
         "decision": n.get_decision_display(), "email": n.email}
        for n in _of_person(AbuseNotice, email, organisation_ids)
    ]  # fmt: skip
    return updates + notices


def participation_erase_person(
    email: str, *, organisation_ids: Iterable[int] | None = None, actor: Any = None
) -> int:
    """Erase the address from this person's updates and notices (Art. 17 DSGVO); returns the rows."""
    return sum(
        participation_emails_erase(_of_person(model, email, organisation_ids), actor, reason="request")
        for model in (CitizenUpdate, AbuseNotice)
    )
