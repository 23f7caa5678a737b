"""Personal data of reports: erased when its retention period is over (DSGVO Art. 5(1)(e)), shown and
erased on request (Art. 15, 17). What is public — category, place, description, public photos, status
history, the supporters count — stays; so does ``updated`` (erasing uses ``QuerySet.update``, which
leaves ``auto_now`` alone), so the public API's output does not change.

Deadlines are per organisation (``Organisation.retention_*``) and computed against ``moment`` (the
start of the day the run is for, ``privacy.retention``). Every erasure writes an audit entry naming the
fields, never their values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat

from notifications.personal import mails_about_erase
from organisations.audit import audit
from organisations.models import Organisation
from reports.models import Report, StatusChange, Support
from reports.workflow import CLOSING

REPORTER_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")
# The reporter's own mails about the report (status mails of their follow included); mails to the
# commune and to other followers stay.
REPORTER_MAIL_KINDS = ("report.status", "report.questionnaire")
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
    """Closed reports with reporter contact data whose organisation's period since closing is over."""
    has_contact = Q(reporter_name__gt="") | Q(reporter_email__gt="") | Q(reporter_phone__gt="")
    return reports_contact_period_over(moment=moment).filter(has_contact)


def report_erase_contact(*, report_id: int, actor: Any = None, reason: str = "retention") -> list[str]:
    """Empty the reporter's name, e-mail and phone; returns the fields that held data (audited by name).

    ``reason``: "retention" (the period is over) or "request" (Art. 17 DSGVO).
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return []
        fields = [name for name in REPORTER_FIELDS if getattr(report, name)]
        if not fields:
            return []
        Report.objects.filter(pk=report.pk).update(**dict.fromkeys(fields, ""))
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
