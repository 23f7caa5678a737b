"""Who is told what about a special-use permit. Only queues outbox rows (notifications.services.mail_queue);
the task worker sends them after the transaction committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from cases.signals import status_recorded
from cases.tracking import tracking_url
from notifications.services import mail_queue
from permits.media import notice_filename
from permits.models import ParkingPermit, ParkingPermitStatusChange, Permit, PermitStatusChange
from permits.workflow import PERMIT_WORKFLOW


def notify_new_permit(permit: Permit) -> None:
    """The commune hears of a new application; the applicant gets a receipt with the tracking link."""
    context = {
        "permit": permit,
        "tracking_url": tracking_url(permit),
        "staff_url": f"{settings.SITE_URL}/verwaltung/sondernutzungen/{permit.public_id}/",
    }
    for kind, to, template in (
        ("permit.new", permit.organisation.email, "mail/permit_new.txt"),
        ("permit.received", permit.applicant_email, "mail/permit_received.txt"),
    ):
        mail_queue(
            kind=kind,
            to=to,
            template=template,
            context=context,
            object_type="permit",
            object_id=permit.public_id,
        )


def _attachments(case: Permit | ParkingPermit) -> list[dict[str, str]]:
    """The notices issued with this change (left on ``case.issued_notices`` by permits.services.notices)."""
    return [
        {"name": n.file.name, "filename": notice_filename(case, n), "content_type": "application/pdf"}
        for n in getattr(case, "issued_notices", [])
    ]


@receiver(status_recorded, sender=ParkingPermit, dispatch_uid="permits.notify.parking_status")
def notify_parking_applicant(
    sender: Any, *, case: ParkingPermit, change: ParkingPermitStatusChange, **kwargs: Any
) -> None:
    """The applicant hears of the decision (with Bescheid and Gebührenbescheid) and of the start of the
    validity (with the Parkausweis to print). Notes without a public text stay on the tracking page."""
    attachments = _attachments(case)
    if change.from_status == change.to_status and not (change.public_note or attachments):
        return
    mail_queue(
        kind="parking.status",
        to=case.applicant_email,
        template="mail/parking_status.txt",
        context={
            "permit": case,
            "status_label": PERMIT_WORKFLOW.label(change.to_status),
            "note": change.public_note,
            "attachments": [a["filename"] for a in attachments],
            "tracking_url": tracking_url(case),
        },
        object_type="parking",
        object_id=case.public_id,
        attachments=attachments,
    )


@receiver(status_recorded, sender=Permit, dispatch_uid="permits.notify.applicant_status")
def notify_applicant_status(sender: Any, *, case: Permit, change: PermitStatusChange, **kwargs: Any) -> None:
    """The applicant hears of every decision (approval with conditions, refusal, withdrawal); a decision
    with written notices (``permits.services.notices`` leaves them on ``case.issued_notices``) carries
    them as PDF attachments."""
    mail_queue(
        attachments=_attachments(case),
        kind="permit.status",
        to=case.applicant_email,
        template="mail/permit_status.txt",
        context={
            "permit": case,
            "status_label": PERMIT_WORKFLOW.label(change.to_status),
            "note": change.public_note,
            "tracking_url": tracking_url(case),
        },
        object_type="permit",
        object_id=case.public_id,
    )
