"""The Bauhof's "Rückgängig": a job set to "Erledigt" by mistake is reopened by the same crew member
within a few minutes, through the same status path as every change (``triage._move``: history row,
audit, notifications, counts) plus an audit entry naming the undo.

Only the latest change of the job can be undone, only by the person who made it, only while the job is
still "Erledigt" and only for :data:`CREW_UNDO_MINUTES`: later the reporter may have confirmed the repair
and the change belongs to the record like any other; a manager reopens it on the report page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from domains.reports.models import Report, StatusChange
from domains.reports.services.triage import _locked, _move
from domains.reports.workflow import CREW_UNDO_MINUTES, ReportStatus
from kernel.core.errors import Conflict
from kernel.organisations.audit import audit

__all__ = ["CREW_UNDO_MINUTES", "report_crew_undo"]

UNDO_NOTE = "„Erledigt“ zurückgenommen (Rückgängig durch den Bauhof)."


def _undoable(row: StatusChange | None, actor: Any, now: dt.datetime) -> bool:
    return (
        row is not None
        and row.to_status == ReportStatus.RESOLVED
        and row.by_user_id == actor.pk
        and row.created >= now - dt.timedelta(minutes=CREW_UNDO_MINUTES)
    )


def report_crew_undo(*, actor: Any, public_id: str, now: dt.datetime | None = None) -> Report:
    """Reopen a job the actor set to "Erledigt" less than :data:`CREW_UNDO_MINUTES` ago ("In Bearbeitung")."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(actor, public_id)
        latest = report.history.order_by("-created", "-id").first()
        if report.status != ReportStatus.RESOLVED or not _undoable(latest, actor, now):
            raise Conflict(
                f"Das lässt sich nicht mehr rückgängig machen: nur die eigene Erledigung der letzten "
                f"{CREW_UNDO_MINUTES} Minuten. Bitte die Sachbearbeitung bitten, den Auftrag wieder zu öffnen.",
                code="undo_expired",
            )
        _move(report, actor, ReportStatus.IN_PROGRESS, "", UNDO_NOTE)
        audit(
            actor=actor,
            action="report.crew_undo",
            obj=report,
            organisation=report.organisation_id,
            summary=f"„Erledigt“ vom {timezone.localtime(latest.created):%d.%m.%Y %H:%M} zurückgenommen",
        )
    return report
