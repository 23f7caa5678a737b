"""Bulk work from the staff queue: one action on many reports, each through the single-case service.

There is one write path per kind of change: a bulk status change is ``report_change_status`` called once
per report, so the workflow, the crew's limits, the history, the audit, the mails and the tile counts are
exactly those of a single change. Each report runs in its own savepoint: an illegal move or a missing
right rolls back that report only, and its result says why; the others are kept. Ids the person may not
see — another commune's, or none at all — are "nicht gefunden" and touch nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from domains.reports.models import Report
from domains.reports.services.triage import report_assign, report_change_status, report_update_notes
from domains.reports.tiles.counts import counts_batched
from domains.reports.workflow import REPORT_WORKFLOW
from kernel.cases.workflow import IllegalTransition
from kernel.core.errors import DomainError, NotFound, ValidationFailed
from kernel.organisations.scoping import visible_cases

# At most this many reports per request: a page of the queue is 50, "alle auswählen" of ten pages is
# 500; more is a job for the CSV export and a conversation, not one click (issue 30.8: ≤ 10 s for 500).
BULK_MAX = 500
BULK_ACTIONS = ("status", "assign", "note")
# What a report number can look like (``kernel.cases.public_ids``: SN-7K3M-Q2); anything else is not looked
# up at all, only answered "nicht gefunden" (no NUL or odd text reaches a query).
PLAUSIBLE_ID = re.compile(r"[A-Z0-9-]{1,20}")


@dataclass(frozen=True)
class BulkResult:
    """What happened to one report: ``ok`` and, for people, ``message`` ("SN-… → Erledigt")."""

    public_id: str
    ok: bool
    code: str
    message: str


@dataclass(frozen=True)
class BulkAction:
    """The one change to make on every report; the fields of the other actions stay empty."""

    action: str
    status: str = ""
    public_note: str = ""
    internal_note: str = ""
    template: str = ""
    assignee: str = ""
    team_id: int | None = None


def bulk_ids(raw: Iterable[Any]) -> list[str]:
    """The selected report numbers, trimmed, upper-cased, each once, in the order given; over
    ``BULK_MAX`` is refused before anything is read or written."""
    ids: list[str] = []
    for value in raw:
        text = str(value).strip().upper()[:20] if isinstance(value, str | int) else ""
        if text and text not in ids:
            ids.append(text)
    if not ids:
        raise ValidationFailed({"ids": ["Bitte wählen Sie mindestens eine Meldung aus."]})
    if len(ids) > BULK_MAX:
        raise ValidationFailed(
            {
                "ids": [
                    f"Höchstens {BULK_MAX} Meldungen auf einmal ({len(ids)} gewählt). "
                    "Bitte die Auswahl mit Filtern verkleinern."
                ]
            }
        )
    return ids


def _check(action: BulkAction) -> None:
    if action.action not in BULK_ACTIONS:
        raise ValidationFailed({"action": ["Bitte eine Aktion wählen: Status, Zuweisung oder Notiz."]})
    if action.action == "status" and not action.status:
        raise ValidationFailed({"status": ["Bitte den neuen Status wählen."]})
    if action.action == "note" and not (action.public_note or action.internal_note or action.template):
        raise ValidationFailed({"public_note": ["Bitte einen Textbaustein wählen oder eine Notiz eingeben."]})


def _step(actor: Any, public_id: str, action: BulkAction) -> Callable[[], str]:
    """The single-case service call for ``public_id`` and the result text it leaves on success."""

    def status() -> str:
        report_change_status(
            actor=actor,
            public_id=public_id,
            status=action.status,
            public_note=action.public_note,
            internal_note=action.internal_note,
            template=action.template,
        )
        return f"{public_id} → {REPORT_WORKFLOW.label(action.status)}"

    def assign() -> str:
        report_assign(
            actor=actor, public_id=public_id, assignee=action.assignee or None, team_id=action.team_id
        )
        return f"{public_id}: Zuweisung gespeichert"

    def note() -> str:
        report_update_notes(
            actor=actor,
            public_id=public_id,
            public_note=action.public_note,
            internal_note=action.internal_note,
            template=action.template,
        )
        return f"{public_id}: Notiz ergänzt"

    return {"status": status, "assign": assign, "note": note}[action.action]


def _failure(public_id: str, exc: DomainError, current: str | None, action: BulkAction) -> BulkResult:
    if isinstance(exc, NotFound) or current is None:
        return BulkResult(public_id, False, "not_found", f"{public_id}: nicht gefunden")
    if isinstance(exc, IllegalTransition) and action.status in REPORT_WORKFLOW.states.values:
        message = f"{public_id}: von {REPORT_WORKFLOW.label(current)} nicht möglich"
        return BulkResult(public_id, False, exc.code, message)
    return BulkResult(public_id, False, exc.code, f"{public_id}: {exc.message}")


def reports_bulk(*, actor: Any, public_ids: Iterable[Any], action: BulkAction) -> list[BulkResult]:
    """Apply ``action`` to each report in ``public_ids`` (at most ``BULK_MAX``), one savepoint each, and
    say per report what happened, in the order given. Only invalid input as a whole (no ids, too many, no
    action) raises.

    All reports run in one transaction: if the database goes away half-way, nothing is kept and the
    error the person sees is true — never 300 changed cases behind an error page. The rows are locked in
    the order of their numbers, whatever order the form sent, so two people's overlapping bulk changes
    wait for each other instead of deadlocking. What costs per case without being the case's own
    change is batched (``counts_batched``): the tile counts are written in one upsert, the tiles dropped in
    one cache call after the commit.
    """
    ids = bulk_ids(public_ids)
    _check(action)
    # The current status of each report the person may see: for "von Eingegangen nicht möglich" and to
    # answer "nicht gefunden" without asking the service. The service checks the scope again itself.
    lookup = [public_id for public_id in ids if PLAUSIBLE_ID.fullmatch(public_id)]
    current = dict(
        visible_cases(actor, Report.objects.filter(public_id__in=lookup)).values_list("public_id", "status")
    )
    results: dict[str, BulkResult] = {}
    with transaction.atomic(), counts_batched() as batch:
        for public_id in sorted(ids):
            if public_id not in current:
                results[public_id] = BulkResult(public_id, False, "not_found", f"{public_id}: nicht gefunden")
                continue
            try:
                with batch.case(), transaction.atomic():
                    message = _step(actor, public_id, action)()
            except DomainError as exc:
                results[public_id] = _failure(public_id, exc, current.get(public_id), action)
            else:
                results[public_id] = BulkResult(public_id, True, "ok", message)
    return [results[public_id] for public_id in ids]
