"""Reads of the outbox that pages need (kernel.notifications.models.OutgoingMail)."""

from __future__ import annotations

from kernel.notifications.models import OutgoingMail


def mail_queued_about(*, kind: str, object_type: str, object_id: str) -> bool:
    """Whether a mail of ``kind`` about this object went into the outbox — e.g. a receipt, so that a
    confirmation page says "we also mailed you the link" only when that is true."""
    return OutgoingMail.objects.filter(kind=kind, object_type=object_type, object_id=object_id).exists()
