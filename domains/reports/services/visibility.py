"""Staff mark a report "intern" (and back): the whole report leaves every public output.

Why a flag and not a status: an internal report is still worked on like any other (its status, crew,
deadline), it is only no longer the public's business — a report naming a person, a security matter, a
case handed to the police. What "public" means is defined once, ``domains.reports.models.PUBLIC_REPORTS``;
this module is the one write path of the flag. The pre-aggregated counts behind the low-zoom tiles and the
public totals change in the same transaction, the tiles the report lies in are dropped after commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from domains.reports.models import Report
from domains.reports.tiles.counts import report_visibility_changed
from kernel.cases.fields import clean_note
from kernel.cases.history import record_note
from kernel.organisations.audit import audit
from kernel.organisations.scoping import get_visible, require_manager

REASON_MAX = 300


def report_set_internal(*, actor: Any, public_id: str, internal: bool, reason: str = "") -> Report:
    """Mark ``public_id`` internal (``internal=True``) or public again, with an optional reason.

    Admins and caseworkers of the report's organisation only (crews and others: ``Forbidden``; reports
    outside the actor's scope: ``NotFound``). Asking for the state the report already has changes nothing
    and is no error: a form sent twice must not fail. The change is an internal history entry (the public
    never learns of it) and an audit event."""
    reason = clean_note(reason, "reason", limit=REASON_MAX, label="Der Grund")
    with transaction.atomic():
        visible = get_visible(actor, Report.objects.all(), public_id=public_id)
        report = (
            Report.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=visible.pk)
        )
        require_manager(actor, report)
        if report.internal == internal:
            return report
        was_public = report.is_public
        report.internal = internal
        report.save(update_fields=["internal", "updated"])
        summary = (
            "Als intern markiert (nicht öffentlich)" if internal else "Wieder öffentlich (nicht mehr intern)"
        )
        if reason:
            summary += f". Grund: {reason}"
        record_note(report, actor, "", summary)
        audit(
            actor=actor,
            action="report.internal",
            obj=report,
            organisation=report.organisation_id,
            summary=summary,
            internal=internal,
        )
        if was_public != report.is_public:  # a report held for review stays out of the counts either way
            report_visibility_changed(report)
    return report
