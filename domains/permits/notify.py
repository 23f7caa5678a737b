"""Who is told what about a special-use permit or a parking permit. Only queues outbox rows
(kernel.notifications.services.mail_queue); the task worker sends them after the transaction committed. The
permit services call these functions right after recording a change (``domains.permits.services``); written
notices come as arguments and go out as PDF attachments."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse

from domains.permits.media import notice_filename
from domains.permits.models import (
    Notice,
    ParkingPermit,
    ParkingPermitStatusChange,
    Permit,
    PermitStatusChange,
)
from domains.permits.selectors import permit_conditions
from domains.permits.workflow import PERMIT_WORKFLOW
from kernel.cases.tracking import tracking_url
from kernel.notifications.selectors import mail_queued_about
from kernel.notifications.services import mail_queue
from kernel.organisations.readiness import preparation_fallback

PARKING_RECEIPT_KIND = "parking.received"  # the parking applicant's receipt (Eingangsbestätigung)


def notify_new_permit(permit: Permit) -> None:
    """The commune hears of a new application; the applicant gets a receipt with the tracking link.
    While the commune is "in Vorbereitung" the commune's mail goes to the district or the operator with a
    note, as for reports (``kernel.organisations.readiness.preparation_fallback``): the application is
    accepted and stays the commune's case all the same."""
    fallback = preparation_fallback(permit.organisation)
    context = {
        "permit": permit,
        "tracking_url": tracking_url(permit),
        "staff_url": settings.SITE_URL + reverse("staff:permit", args=[permit.public_id]),
        "fallback": fallback,
    }
    for kind, to, template in (
        ("permit.new", fallback.email if fallback else permit.organisation.email, "mail/permit_new.txt"),
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


def notify_parking_receipt(case: ParkingPermit) -> None:
    """The parking applicant's receipt with the private tracking link, as reports and permits send one.
    Number, zone, commune and yearly fee; not the plate or the postal address, so an address typed by
    someone else receives nothing that person wrote, only the link to this application. Erased with the
    applicant's data (``personal_data`` erases every mail about the case to that address)."""
    mail_queue(
        kind=PARKING_RECEIPT_KIND,
        to=case.applicant_email,
        template="mail/parking_received.txt",
        context={"permit": case, "tracking_url": tracking_url(case)},
        object_type="parking",
        object_id=case.public_id,
    )


def parking_receipt_queued(case: ParkingPermit) -> bool:
    """Whether the receipt went into the outbox (the thank-you page says the link was mailed only then)."""
    return mail_queued_about(kind=PARKING_RECEIPT_KIND, object_type="parking", object_id=case.public_id)


def _attachments(case: Permit | ParkingPermit, notices: Sequence[Notice]) -> list[dict[str, str]]:
    """The notices issued with this change, as mail attachments."""
    return [
        {"name": n.file.name, "filename": notice_filename(case, n), "content_type": "application/pdf"}
        for n in notices
    ]


def notify_parking_applicant(
    case: ParkingPermit, change: ParkingPermitStatusChange, *, notices: Sequence[Notice] = ()
) -> None:
    """The applicant hears of the decision (with Bescheid and Gebührenbescheid) and of the start of the
    validity (with the Parkausweis to print). Notes without a public text stay on the tracking page."""
    attachments = _attachments(case, notices)
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


def notify_applicant_status(
    case: Permit, change: PermitStatusChange, *, notices: Sequence[Notice] = ()
) -> None:
    """The applicant hears of every decision (approval with conditions, refusal, withdrawal); a decision
    with written notices (``domains.permits.services.notices``) carries them as PDF attachments."""
    mail_queue(
        attachments=_attachments(case, notices),
        kind="permit.status",
        to=case.applicant_email,
        template="mail/permit_status.txt",
        context={
            "permit": case,
            "status_label": PERMIT_WORKFLOW.label(change.to_status),
            "conditions": permit_conditions(case),
            "note": change.public_note,
            "tracking_url": tracking_url(case),
        },
        object_type="permit",
        object_id=case.public_id,
    )
