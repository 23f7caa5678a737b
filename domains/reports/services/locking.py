"""The row lock every staff write on one report starts with (``triage``, ``priority``, ``bulk``)."""

from __future__ import annotations

from typing import Any

from domains.reports.models import Report
from kernel.organisations.scoping import get_visible


def locked_report(actor: Any, public_id: str) -> Report:
    """The report, locked for update, if ``actor`` may see it — else 404 (no existence leak).

    Only the report row is locked (``of=("self",)``): without it PostgreSQL's ``FOR UPDATE`` also
    locked the joined organisation, category and commune rows, so every status change blocked all new
    reports of that commune (their foreign-key checks need a key-share lock on those rows) and the load
    test saw deadlocks at COMMIT between staff PATCHes and report POSTs in Dresden.
    """
    visible = get_visible(actor, Report.objects.all(), public_id=public_id)
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("organisation", "category", "commune")
        .get(pk=visible.pk)
    )
