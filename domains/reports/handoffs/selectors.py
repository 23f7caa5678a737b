"""What is out: the hand-offs staff may see, overdue ones, and the selector the daily escalation digest
calls (``handoffs_overdue``).

Which organisation's hand-offs a person sees is decided by ``kernel.organisations.scoping`` (the one place):
the case managers (Sachbearbeitung, Administration) of the organisation that handed off.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from domains.reports.handoffs.models import Handoff
from domains.reports.workflow import OPEN_STATES
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import scope_of


def handoffs_visible_to(user: Any) -> QuerySet[Handoff]:
    """Every hand-off of the organisations where ``user`` manages cases; none for anyone else."""
    org_ids = scope_of(user).manager_org_ids
    return Handoff.objects.filter(organisation_id__in=org_ids).select_related(
        "report__category", "report__commune", "organisation", "created_by"
    )


def overdue_condition(today: Any = None) -> Q:
    """Still out (not revoked), its date passed, the case still open (an outsider's "Erledigt" or a
    closing by staff ends it). An expired link does not end it: the work is still not done. A report
    forwarded to another organisation since is no longer this one's (and its link has ended)."""
    today = today or timezone.localdate()
    return Q(revoked__isnull=True, due__lt=today, report__status__in=OPEN_STATES) & _still_ours()


def _still_ours() -> Q:
    return Q(report__organisation_id=F("organisation_id"))


def _annotated(qs: QuerySet[Handoff]) -> QuerySet[Handoff]:
    now = timezone.now()
    return qs.annotate(
        is_overdue=ExpressionWrapper(overdue_condition(), output_field=BooleanField()),
        link_expired=ExpressionWrapper(Q(expires__lte=now), output_field=BooleanField()),
    )


def handoffs_out(user: Any, *, overdue_only: bool = False, include_ended: bool = False) -> QuerySet[Handoff]:
    """The list page: what is out (not revoked, case open), overdue first, then by date."""
    qs = handoffs_visible_to(user)
    if not include_ended:
        qs = qs.filter(_still_ours(), revoked__isnull=True, report__status__in=OPEN_STATES)
    if overdue_only:
        qs = qs.filter(overdue_condition())
    return _annotated(qs).order_by("-is_overdue", "due", "created", "id")


def handoffs_of_report(report: Any, user: Any) -> QuerySet[Handoff]:
    """The report page's list: every hand-off of this report the viewer's organisations made."""
    return _annotated(handoffs_visible_to(user).filter(report=report)).order_by("-created", "-id")


def handoffs_overdue(organisation: Organisation | int) -> QuerySet[Handoff]:
    """Overdue hand-offs of one organisation, oldest date first — for the daily escalation digest."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return (
        Handoff.objects.filter(organisation_id=org_id)
        .filter(overdue_condition())
        .select_related("report__category", "report__commune")
        .order_by("due", "created", "id")
    )
