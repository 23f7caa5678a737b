"""Requests of a person about their data, by e-mail address: access (Art. 15 DSGVO) and erasure (Art. 17).

``organisation`` limits a request to that organisation's cases and the mails about them (its admins'
page "Datenschutz-Anfragen"); ``None`` covers every organisation and every mail to the address
(``manage.py personal_data`` of the platform operator). Both are recorded in the register
(``PrivacyRequest``) and the audit log — with counts and case numbers, never the address.

A citizen account asks by its cases, never by address (``account_cases_export`` / ``_erase``): an
account's address is whatever its identity provider sent, possibly unverified, so only the cases linked
to the account (made while signed in, or taken over through the mailed link) and the mails about them
are covered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from domains.accessibility.services import feedback_erase_email, feedback_personal_record, feedbacks_of_person
from domains.permits.personal_data import (
    parking_erase_applicant,
    parking_of_person,
    parking_personal_record,
    permit_erase_applicant,
    permit_personal_record,
    permits_of_person,
)
from domains.reports.personal_data import (
    participation_erase_person,
    participation_personal_records,
    report_erase_contact,
    report_personal_record,
    reports_of_person,
)
from kernel.core.errors import ValidationFailed
from kernel.notifications.models import OutgoingMail
from kernel.notifications.personal_data import mail_erase, mails_about, mails_to
from kernel.notifications.services import email_is_valid
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import Forbidden, require_admin
from shared.privacy.models import PrivacyRequest, RequestKind
from shared.privacy.registry import person_sources
from shared.subscriptions.personal_data import (
    subscription_personal_record,
    subscriptions_erase,
    subscriptions_of_person,
)


@dataclass
class PersonCases:
    reports: list[Any] = field(default_factory=list)
    permits: list[Any] = field(default_factory=list)
    parking: list[Any] = field(default_factory=list)

    @property
    def public_ids(self) -> list[str]:
        return [case.public_id for case in (*self.reports, *self.permits, *self.parking)]


def _authorise(actor: Any, organisation: Organisation | None) -> None:
    """A person signed in answers for one organisation they administer; only a command (``actor=None``)
    goes across all organisations."""
    if actor is None:
        return
    if organisation is None:
        raise Forbidden("Anfragen über alle Organisationen beantwortet nur der Plattformbetrieb.")
    require_admin(actor, organisation.pk)


def _checked_email(email: str) -> str:
    email = (email or "").strip()
    if not email_is_valid(email):
        raise ValidationFailed({"email": ["Bitte eine gültige E-Mail-Adresse angeben."]})
    return email


def _org_ids(organisation: Organisation | None) -> list[int] | None:
    return None if organisation is None else [organisation.pk]


def _cases_of(email: str, organisation: Organisation | None) -> PersonCases:
    org_ids = _org_ids(organisation)
    return PersonCases(
        reports=list(reports_of_person(email, organisation_ids=org_ids)),
        permits=list(permits_of_person(email, organisation_ids=org_ids)),
        parking=list(parking_of_person(email, organisation_ids=org_ids)),
    )


def _mails_of(email: str, organisation: Organisation | None, cases: PersonCases) -> list[OutgoingMail]:
    object_ids = None if organisation is None else cases.public_ids
    return list(mails_to(email, object_ids=object_ids))


def _mail_record(mail: OutgoingMail) -> dict[str, Any]:
    return {
        "subject": mail.subject,
        "about": mail.object_id,
        "created": mail.created.isoformat(),
        "sent": mail.sent.isoformat() if mail.sent else None,
        "body": mail.body,
    }


def _mails_of_cases(cases: PersonCases, objects: Iterable[tuple[str, str]]) -> list[OutgoingMail]:
    """The mails about each case to the address the case itself holds, and every mail about ``objects``
    (``(object_type, object_id)``, e.g. the account's own claim mails) — never a mail found by address."""
    found: dict[int, OutgoingMail] = {}
    contacts = [(r.public_id, r.reporter_email) for r in cases.reports]
    contacts += [(p.public_id, p.applicant_email) for p in (*cases.permits, *cases.parking)]
    for public_id, address in contacts:
        if address:
            found.update((m.pk, m) for m in mails_to(address, object_ids=[public_id]))
    for object_type, object_id in objects:
        found.update((m.pk, m) for m in mails_about(object_type=object_type, object_id=object_id))
    return sorted(found.values(), key=lambda m: (m.created, m.pk))


def account_cases_export(*, cases: PersonCases, objects: Iterable[tuple[str, str]] = ()) -> dict:
    """Art. 15 for a citizen account: these cases (the account's own; a report's record includes the
    reporter's choice about status mails), their status mails and the mails about them; recorded in the
    register like any request. Follows are by address, not by account, so none are listed here."""
    with transaction.atomic():
        mails = _mails_of_cases(cases, objects)
        _register(kind=RequestKind.EXPORT, actor=None, organisation=None, cases=cases, mails=len(mails))
    reports = [report_personal_record(r) for r in cases.reports]
    permits = [permit_personal_record(p) for p in cases.permits]
    parking = [parking_personal_record(p) for p in cases.parking]
    return {
        "scope": "Bürgerkonto: die Vorgänge des Kontos",
        "created": timezone.now().isoformat(),
        "reports": reports,
        "permits": permits,
        "parking_permits": parking,
        "subscriptions": _status_mail_channels(reports, permits, parking),
        "mails": [_mail_record(m) for m in mails],
    }


def account_cases_erase(*, cases: PersonCases, objects: Iterable[tuple[str, str]] = ()) -> dict:
    """Art. 17 for a citizen account: erase the personal fields of these cases (for a report also the
    reporter's status-mail choice) and the mails about them, as retention does; recorded in the register."""
    with transaction.atomic():
        mails = _mails_of_cases(cases, objects)
        for report in cases.reports:
            report_erase_contact(report_id=report.pk, reason="request")
        for permit in cases.permits:
            permit_erase_applicant(permit_id=permit.pk, reason="request")
        for permit in cases.parking:
            parking_erase_applicant(permit_id=permit.pk, reason="request")
        for mail in mails:
            mail_erase(mail_id=mail.pk)
        _register(kind=RequestKind.ERASE, actor=None, organisation=None, cases=cases, mails=len(mails))
    return {
        "reports": len(cases.reports),
        "permits": len(cases.permits),
        "parking_permits": len(cases.parking),
        "mails": len(mails),
    }


def _register(
    *, kind: str, actor: Any, organisation: Organisation | None, cases: PersonCases, mails: int
) -> PrivacyRequest:
    request = PrivacyRequest.objects.create(
        kind=kind,
        organisation=organisation,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        cases=len(cases.public_ids),
        mails=mails,
    )
    label = "Auskunft (Art. 15 DSGVO)" if kind == RequestKind.EXPORT else "Löschung (Art. 17 DSGVO)"
    audit(
        actor=actor,
        action=f"privacy.{kind}",
        obj=request,
        organisation=organisation,
        summary=f"{label}: {len(cases.public_ids)} Vorgang/Vorgänge, {mails} E-Mail(s)",
        cases=cases.public_ids,
        mails=mails,
    )
    return request


def _status_mail_channels(*records: list[dict]) -> list[dict]:
    """The status mails a person gets as the creator of a case: to the address stored on the case (for a
    report unless the reporter stopped them, ``reporter_status_mails``). Followers of reports and areas
    are subscriptions, listed after these."""
    return [
        {"case": record["public_id"], "type": record["type"], "channel": "E-Mail zum Bearbeitungsstand"}
        for group in records
        for record in group
        if record.get("reporter_status_mails", True)
    ]


def personal_data_export(*, email: str, organisation: Organisation | None = None, actor: Any = None) -> dict:
    """Everything stored about the person with this address (JSON-serialisable), recorded as answered."""
    _authorise(actor, organisation)
    email = _checked_email(email)
    with transaction.atomic():
        cases = _cases_of(email, organisation)
        mails = _mails_of(email, organisation, cases)
        _register(
            kind=RequestKind.EXPORT, actor=actor, organisation=organisation, cases=cases, mails=len(mails)
        )
    reports = [report_personal_record(r) for r in cases.reports]
    permits = [permit_personal_record(p) for p in cases.permits]
    parking = [parking_personal_record(p) for p in cases.parking]
    # Accounts and other platform data (shared.privacy.registry): only a request across all organisations.
    platform = {} if organisation else {source.name: source.export(email) for source in person_sources()}
    return {
        "email": email,
        "scope": organisation.name if organisation else "alle Organisationen",
        "created": timezone.now().isoformat(),
        "reports": reports,
        "permits": permits,
        "parking_permits": parking,
        "subscriptions": _status_mail_channels(reports, permits, parking)
        + [
            subscription_personal_record(s) for s in subscriptions_of_person(email, organisation=organisation)
        ],
        "mails": [_mail_record(m) for m in mails],
        "participation": participation_personal_records(email, organisation_ids=_org_ids(organisation)),
        # Feedback on barriers is the platform operator's, not a commune's: only a request across all.
        "accessibility_feedback": []
        if organisation
        else [feedback_personal_record(f) for f in feedbacks_of_person(email)],
        **platform,
    }


def personal_data_erase(*, email: str, organisation: Organisation | None = None, actor: Any = None) -> dict:
    """Erase the person's personal fields on every case and their mails; returns counts per kind."""
    _authorise(actor, organisation)
    email = _checked_email(email)
    with transaction.atomic():
        cases = _cases_of(email, organisation)
        mails = _mails_of(email, organisation, cases)
        for report in cases.reports:
            report_erase_contact(report_id=report.pk, actor=actor, reason="request")
        for permit in cases.permits:
            permit_erase_applicant(permit_id=permit.pk, actor=actor, reason="request")
        for permit in cases.parking:
            parking_erase_applicant(permit_id=permit.pk, actor=actor, reason="request")
        feedback = (
            0
            if organisation
            else sum(
                feedback_erase_email(feedback_id=pk)
                for pk in feedbacks_of_person(email).values_list("pk", flat=True)
            )
        )
        subscriptions = subscriptions_erase(
            subscriptions_of_person(email, organisation=organisation), actor=actor, reason="request"
        )
        for mail in mails:
            mail_erase(mail_id=mail.pk)
            audit(
                actor=actor,
                action="mail.personal_erased",
                obj=mail,
                organisation=organisation,
                summary=f"E-Mail auf Anfrage gelöscht ({mail.object_type} {mail.object_id})",
            )
        participation = participation_erase_person(
            email, organisation_ids=_org_ids(organisation), actor=actor
        )
        platform = {} if organisation else {source.name: source.erase(email) for source in person_sources()}
        _register(
            kind=RequestKind.ERASE, actor=actor, organisation=organisation, cases=cases, mails=len(mails)
        )
    return {
        "reports": len(cases.reports),
        "permits": len(cases.permits),
        "parking_permits": len(cases.parking),
        "accessibility_feedback": feedback,
        "mails": len(mails),
        "participation": participation,
        "subscriptions": subscriptions,
        **platform,
    }
