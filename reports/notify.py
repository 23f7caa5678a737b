"""Who is told what about a report. Only queues outbox rows (notifications.services.mail_queue);
the task worker sends them after the transaction committed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.services import mail_queue
from organisations.models import Organisation, OrganisationKind

if TYPE_CHECKING:
    from reports.models import Report, StatusChange


def recipient_for(report: Report) -> str:
    """The commune's recipient for this category if it set one, else the organisation's address."""
    from reports.models import CommuneCategorySetting

    org = report.organisation
    if org.kind == OrganisationKind.COMMUNE:
        setting = CommuneCategorySetting.objects.filter(ags=org.ags, category_id=report.category_id).first()
        if setting and setting.recipient_email:
            return setting.recipient_email
    return org.email


def _staff_url(report: Report) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/verwaltung/meldungen/{report.public_id}/"


def notify_new_report(report: Report) -> None:
    mail_queue(
        kind="report.new",
        to=recipient_for(report),
        template="mail/report_new.txt",
        context={"report": report, "staff_url": _staff_url(report)},
        object_type="report",
        object_id=report.public_id,
    )


def notify_reporter_status(report: Report, change: StatusChange) -> None:
    """Tell the citizen about every public status change, if they left an e-mail address."""
    from reports.services import tracking_url
    from reports.workflow import REPORT_WORKFLOW

    mail_queue(
        kind="report.status",
        to=report.reporter_email,
        template="mail/report_status.txt",
        context={
            "report": report,
            "status_label": REPORT_WORKFLOW.label(change.to_status),
            "note": change.public_note,
            "tracking_url": tracking_url(report),
        },
        object_type="report",
        object_id=report.public_id,
    )


def notify_forwarded(report: Report, source: Organisation, reason: str) -> None:
    mail_queue(
        kind="report.forwarded",
        to=recipient_for(report),
        template="mail/report_forwarded.txt",
        context={"report": report, "source": source, "reason": reason, "staff_url": _staff_url(report)},
        object_type="report",
        object_id=report.public_id,
    )
