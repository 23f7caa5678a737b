"""Apply every retention period (DSGVO Art. 5(1)(e)) for one day: ``manage.py apply_retention`` and the
task worker's daily job (``kernel.notifications.daily``, exactly once per day across workers).

Each case type erases its own data (``domains.reports.personal_data``, ``domains.permits.personal_data``)
with each organisation's periods; this module only coordinates, so reports and permits stay independent.
Every eraser also erases the mails about its object to the person (``kernel.notifications.personal_data.
mails_about_erase``: recipient, body with the salutation, stored headers, attachments), so the outbox does
not keep the name and address the case lost.
Sent mails lose their tracking links at delivery (``kernel.notifications.services.mail_send``); the run here
catches any delivered mail that still has one.

Deadlines are measured from ``moment`` = the start (00:00 local time) of the day the run is for, so a
run for a given ``--as-of`` day gives the same result whenever in that day it runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from domains.accessibility.services import feedback_email_due, feedback_erase_email
from domains.permits.personal_data import (
    parking_applicant_due,
    parking_erase_applicant,
    permit_erase_applicant,
    permits_applicant_due,
)
from domains.reports.idempotency.services import keys_due, keys_erase
from domains.reports.personal_data import (
    notice_emails_due,
    participation_emails_erase,
    report_erase_contact,
    reports_contact_due,
    supports_due,
    supports_erase,
    update_emails_due,
)
from kernel.notifications.personal_data import mail_redact_links, mails_with_tracking_links
from kernel.organisations.audit import audit
from kernel.organisations.email_invitations import invitations_email_due, invitations_erase_email
from shared.subscriptions.personal_data import subscriptions_due, subscriptions_erase

# Kind → German label, in the order the command prints them.
KINDS = {
    "report_contacts": "Kontaktdaten von Meldenden",
    "supports": "Prüfwerte von Unterstützungen",
    "permits": "Antragsdaten und Anhänge von Sondernutzungen",
    "parking": "Kennzeichen und Antragsdaten von Parkausweisen",
    "a11y_feedback": "E-Mail-Adressen aus Rückmeldungen zur Barrierefreiheit",
    "mail_links": "Verfolgungslinks in versandten E-Mails",
    "update_emails": "E-Mail-Adressen zu Ergänzungen",
    "notice_emails": "E-Mail-Adressen zu Hinweisen auf rechtswidrige Inhalte",
    "subscriptions": "Benachrichtigungen (unbestätigt, abbestellt, Meldung abgeschlossen)",
    "invitations": "E-Mail-Adressen und Namen abgelaufener oder beantworteter Einladungen",
    "idempotency_keys": "Idempotenzschlüssel von Meldungen (nach 24 Stunden)",
}


@dataclass(frozen=True)
class _Kind:
    due: Callable[[dt.datetime], QuerySet]
    erase: Callable[[QuerySet], int]


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _erase_each(queryset: QuerySet, erase: Callable[..., Any], key: str = "permit_id") -> int:
    return sum(1 for pk in list(queryset.values_list("pk", flat=True)) if erase(**{key: pk}))


def _erase_supports(queryset: QuerySet) -> int:
    by_report: dict[int, list[int]] = {}
    for pk, report_id in queryset.values_list("pk", "report_id"):
        by_report.setdefault(report_id, []).append(pk)
    return sum(supports_erase(report_id=report, support_ids=ids) for report, ids in by_report.items())


def _redact_mails(queryset: QuerySet) -> int:
    redacted = 0
    for mail in list(queryset.only("pk", "object_type", "object_id")):
        if mail_redact_links(mail_id=mail.pk):
            audit(
                actor=None,
                action="mail.links_redacted",
                obj=mail,
                summary=f"Verfolgungslink aus versandter E-Mail entfernt ({mail.object_type} {mail.object_id})",
            )
            redacted += 1
    return redacted


_KINDS = {
    "report_contacts": _Kind(
        due=lambda moment: reports_contact_due(moment=moment),
        erase=lambda qs: _erase_each(qs, report_erase_contact, key="report_id"),
    ),
    "supports": _Kind(due=lambda moment: supports_due(moment=moment), erase=_erase_supports),
    "permits": _Kind(
        due=lambda moment: permits_applicant_due(moment=moment),
        erase=lambda qs: _erase_each(qs, permit_erase_applicant),
    ),
    "parking": _Kind(
        due=lambda moment: parking_applicant_due(moment=moment),
        erase=lambda qs: _erase_each(qs, parking_erase_applicant),
    ),
    "a11y_feedback": _Kind(
        due=lambda moment: feedback_email_due(moment=moment),
        erase=lambda qs: _erase_each(qs, feedback_erase_email, key="feedback_id"),
    ),
    "mail_links": _Kind(due=lambda moment: mails_with_tracking_links(), erase=_redact_mails),
    "update_emails": _Kind(
        due=lambda moment: update_emails_due(moment=moment), erase=participation_emails_erase
    ),
    "notice_emails": _Kind(
        due=lambda moment: notice_emails_due(moment=moment), erase=participation_emails_erase
    ),
    "subscriptions": _Kind(due=lambda moment: subscriptions_due(moment=moment), erase=subscriptions_erase),
    "invitations": _Kind(
        due=lambda moment: invitations_email_due(moment=moment), erase=invitations_erase_email
    ),
    # A retry comes within minutes or hours; after 24 h the key only links a client to a report.
    "idempotency_keys": _Kind(due=lambda moment: keys_due(moment=moment), erase=keys_erase),
}


def retention_apply(*, as_of: dt.date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Erase what is due on ``as_of`` (default: today, local time); returns the count per kind (cases;
    for supports and mails the rows). ``dry_run`` only counts. Each case is erased with its audit entry
    in one transaction (a savepoint inside the daily job's transaction), so nothing is ever half erased,
    and a case already erased is not selected again: running twice changes nothing more."""
    moment = start_of(as_of or timezone.localdate())
    counts = {}
    for name, kind in _KINDS.items():
        due = kind.due(moment)
        counts[name] = due.count() if dry_run else kind.erase(due)
    return counts


def retention_daily_job(day: dt.date) -> dict[str, int]:
    return retention_apply(as_of=day)
