"""Reads of subscriptions: who is told about a report, which reports an alert covers, a person's list."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from domains.reports.models import PUBLIC_REPORTS, Report
from shared.subscriptions.models import Subscription, SubscriptionKind


def active() -> QuerySet[Subscription]:
    return Subscription.objects.filter(confirmed__isnull=False, unsubscribed__isnull=True)


def followers(report: Report) -> QuerySet[Subscription]:
    """Confirmed, not cancelled followers of ``report`` (the reporter is told by ``reports`` itself)."""
    return active().filter(report=report).order_by("pk")


def alerts_for(report: Report, *, frequency: str) -> QuerySet[Subscription]:
    """Area and commune alerts of ``frequency`` whose place covers the new report and whose categories
    (none = all) include its category.

    Runs inside every report's creating transaction, so the place is matched by two index lookups (the
    commune's AGS; ``ST_Covers`` on the GiST index of the areas, EPSG:25833) and only those candidates are
    filtered further: one OR across both kinds and the categories join made PostgreSQL scan every
    subscription (146 ms for 25,000 in bench/alerts.py)."""
    by_commune = Subscription.objects.filter(kind=SubscriptionKind.COMMUNE, ags=report.commune.ags)
    by_area = Subscription.objects.filter(kind=SubscriptionKind.AREA, area__covers=report.location)
    candidates = [*by_commune.values_list("pk", flat=True), *by_area.values_list("pk", flat=True)]
    if not candidates:
        return Subscription.objects.none()
    category = Q(categories__isnull=True) | Q(categories=report.category_id)
    ids = active().filter(category, pk__in=candidates, frequency=frequency).values("pk")
    return Subscription.objects.filter(pk__in=ids).order_by("pk")


def reports_for_alert(subscription: Subscription, *, since: dt.datetime, until: dt.datetime) -> QuerySet:
    """The public reports created in [since, until) that ``subscription`` (commune or area) covers."""
    reports = Report.objects.filter(PUBLIC_REPORTS, created__gte=since, created__lt=until).select_related(
        "category", "commune"
    )
    if subscription.kind == SubscriptionKind.COMMUNE:
        reports = reports.filter(commune__ags=subscription.ags)
    else:
        reports = reports.filter(location__coveredby=subscription.area)
    category_ids = [c.pk for c in subscription.categories.all()]
    if category_ids:
        reports = reports.filter(category_id__in=category_ids)
    return reports.defer("reporter_name", "reporter_email", "reporter_phone").order_by("created", "pk")


def subscriptions_of(digest: str) -> QuerySet[Subscription]:
    """A person's current subscriptions (management page), by the digest of their address."""
    return (
        Subscription.objects.filter(email_digest=digest, unsubscribed__isnull=True)
        .select_related("report")
        .prefetch_related("categories")
        .order_by("created", "pk")
    )
