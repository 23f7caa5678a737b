"""The audit log's one write path: every change staff (or the system) make is recorded here, inside the
transaction that makes it (``kernel.organisations.models.AuditEvent``)."""

from __future__ import annotations

from typing import Any

from kernel.organisations.models import AuditEvent, Organisation


def audit(
    *,
    actor: Any,
    action: str,
    obj: Any,
    summary: str,
    organisation: Organisation | int | None = None,
    **data: Any,
) -> AuditEvent:
    """Record one change. Call it inside the transaction that makes the change."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return AuditEvent.objects.create(
        organisation_id=org_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        summary=summary[:500],
        data=data,
    )


def audit_status_change(case: Any, change: Any, actor: Any) -> AuditEvent:
    """The audit entry of a recorded status change or note (``kernel.cases.history``), for every case type;
    each case type's service calls it right after the history row."""
    if change.from_status == change.to_status:
        action, summary = f"{case.audit_name}.note", "Notiz ergänzt"
    else:
        label = type(case).workflow.label
        action = f"{case.audit_name}.status"
        summary = f"Status: {label(change.from_status)} → {label(change.to_status)}"
    public, internal = change.public_note, change.internal_note
    org = case.organisation_id
    return audit(
        actor=actor,
        action=action,
        obj=case,
        organisation=org,
        summary=summary,
        public_note=public,
        internal_note=internal,
    )
