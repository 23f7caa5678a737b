"""Staff set a report's priority (normal / hoch / sofort): it leads the queue's order and shows on the
crew's phone. An internal matter of the office, so the history row is internal and nobody is mailed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from domains.reports.models import Report
from domains.reports.services.locking import locked_report
from domains.reports.workflow import PRIORITY_NAMES, ReportPriority
from kernel.cases.history import record_note
from kernel.core.errors import ValidationFailed
from kernel.organisations.audit import audit
from kernel.organisations.scoping import require_manager


def priority_from(value: Any) -> ReportPriority:
    """``normal``/``hoch``/``sofort`` (forms, API) → the stored priority; anything else is a field error."""
    name = value.strip().lower() if isinstance(value, str) else ""
    if name not in PRIORITY_NAMES:
        raise ValidationFailed({"priority": ["Priorität: erlaubt sind normal, hoch und sofort."]})
    return PRIORITY_NAMES[name]


def report_set_priority(*, actor: Any, public_id: str, priority: int) -> Report:
    """Set the priority (caseworkers and admins of the report's organisation). The same priority again
    changes nothing and writes no history: a form sent twice leaves one entry."""
    if priority not in ReportPriority.values:
        raise ValidationFailed({"priority": ["Priorität: erlaubt sind normal, hoch und sofort."]})
    with transaction.atomic():
        report = locked_report(actor, public_id)
        require_manager(actor, report)
        if report.priority == priority:
            return report
        with translation.override("de"):  # history and audit are German whatever the request's language
            before, after = str(ReportPriority(report.priority).label), str(ReportPriority(priority).label)
        report.priority = priority
        report.save(update_fields=["priority", "updated"])
        summary = f"Priorität von „{before}“ auf „{after}“ geändert"
        record_note(report, actor, internal_note=f"{summary}.")
        audit(
            actor=actor,
            action="report.priority",
            obj=report,
            organisation=report.organisation_id,
            summary=summary,
            priority=int(priority),
        )
    return report
