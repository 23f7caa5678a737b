"""Who is told what about a report. Mails only queue outbox rows (kernel.notifications.services.mail_queue); the
task worker sends them after the transaction committed.

The reporter's mails are sent from here: the receipt, and the status mail of every public change
(:func:`notify_status_change`) with the private tracking link and a signed link to stop them
(``domains.reports.status_mails``; the choice is ``Report.reporter_status_mails``).

Two signals tell the one layer above that cares (``subscriptions``, which ``reports`` may not import;
receivers in ``shared/subscriptions/receivers.py``), sent by the report services, inside their transaction:

- :data:`report_created` (``report``): immediate area/commune alerts are queued;
- :data:`report_status_changed` (``report``, ``change``, ``reporter_mailed``): a public status change or
  public note, after the reporter's own mail — the followers' copies, built here by
  :func:`queue_status_mail`; ``reporter_mailed`` is the address that already got the reporter's copy
  ("" if none), which the followers' loop skips.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import Signal
from django.urls import reverse

from domains.reports.models import CommuneCategorySetting, Report, StatusChange
from domains.reports.status_mails import status_mails_stop_url
from domains.reports.workflow import REPORT_WORKFLOW
from kernel.cases.tracking import tracking_url
from kernel.notifications.selectors import mail_queued_about
from kernel.notifications.services import mail_queue, one_click_unsubscribe_headers
from kernel.organisations.models import Organisation, OrganisationKind
from kernel.organisations.readiness import Fallback, preparation_fallback

RECEIPT_KIND = "report.received"  # the reporter's receipt; one of personal_data.REPORTER_MAIL_KINDS

report_created = Signal()
report_status_changed = Signal()


def recipient_for(report: Report) -> str:
    """The commune's recipient for this category if it set one, else the organisation's address."""
    org = report.organisation
    if org.kind == OrganisationKind.COMMUNE:
        setting = CommuneCategorySetting.objects.filter(ags=org.ags, category_id=report.category_id).first()
        if setting and setting.recipient_email:
            return setting.recipient_email
    return org.email


def staff_recipient(report: Report) -> tuple[str, Fallback | None]:
    """Where a mail for the organisation handling ``report`` goes: its recipient, or — while the commune
    is "in Vorbereitung" — the district's or the operator's address (returned too, for the mail's note)."""
    fallback = preparation_fallback(report.organisation)
    return (fallback.email, fallback) if fallback else (recipient_for(report), None)


def public_url(report: Report) -> str:
    """The report's public page, for mails (status mails, alerts)."""
    return settings.SITE_URL + reverse("web:report-detail", args=[report.public_id])


def _staff_url(report: Report) -> str:
    return settings.SITE_URL + reverse("staff:report", args=[report.public_id])


def notify_new_report(report: Report) -> None:
    """The mail to the responsible organisation. While a commune is "in Vorbereitung" (its go-live
    checklist is not done, ``kernel.organisations.readiness``) it goes to the district or the platform
    operator instead, with a note saying why: the report is accepted and routed all the same."""
    to, fallback = staff_recipient(report)
    mail_queue(
        kind="report.new",
        to=to,
        template="mail/report_new.txt",
        context={"report": report, "staff_url": _staff_url(report), "fallback": fallback},
        object_type="report",
        object_id=report.public_id,
    )


def notify_reporter_receipt(report: Report) -> None:
    """The reporter's receipt (Eingangsbestätigung) with the private tracking link, as permits send one
    (``domains.permits.notify.notify_new_permit``); nothing without an address. Number, category, commune
    and the nearest address the server found — not the description, name, phone or the free place text,
    so an address typed by someone else receives no text that person wrote, only the link to this report.

    One per report, so the report throttles bound it; it does not count towards
    ``THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS``, which bounds the mails a request sends without storing a
    case. Kind ``report.received`` is one of ``REPORTER_MAIL_KINDS``: erased with the reporter's contact."""
    mail_queue(
        kind=RECEIPT_KIND,
        to=report.reporter_email,
        template="mail/report_received.txt",
        context={"report": report, "tracking_url": tracking_url(report)},
        object_type="report",
        object_id=report.public_id,
    )


def receipt_queued(report: Report) -> bool:
    """Whether the reporter's receipt went into the outbox (the confirmation page says the link was mailed
    only then; the report's own address is deferred on public reads)."""
    return mail_queued_about(kind=RECEIPT_KIND, object_type="report", object_id=report.public_id)


def status_mail_due(change: StatusChange) -> bool:
    """Status mails go out for every public status change and every public note, never for an internal
    note only."""
    return change.from_status != change.to_status or bool(change.public_note)


def notify_status_change(report: Report, change: StatusChange) -> None:
    """After a status change or note of ``report`` (inside its transaction, the row locked): if a status
    mail is due, first the reporter's (unless they stopped them), then the followers' through the signal
    (only ``subscriptions`` knows them), told which address already has its copy."""
    if not status_mail_due(change):
        return
    reporter_mailed = notify_reporter_status(report, change)
    if not report.is_public:  # followers are the public: an internal or held report tells them nothing
        return
    report_status_changed.send(sender=Report, report=report, change=change, reporter_mailed=reporter_mailed)


def notify_reporter_status(report: Report, change: StatusChange) -> str:
    """The reporter's status mail: tracking link, stop link and RFC 8058 headers. Returns the address it
    went to, "" if none (no address, or the reporter stopped these mails)."""
    if not report.reporter_email or not report.reporter_status_mails:
        return ""
    url = status_mails_stop_url(report)
    queue_status_mail(
        report,
        change,
        to=report.reporter_email,
        reporter=True,
        unsubscribe_url=url,
        headers=one_click_unsubscribe_headers(url),
    )
    return report.reporter_email


def queue_status_mail(
    case: Report,
    change: StatusChange,
    *,
    to: str,
    reporter: bool,
    unsubscribe_url: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """The one builder of a report's status mail, for the reporter and for every follower.

    Only the reporter's copy carries the private tracking link; a follower gets the public page. The
    caller decides who is told and adds the unsubscribe link and headers (RFC 8058):
    :func:`notify_reporter_status` for the reporter, ``shared.subscriptions.receivers`` (on
    :data:`report_status_changed`) for each follower."""
    mail_queue(
        kind="report.status",
        to=to,
        template="mail/report_status.txt",
        context={
            "report": case,
            "status_label": REPORT_WORKFLOW.label(change.to_status),
            "note": change.public_note,
            "reporter": reporter,
            "tracking_url": tracking_url(case) if reporter else "",
            "public_url": public_url(case),
            "unsubscribe_url": unsubscribe_url,
        },
        object_type="report",
        object_id=case.public_id,
        headers=headers,
    )


def notify_forwarded(report: Report, source: Organisation, reason: str) -> None:
    to, fallback = staff_recipient(report)
    mail_queue(
        kind="report.forwarded",
        to=to,
        template="mail/report_forwarded.txt",
        context={
            "report": report,
            "source": source,
            "reason": reason,
            "staff_url": _staff_url(report),
            "fallback": fallback,
        },
        object_type="report",
        object_id=report.public_id,
    )


def notify_not_fixed(report: Report, comment: str) -> None:
    """The reporter answered "Nein" to „Ist der Mangel behoben?“ (``domains.reports.services.questionnaires``)."""
    to, fallback = staff_recipient(report)
    mail_queue(
        kind="report.not_fixed",
        to=to,
        template="mail/report_not_fixed.txt",
        context={"report": report, "comment": comment, "staff_url": _staff_url(report), "fallback": fallback},
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
    to, fallback = staff_recipient(report)
    mail_queue(
        kind="report.notice",
        to=to,
        template="mail/notice_new.txt",
        context={
            "report": report,
            "notice": notice,
            "fallback": fallback,
            "moderation_url": settings.SITE_URL + reverse("staff:moderation"),
        },
        object_type="report",
        object_id=report.public_id,
    )


def notify_inquiry(
    report: Report, change: StatusChange | None, *, url: str, question: str, reminder: bool
) -> None:
    """The Rückfrage to the reporter (``domains.reports.services.inquiries``): the question and the signed
    answer link; ``reminder`` for the one reminder. On asking (``change`` given) the followers hear of
    the new status through the signal, while the reporter, who has this mail, gets no second status mail."""
    mail_queue(
        kind="report.inquiry_reminder" if reminder else "report.inquiry",
        to=report.reporter_email,
        template="mail/report_inquiry.txt",
        context={"report": report, "question": question, "answer_url": url, "reminder": reminder},
        object_type="report",
        object_id=report.public_id,
    )
    if change is not None and status_mail_due(change):
        report_status_changed.send(
            sender=Report, report=report, change=change, reporter_mailed=report.reporter_email
        )


def notify_inquiry_answered(report: Report, change: StatusChange, *, question: str, answer: str) -> None:
    """The reporter answered a Rückfrage: the organisation is told (with the answer, a staff mail);
    followers hear of a public answer through the signal, the reporter (who wrote it) gets no copy."""
    to, fallback = staff_recipient(report)
    mail_queue(
        kind="report.inquiry_answered",
        to=to,
        template="mail/report_inquiry_answered.txt",
        context={
            "report": report,
            "question": question,
            "answer": answer,
            "staff_url": _staff_url(report),
            "fallback": fallback,
        },
        object_type="report",
        object_id=report.public_id,
    )
    if status_mail_due(change):
        report_status_changed.send(
            sender=Report, report=report, change=change, reporter_mailed=report.reporter_email
        )
