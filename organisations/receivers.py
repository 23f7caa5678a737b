"""Keep one organisation per current commune whenever communes are (re)loaded; audit every case's status
changes (the case kernel sends the signal, see cases.signals)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from boundaries.signals import communes_loaded
from cases.signals import status_recorded
from organisations.services import audit, organisations_sync_communes


@receiver(communes_loaded)
def _sync_commune_organisations(sender: Any, **kwargs: Any) -> None:
    organisations_sync_communes()


@receiver(status_recorded)
def _audit_status_change(sender: Any, *, case: Any, change: Any, actor: Any, **kwargs: Any) -> None:
    """One audit entry per recorded status change or note, for every case type (see cases.signals)."""
    if change.from_status == change.to_status:
        action, summary = f"{sender.audit_name}.note", "Notiz ergänzt"
    else:
        labels = sender.workflow.label
        action = f"{sender.audit_name}.status"
        summary = f"Status: {labels(change.from_status)} → {labels(change.to_status)}"
    audit(
        actor=actor,
        action=action,
        obj=case,
        organisation=case.organisation_id,
        summary=summary,
        public_note=change.public_note,
        internal_note=change.internal_note,
    )
