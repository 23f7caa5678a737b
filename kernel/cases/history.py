"""The one write path for a case's status history, used by every case type.

A case type declares on its model: ``workflow`` (a :class:`kernel.cases.workflow.Workflow`), ``audit_name``
(``report``, ``permit``, ``parking``) and a history model whose foreign key has ``related_name="history"``.

These functions write the case and its history row only. What follows a change — the audit entry
(``kernel.organisations.audit.audit_status_change``), the case type's mails (its ``notify`` module), map counts —
is called by the case type's service right after, in the same transaction (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from kernel.cases.models import LocatedCase, StatusChangeBase


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def record_creation(case: LocatedCase, *, actor: Any = None, public_note: str = "") -> StatusChangeBase:
    """The first history row (empty ``from_status``) of a case that was just inserted. No audit entry:
    creation has its own notifications, which the creating service queues. ``actor`` and ``public_note``
    when staff entered the case for someone else ("Telefonisch aufgenommen.")."""
    return case.history.create(
        from_status="",
        to_status=case.status,
        created=case.created,
        organisation_id=case.organisation_id,
        by_user=_user_or_none(actor),
        public_note=public_note,
    )


def _record(
    case: LocatedCase, previous: str, actor: Any, public_note: str, internal_note: str
) -> StatusChangeBase:
    return case.history.create(
        from_status=previous,
        to_status=case.status,
        by_user=_user_or_none(actor),
        public_note=public_note,
        internal_note=internal_note,
        organisation_id=case.organisation_id,
    )


def record_status_change(
    case: LocatedCase,
    to: str,
    actor: Any,
    public_note: str = "",
    internal_note: str = "",
    *,
    update_fields: tuple[str, ...] = (),
) -> StatusChangeBase:
    """Move ``case`` to ``to`` and record it once.

    The caller has locked the row (``select_for_update``) and checked who may do this; it may have set
    further fields that belong to the change (``update_fields``, e.g. a permit's conditions). Raises
    :class:`kernel.cases.workflow.IllegalTransition` for a move the case type's workflow does not allow
    (staying in the same state is no move: use :func:`record_note`). Writes the case and the history
    row in the caller's transaction; the caller then audits and notifies.
    """
    previous = case.status
    type(case).workflow.check(previous, to)
    case.status = to
    case.save(update_fields=["status", "updated", *update_fields])
    return _record(case, previous, actor, public_note, internal_note)


def record_note(
    case: LocatedCase, actor: Any, public_note: str = "", internal_note: str = ""
) -> StatusChangeBase:
    """A note without a status change (e.g. "Material bestellt"): a history row whose ``from_status``
    equals ``to_status``; the caller audits and announces it like a status change."""
    return _record(case, case.status, actor, public_note, internal_note)
