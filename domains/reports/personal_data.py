"""Personal data held by ``reports``, in one place: the reads for a person's request (Art. 15 DSGVO),
erasure on request (Art. 17) and after the retention period (Art. 5(1)(e)).

Reads for requests of a person about their reports (Art. 15 DSGVO): which reports carry their e-mail
address, and what is stored about each. ``organisation_ids`` limits it to the cases of those
organisations (an organisation admin's page); ``None`` means every organisation (the platform command).

Personal data of reports: erased when its retention period is over (DSGVO Art. 5(1)(e)), shown and
erased on request (Art. 15, 17). What is public — category, place, description, public photos, status
history, the supporters count — stays; so does ``updated`` (erasing uses ``QuerySet.update``, which
leaves ``auto_now`` alone), so the public API's output does not change.

Deadlines are per organisation (``Organisation.retention_*``) and computed against ``moment`` (the
start of the day the run is for, ``shared.privacy.retention``). Every erasure writes an audit entry naming the
fields, never their values.

Retention of the e-mail addresses citizens give with an update or an abuse notice (DSGVO Art. 5(1)(e)).

An update's address is only needed to confirm it: it is erased with the organisation's period for
reporter contact data (``retention_report_contact_days``) counted from the confirmation, or after
``UNCONFIRMED_DAYS`` if the link was never opened. A notifier's address is needed until the decision is
mailed and for questions about it: erased that period after the decision. ``shared.privacy.retention`` runs both
daily; every erasure is audited by field name, never the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat

from domains.reports.models import AbuseNotice, CitizenUpdate, Report, StatusChange, Support, UpdateState
from domains.reports.notify import RECEIPT_KIND
from domains.reports.workflow import CLOSING
from kernel.notifications.personal_data import mails_about_erase
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation


def reports_of_person(email: str, *, organisation_ids: Iterable[int] | None = None) -> QuerySet[Report]:
    reports = Report.objects.filter(reporter_email__iexact=email.strip())
    if organisation_ids is not None:
        reports = reports.filter(organisation_id__in=list(organisation_ids))
    return reports.select_related("category", "commune", "organisation").order_by("created", "pk")


def report_personal_record(report: Report) -> dict[str, Any]:
    """Everything stored about the report that concerns its reporter, for the export (JSON)."""
    return {
        "type": "Mängelmeldung",
        "public_id": report.public_id,
        "organisation": report.organisation.name,
        "commune": report.commune.name,
        "created": report.created.isoformat(),
        "status": report.get_status_display(),
        "category": report.category.name,
        "place": report.place,
        "description": report.description,
        "reporter_name": report.reporter_name,
        "reporter_email": report.reporter_email,
        "reporter_phone": report.reporter_phone,
        "reporter_status_mails": report.reporter_status_mails,  # False: stopped with the mail's link
        "photos": report.photos.count(),
        "purpose": "Bearbeitung der Meldung, Nachrichten zum Bearbeitungsstand, Rückfragen",
    }


REPORTER_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")
# The reporter's choice about status mails (``Report.reporter_status_mails``) is theirs too: erased with the
# contact data by returning it to the default, so an erased report no longer tells that someone said "no".
REPORTER_CHOICES = {"reporter_status_mails": True}
# The reporter's own mails about the report (their status mails included); mails to the
# commune and to other followers stay.
REPORTER_MAIL_KINDS = (
    RECEIPT_KIND,
    "report.status",
    "report.questionnaire",
    "report.inquiry",  # a Rückfrage and its reminder (domains.reports.services.inquiries)
    "report.inquiry_reminder",
)
# An erased support keeps its row (the public count stays explained) but no link to a client any more;
# the prefix keeps the (report, client_hash) constraint satisfied and marks the row as done.
ERASED_HASH_PREFIX = "geloescht:"


def _closed_at() -> Subquery:
    """When the report last moved into a final state (from an open one; notes repeat the state)."""
    moves = StatusChange.objects.filter(report=OuterRef("pk"), to_status__in=CLOSING).exclude(
        from_status__in=CLOSING
    )
    return Subquery(moves.order_by("-created", "-id").values("created")[:1])


def _per_organisation(field: str, moment: dt.datetime, lookup: str, via: str = "") -> Q | None:
    """``lookup <= moment - days`` for each distinct period of ``field`` among the organisations
    (a handful of values for 418 communes, so one condition per value rather than date arithmetic in SQL)."""
    condition = None
    for days in Organisation.objects.values_list(field, flat=True).distinct():
        part = Q(**{f"{via}organisation__{field}": days, lookup: moment - dt.timedelta(days=days)})
        condition = part if condition is None else condition | part
    return condition


def reports_contact_period_over(*, moment: dt.datetime) -> QuerySet[Report]:
    """Closed reports whose organisation's contact period since closing is over at ``moment`` — with or
    without contact data on the report (``subscriptions`` erases the followers' addresses by it too)."""
    due = _per_organisation("retention_report_contact_days", moment, "closed_at__lte")
    if due is None:
        return Report.objects.none()
    return (
        Report.objects.filter(status__in=CLOSING).annotate(closed_at=_closed_at()).filter(due).order_by("pk")
    )


def reports_contact_due(*, moment: dt.datetime) -> QuerySet[Report]:
    """Closed reports with reporter contact data (or their status-mail choice) whose organisation's period
    since closing is over."""
    has_contact = Q(reporter_name__gt="") | Q(reporter_email__gt="") | Q(reporter_phone__gt="")
    has_contact |= ~Q(**REPORTER_CHOICES)
    return reports_contact_period_over(moment=moment).filter(has_contact)


def report_erase_contact(*, report_id: int, actor: Any = None, reason: str = "retention") -> list[str]:
    """Empty the reporter's name, e-mail and phone and reset their status-mail choice; returns the fields
    that held data (audited by name).

    ``reason``: "retention" (the period is over) or "request" (Art. 17 DSGVO).
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return []
        fields = [name for name in REPORTER_FIELDS if getattr(report, name)]
        choices = {name: value for name, value in REPORTER_CHOICES.items() if getattr(report, name) != value}
        if not fields and not choices:
            return []
        Report.objects.filter(pk=report.pk).update(**dict.fromkeys(fields, ""), **choices)
        fields += list(choices)
        mails = mails_about_erase(
            object_type="report",
            object_id=report.public_id,
            to=[report.reporter_email],
            kinds=REPORTER_MAIL_KINDS,
            reason=reason,
        )
        audit(
            actor=actor,
            action="report.personal_erased",
            obj=report,
            organisation=report.organisation_id,
            summary=(
                "Kontaktdaten der meldenden Person gelöscht "
                + (
                    "(Aufbewahrungsfrist abgelaufen)"
                    if reason == "retention"
                    else "(auf Anfrage, Art. 17 DSGVO)"
                )
            ),
            fields=fields,
            mails=mails,
            reason=reason,
        )
    return fields


def supports_due(*, moment: dt.datetime) -> QuerySet[Support]:
    """Supports older than their report's organisation's period that still carry client hashes."""
    due = _per_organisation("retention_support_days", moment, "created__lte", via="report__")
    if due is None:
        return Support.objects.none()
    return Support.objects.filter(due).exclude(client_hash__startswith=ERASED_HASH_PREFIX).order_by("pk")


def supports_erase(*, report_id: int, support_ids: list[int], actor: Any = None) -> int:
    """Replace the client and address hashes of these supports of one report; one audit entry."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return 0
        erased = (
            Support.objects.filter(report=report, pk__in=support_ids)
            .exclude(client_hash__startswith=ERASED_HASH_PREFIX)
            .update(
                client_hash=Concat(Value(ERASED_HASH_PREFIX), Cast("pk", output_field=CharField())),
                address_hash="",
            )
        )
        if erased:
            audit(
                actor=actor,
                action="report.supports_erased",
                obj=report,
                organisation=report.organisation_id,
                summary=f"Prüfwerte von {erased} Unterstützung(en) gelöscht (Aufbewahrungsfrist abgelaufen)",
                count=erased,
            )
    return erased


UNCONFIRMED_DAYS = 7  # as long as the confirmation link works
# The mails to the author of an update or a notice about it (``domains.reports.services.citizen_updates``,
# ``domains.reports.services.abuse``): erased with the address.
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
