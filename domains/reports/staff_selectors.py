"""Read queries for staff: the work queue, the crew's jobs, a report's full history and audit trail.

Every query starts from :func:`staff_reports`, which asks ``kernel.organisations.scoping`` (the one place that
decides which organisation's data a user may see).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from domains.reports.models import Report, StatusChange
from domains.reports.workflow import CREW_UNDO_MINUTES, OPEN_STATES, ReportStatus
from kernel.boundaries.naming import german
from kernel.geo.coords import to_storage
from kernel.organisations.models import AuditEvent
from kernel.organisations.scoping import scope_of, visible_cases

# "due", the default, is the urgency order: sofort, hoch, normal, each by due date (index
# ``report_queue_priority``); the others are what their names say, priority aside.
QUEUE_ORDERINGS = {
    "due": ("-priority", "due", "created"),
    "-due": ("-due", "-created"),
    "created": ("created", "id"),
    "-created": ("-created", "-id"),
    "supporters": ("-supporters", "-created"),
    "category": ("category__name", "-created"),
    "status": ("status", "-created"),
}


@dataclass
class QueueFilter:
    statuses: Sequence[str] = field(default_factory=lambda: list(OPEN_STATES))
    categories: Sequence[str] = ()
    older_than_days: int | None = None
    overdue: bool = False
    assigned: str | None = None  # "yes", "no" or "me"
    organisation_id: int | None = None
    ordering: str = "due"
    held: bool = False  # only reports waiting for release (checked before publishing)


def staff_reports(user: Any) -> QuerySet[Report]:
    """Every report ``user`` may see as staff (kernel.organisations.scoping), with what lists need."""
    qs = Report.objects.select_related("category", "commune", "organisation", "assignee", "team").defer(
        "commune__geom"
    )
    return visible_cases(user, qs)


def overdue_condition() -> Q:
    """Open and past ``due`` — not while the clock stands still (a Rückfrage waits for the reporter)."""
    return Q(due__lt=timezone.now(), status__in=OPEN_STATES, clock_paused_since__isnull=True)


def staff_queue(user: Any, flt: QueueFilter) -> QuerySet[Report]:
    qs = staff_reports(user)
    if flt.statuses:
        qs = qs.filter(status__in=flt.statuses)
    if flt.categories:
        qs = qs.filter(category__slug__in=flt.categories)
    if flt.older_than_days is not None:
        qs = qs.filter(created__lt=timezone.now() - dt.timedelta(days=flt.older_than_days))
    if flt.overdue:
        qs = qs.filter(overdue_condition())
    if flt.assigned == "yes":
        qs = qs.filter(Q(assignee__isnull=False) | Q(team__isnull=False))
    elif flt.assigned == "no":
        qs = qs.filter(assignee__isnull=True, team__isnull=True)
    elif flt.assigned == "me":
        qs = qs.filter(assignee_id=getattr(user, "pk", None))
    if flt.organisation_id:
        qs = qs.filter(organisation_id=flt.organisation_id)
    if flt.held:
        qs = qs.filter(held_for_review=True)
    return qs.annotate(
        is_overdue=ExpressionWrapper(overdue_condition(), output_field=BooleanField())
    ).order_by(*QUEUE_ORDERINGS.get(flt.ordering, QUEUE_ORDERINGS["due"]))


def overdue_counts(user: Any) -> list[dict]:
    """Open and overdue reports per organisation the user works for (for the queue header)."""
    return list(
        staff_reports(user)
        .filter(status__in=OPEN_STATES)
        .values("organisation__id", "organisation__name")
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue_condition()))
        .order_by(german("organisation__name"))
    )


def crew_jobs(user: Any, *, near: Point | None = None) -> QuerySet[Report]:
    """Open jobs assigned to the user or their team, nearest first when the device position is known."""
    scope = scope_of(user)
    qs = (
        staff_reports(user)
        .filter(status__in=OPEN_STATES)
        .filter(Q(assignee_id=scope.user_id) | Q(team_id__in=scope.team_ids))
        .annotate(is_overdue=ExpressionWrapper(overdue_condition(), output_field=BooleanField()))
    )
    if near is not None:
        return qs.annotate(distance=Distance("location", to_storage(near))).order_by("distance", "due")
    return qs.order_by("-priority", "due", "created")


def crew_recently_resolved(user: Any, *, now: dt.datetime | None = None) -> QuerySet[Report]:
    """Jobs ``user`` set to "Erledigt" within the undo window and nobody changed since: the crew's list
    shows them with "Rückgängig"."""
    now = now or timezone.now()
    latest = StatusChange.objects.filter(report=OuterRef("pk")).order_by("-created", "-id")
    return (
        staff_reports(user)
        .filter(status=ReportStatus.RESOLVED)
        .annotate(
            last_by=Subquery(latest.values("by_user_id")[:1]),
            last_to=Subquery(latest.values("to_status")[:1]),
            last_at=Subquery(latest.values("created")[:1]),
        )
        .filter(
            last_by=user.pk,
            last_to=ReportStatus.RESOLVED,
            last_at__gte=now - dt.timedelta(minutes=CREW_UNDO_MINUTES),
        )
        .select_related("category", "commune")
        .order_by("-last_at")
    )


def staff_history(report: Report, viewer: Any) -> list[StatusChange]:
    """The report's history as ``viewer`` may see it.

    Rows written while another organisation was responsible (before a forward) keep their status, time
    and public note — the public history — but lose the internal note and the staff name: those belong to
    that organisation. Such rows carry ``foreign = True``. The blanked rows are never saved.
    """
    own = scope_of(viewer).org_ids
    rows = list(
        StatusChange.objects.filter(report=report)
        .select_related("by_user", "handoff_activity__handoff")
        .order_by("created", "id")
    )
    for row in rows:
        row.foreign = row.organisation_id not in own
        # An outsider's change (a hand-off link, domains.reports.handoffs): "extern per Link (<name>)".
        activity = getattr(row, "handoff_activity", None)
        row.external = activity.handoff.label if activity and not row.foreign else ""
        if row.foreign:
            row.internal_note, row.by_user = "", None
    return rows


def report_audit(report: Report, viewer: Any) -> QuerySet[AuditEvent]:
    """The report's audit entries of the viewer's own organisations only: another organisation's trail
    (e.g. the sender's before a forward) stays with it; the forward itself is recorded for both."""
    return AuditEvent.objects.filter(
        object_type="report", object_id=str(report.pk), organisation_id__in=scope_of(viewer).org_ids
    ).select_related("actor")
