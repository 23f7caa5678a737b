"""Subscriber addresses are personal data (DSGVO): how long they are kept, and access/erasure by address.

Deleted by the daily retention run (``shared.privacy.retention``, kind ``subscriptions``):
- unconfirmed 7 days after the request (the confirmation link expires then too);
- cancelled ones (unsubscribed) at the next run;
- followers of a report when the report's contact period is over — the same period, per organisation,
  after which the reporter's own contact data is erased (the reporter's status mails are no
  subscription: ``Report.reporter_status_mails``, erased with the report's contact data).
Staff never see subscribers: no staff page, API or export lists them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from domains.reports.personal_data import reports_contact_period_over
from kernel.notifications.personal_data import mails_about_erase
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation
from shared.subscriptions.models import Subscription, SubscriptionKind, email_digest

UNCONFIRMED_DAYS = 7


def subscriptions_due(*, moment: dt.datetime) -> QuerySet[Subscription]:
    unconfirmed = Q(confirmed__isnull=True, created__lte=moment - dt.timedelta(days=UNCONFIRMED_DAYS))
    cancelled = Q(unsubscribed__isnull=False, unsubscribed__lte=moment)
    report_over = Q(report__in=reports_contact_period_over(moment=moment).values("pk"))
    return Subscription.objects.filter(unconfirmed | cancelled | report_over).order_by("pk")


def _erase_mails(row: Subscription, reason: str) -> int:
    """The subscription's own mails (confirmation, alerts, digests), the status mails of a followed
    report to its address, and the management links mailed to that address."""
    to = [row.email]
    erased = mails_about_erase(object_type="subscription", object_id=str(row.pk), to=to, reason=reason)
    erased += mails_about_erase(
        object_type="subscription", object_id="", to=to, kinds=["subscription.manage"], reason=reason
    )
    if row.report_id:
        erased += mails_about_erase(
            object_type="report",
            object_id=row.report.public_id,
            to=to,
            kinds=["report.status"],
            reason=reason,
        )
    return erased


def subscriptions_erase(
    queryset: QuerySet[Subscription], *, actor: Any = None, reason: str = "retention"
) -> int:
    """Delete the rows (their categories go with them), each with an audit entry that names the kind and
    the report, never the address; returns how many. ``reason``: "retention" or "request" (Art. 17)."""
    label = "Aufbewahrungsfrist" if reason == "retention" else "auf Anfrage, Art. 17 DSGVO"
    with transaction.atomic():
        rows = list(queryset.select_related("report").select_for_update(of=("self",)))
        for row in rows:
            about = f" zu {row.report.public_id}" if row.report_id else ""
            mails = _erase_mails(row, reason)
            audit(
                actor=actor,
                action="subscription.deleted",
                obj=row,
                organisation=row.report.organisation_id if row.report_id else None,
                summary=f"Benachrichtigung ({row.get_kind_display()}{about}) gelöscht ({label})",
                mails=mails,
                reason=reason,
            )
        Subscription.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def subscriptions_of_person(
    email: str, *, organisation: Organisation | None = None
) -> QuerySet[Subscription]:
    """Every subscription of this address; for one organisation only those about its reports or commune
    (an area drawn by a person belongs to no organisation: only the platform operator answers for it)."""
    rows = Subscription.objects.filter(email_digest=email_digest(email)).order_by("created", "pk")
    if organisation is not None:
        rows = rows.filter(
            Q(report__organisation=organisation)
            | Q(kind=SubscriptionKind.COMMUNE, ags=organisation.ags or "-")
        )
    return rows.select_related("report").prefetch_related("categories")


def subscription_personal_record(subscription: Subscription) -> dict[str, Any]:
    return {
        "type": subscription.get_kind_display(),
        "report": subscription.report.public_id if subscription.report_id else None,
        "commune": subscription.ags or None,
        "area_geojson_epsg25833": subscription.area.geojson if subscription.area else None,
        "categories": [c.slug for c in subscription.categories.all()],
        "frequency": subscription.get_frequency_display(),
        "created": subscription.created.isoformat(),
        "confirmed": subscription.confirmed.isoformat() if subscription.confirmed else None,
        "unsubscribed": subscription.unsubscribed.isoformat() if subscription.unsubscribed else None,
    }
