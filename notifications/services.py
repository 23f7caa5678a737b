"""Queue e-mails (outbox row + task after commit) and send them from the task worker with retries."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import OutgoingMail

logger = logging.getLogger(__name__)


def mail_queue(
    *, kind: str, to: str, template: str, context: dict, object_type: str = "", object_id: str = ""
) -> OutgoingMail | None:
    """Record an e-mail in the outbox and hand it to the task worker once the transaction commits.

    ``template`` names a text template whose first line is the subject. Returns None without a recipient.
    """
    if not to:
        return None
    text = render_to_string(template, {"site_url": settings.SITE_URL, **context}).strip()
    subject, _, body = text.partition("\n")
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=to,
        subject=subject.strip()[:300],
        body=body.strip() + "\n",
        object_type=object_type,
        object_id=object_id,
    )
    from notifications.tasks import send_mail_task

    transaction.on_commit(lambda: send_mail_task.enqueue(mail.pk))
    return mail


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff: 1, 2, 4 … minutes (setting MAIL_RETRY_BASE_SECONDS), capped at one hour."""
    base = getattr(settings, "MAIL_RETRY_BASE_SECONDS", 60)
    return dt.timedelta(seconds=min(3600, base * 2 ** max(0, attempt - 1)))


MAX_ATTEMPTS = 8


def mail_send(mail_id: int) -> str:
    """Send one outbox row. Returns "sent", "already-sent", "retry" or "failed".

    The row is locked while sending so two workers never send the same mail; a sent row is skipped.
    """
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None:
            return "already-sent"  # locked by another worker right now, or gone
        if mail.sent or mail.failed:
            return "already-sent"
        mail.attempts += 1
        try:
            EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
        except Exception as exc:  # noqa: BLE001 - any transport error means: try again later
            mail.last_error = f"{type(exc).__name__}: {exc}"[:300]
            mail.failed = mail.attempts >= MAX_ATTEMPTS
            mail.save(update_fields=["attempts", "last_error", "failed"])
            logger.warning("mail %s attempt %s failed: %s", mail.pk, mail.attempts, type(exc).__name__)
            if mail.failed:
                return "failed"
            delay = retry_delay(mail.attempts)
            from notifications.tasks import send_mail_task

            transaction.on_commit(
                lambda: send_mail_task.using(run_after=timezone.now() + delay).enqueue(mail.pk)
            )
            return "retry"
        mail.sent = timezone.now()
        mail.last_error = ""
        mail.save(update_fields=["attempts", "sent", "last_error"])
        return "sent"


def mail_requeue_pending() -> int:
    """Enqueue every unsent, not yet failed mail (after an outage); sending is idempotent per row."""
    from notifications.tasks import send_mail_task

    ids = list(OutgoingMail.objects.filter(sent__isnull=True, failed=False).values_list("pk", flat=True))
    for pk in ids:
        send_mail_task.enqueue(pk)
    return len(ids)
