"""Who is told what about a report. Only queues outbox rows (notifications.services.mail_queue);
the task worker sends them after the transaction committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from cases.signals import status_recorded
from cases.tracking import tracking_url
from notifications.services import mail_queue
from organisations.models import Organisation, OrganisationKind
from reports.models import CommuneCategorySetting, Report, StatusChange
from reports.workflow import REPORT_WORKFLOW


def recipient_for(report: Report) -> str:
    """The commune's recipient for this category if it set one, else the organisation's address."""
    org = report.organisation
    if org.kind == OrganisationKind.COMMUNE:
        setting = CommuneCategorySetting.objects.filter(ags=org.ags, category_id=report.category_id).first()
        if setting and setting.recipient_email:
            return setting.recipient_email
    return org.email


def _staff_url(report: Report) -> str:
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


@receiver(status_recorded, sender=Report, dispatch_uid="reports.notify.reporter_status")
def notify_reporter_status(sender: Any, *, case: Report, change: StatusChange, **kwargs: Any) -> None:
    """Tell the citizen about every status change and every public note, if they left an e-mail address."""
    if not case.reporter_email:
        return
    if change.from_status == change.to_status and not change.public_note:
        return  # an internal note only
    mail_queue(
        kind="report.status",
        to=case.reporter_email,
        template="mail/report_status.txt",
        context={
            "report": case,
            "status_label": REPORT_WORKFLOW.label(change.to_status),
            "note": change.public_note,
            "tracking_url": tracking_url(case),
        },
        object_type="report",
        object_id=case.public_id,
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


def notify_not_fixed(report: Report, comment: str) -> None:
    """The reporter answered "Nein" to „Ist der Mangel behoben?“ (``reports.services.questionnaires``)."""
    mail_queue(
        kind="report.not_fixed",
        to=recipient_for(report),
        template="mail/report_not_fixed.txt",
        context={"report": report, "comment": comment, "staff_url": _staff_url(report)},
        object_type="report",
        object_id=report.public_id,
    )


def notify_citizen(*, kind: str, to: str, template: str, report: Report, **context: Any) -> None:
    """A mail to a citizen who is not the reporter (an update's author, a notifier) about ``report``."""
    mail_queue(
        kind=kind,
        to=to,
        template=template,
        context={"report": report, **context},
        object_type="report",
        object_id=report.public_id,
    )


def notify_notice(report: Report, notice: Any) -> None:
    """A notice of illegal content arrived: tell the organisation, whose moderation queue now holds it."""
    mail_queue(
        kind="report.notice",
        to=recipient_for(report),
        template="mail/notice_new.txt",
        context={
            "report": report,
            "notice": notice,
            "moderation_url": f"{settings.SITE_URL}/verwaltung/moderation/",
        },
        object_type="report",
        object_id=report.public_id,
    )
