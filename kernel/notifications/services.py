"""Queue e-mails (outbox row + task after commit) and send them from the task worker with retries."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.tasks import Task, TaskResultStatus
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from kernel.notifications.models import OutgoingMail

# RFC 5321 allows at most 254 characters in an address, and every e-mail column (EmailField) is that
# long; Django's validate_email alone accepts up to 320 (then the INSERT failed with a 500).
EMAIL_MAX = 254


def email_is_valid(value: str) -> bool:
    """An address we can store and send to: Django's syntax check and at most ``EMAIL_MAX`` characters."""
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= EMAIL_MAX


logger = logging.getLogger(__name__)

# The secret part of every case's tracking link (``kernel.cases.tracking``: /…/verfolgen/<token>/, the token
# URL-safe base64). After delivery a stored body keeps the link's shape but not the token, so a database
# dump or backup holds no working link.
# The same holds for the other signed links mailed to a person (``django.core.signing`` tokens, which also
# contain ":" and "."): „Ist der Mangel behoben?“ (/behoben/<token>/ja/), a Rückfrage (/rueckfrage/<token>/), an update's confirmation
# (/ergaenzung/<token>/), a subscription's confirmation, one-click unsubscribe (also in the stored
# List-Unsubscribe header) and management (/benachrichtigungen/bestaetigen|abmelden|verwalten/<token>/),
# and taking over cases into an account (/mein-konto/uebernehmen/<token>/); and a staff invitation
# (/verwaltung/einladung/<token>/), whose token only the mail ever held; and a hand-off to an outside party
# (/meldungen/<Nummer>/auftrag/<token>/).
TRACKING_TOKEN = re.compile(
    r"/(verfolgen|behoben|rueckfrage|ergaenzung|bestaetigen|abmelden|verwalten|uebernehmen|einladung|auftrag)/[A-Za-z0-9_:.-]+/"
)
REDACTED_TOKEN = r"/\1/[entfernt]/"


def redact_tracking_links(text: str) -> str:
    return TRACKING_TOKEN.sub(REDACTED_TOKEN, text)


def redact_stored_links(mail: OutgoingMail) -> list[str]:
    """Redact the secret links in a delivered mail's stored body and headers; returns the changed fields."""
    changed = []
    body = redact_tracking_links(mail.body)
    if body != mail.body:
        mail.body, changed = body, [*changed, "body"]
    headers = {name: redact_tracking_links(value) for name, value in (mail.headers or {}).items()}
    if headers != (mail.headers or {}):
        mail.headers, changed = headers, [*changed, "headers"]
    return changed


def one_click_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058 for a mail with a signed stop link (a subscription's alerts and status mails,
    the reporter's status mails): mail clients show "Abbestellen" and unsubscribe with one POST to ``url``,
    no cookies, no CSRF token. Stored with the outbox row; redacted after delivery like the body.

    No ``mailto:`` variant: no mailbox here reads unsubscribe mails, and a header must not promise one."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send_mail_task() -> Task:
    """The task that sends one outbox row (``kernel.notifications.tasks.send_mail_task``)."""
    # Imported when called, not at the top: kernel.notifications.tasks imports mail_send from this module, so a
    # top-level import would be a cycle (whichever module is imported first would see the other half-done).
    from kernel.notifications.tasks import send_mail_task

    return send_mail_task


def mail_queue(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict,
    object_type: str = "",
    object_id: str = "",
    attachments: Iterable[dict[str, str]] = (),
    headers: dict[str, str] | None = None,
) -> OutgoingMail | None:
    """Record an e-mail in the outbox and hand it to the task worker once the transaction commits.

    ``template`` names a text template whose first line is the subject. Returns None without a recipient.
    ``attachments``: stored files to send along (``{"name": storage name, "filename", "content_type"}``);
    ``headers`` are added to the message (e.g. ``List-Unsubscribe``).
    """
    if not to:
        return None
    # The mail texts are German: amounts and numbers too ("1.234,50 EUR"), whatever language the page
    # that caused the mail was in.
    with translation.override("de"):
        text = render_to_string(template, {"site_url": settings.SITE_URL, **context}).strip()
    subject, _, body = text.partition("\n")
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=to,
        subject=subject.strip()[:300],
        body=body.strip() + "\n",
        object_type=object_type,
        object_id=object_id,
        attachments=list(attachments),
        headers=headers or {},
    )
    # robust: the change this mail reports is already committed when the callback runs. If the enqueue
    # fails (the database went away in between), the request must not turn into an error for a stored
    # change; the row stays unsent and the task worker's sweep (mail_requeue_pending) queues it later.
    transaction.on_commit(lambda: _send_mail_task().enqueue(mail.pk), robust=True)
    return mail


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff: 1, 2, 4 … minutes (setting MAIL_RETRY_BASE_SECONDS), capped at one hour."""
    base = getattr(settings, "MAIL_RETRY_BASE_SECONDS", 60)
    return dt.timedelta(seconds=min(3600, base * 2 ** max(0, attempt - 1)))


MAX_ATTEMPTS = 8


def message_id(mail: OutgoingMail) -> str:
    """The same Message-ID on every attempt for one outbox row.

    Sending is at-least-once: if the database connection dies after the mail server accepted a message
    but before ``sent`` is committed (the fault run restarts PostgreSQL under load and saw this once),
    the row is sent again. With a stable Message-ID (RFC 5322) receivers and mail clients can recognise
    the second copy as the same message.
    """
    host = urlsplit(settings.SITE_URL).hostname or "maengelmelder.localhost"
    return f"<outbox.{mail.pk}.{mail.created:%Y%m%d%H%M%S}@{host}>"


def _attach(message: EmailMessage, attachments: list[dict[str, str]]) -> None:
    """Read each attached file from the storage. A file that is gone (erased under the retention rules
    before the mail went out) is left out rather than holding the mail back."""
    for item in attachments:
        try:
            with default_storage.open(item["name"], "rb") as handle:
                data = handle.read()
        except (FileNotFoundError, OSError):
            logger.warning("mail attachment %s is gone", item["name"])
            continue
        message.attach(item["filename"], data, item["content_type"])


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
            headers = {**(mail.headers or {}), "Message-ID": message_id(mail)}
            message = EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to], headers=headers)
            _attach(message, mail.attachments)
            message.send()
        except Exception as exc:  # noqa: BLE001 - any transport error means: try again later
            mail.last_error = f"{type(exc).__name__}: {exc}"[:300]
            mail.failed = mail.attempts >= MAX_ATTEMPTS
            mail.save(update_fields=["attempts", "last_error", "failed"])
            logger.warning("mail %s attempt %s failed: %s", mail.pk, mail.attempts, type(exc).__name__)
            if mail.failed:
                return "failed"
            delay = retry_delay(mail.attempts)
            transaction.on_commit(
                lambda: _send_mail_task().using(run_after=timezone.now() + delay).enqueue(mail.pk)
            )
            return "retry"
        mail.sent = timezone.now()
        mail.last_error = ""
        redact_stored_links(mail)  # delivered: the stored copy needs no working link
        mail.save(update_fields=["attempts", "sent", "last_error", "body", "headers"])
        return "sent"


def mail_requeue_pending() -> int:
    """Enqueue every unsent, not yet failed mail that has no task waiting or running for it.

    Covers a task that was never queued (the enqueue after commit failed) or that ended without sending
    (its worker died mid-way and the task was given up). Mails with a queued task — including a retry
    waiting for its back-off — are left alone, so this never doubles tasks; sending is idempotent per row
    anyway. Returns the number of tasks queued.
    """
    send_mail_task = _send_mail_task()
    queued = set()
    for args_kwargs in DBTaskResult.objects.filter(
        task_path=send_mail_task.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True):
        queued.update(args_kwargs.get("args", [])[:1])
    ids = OutgoingMail.objects.filter(sent__isnull=True, failed=False).values_list("pk", flat=True)
    missing = [pk for pk in ids if pk not in queued]
    for pk in missing:
        send_mail_task.enqueue(pk)
    return len(missing)


def tasks_requeue_orphaned(
    *, claimed_before: dt.datetime | None = None, worker_ids: Iterable[str] = ()
) -> int:
    """Put tasks back in the queue that a worker claimed (RUNNING) and will never finish.

    django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker
    killed (SIGKILL, OOM, power loss) or cut off from the database mid-task leaves it RUNNING forever.
    Which tasks are orphaned is the caller's knowledge: those claimed by ``worker_ids`` (a worker that
    knows it is no longer running them), or claimed before ``claimed_before`` (longer ago than any task
    can take). Re-running is safe for mail (``mail_send`` skips a sent row). Returns the count.
    """
    ids = set(worker_ids)
    orphaned = []
    for pk, started, workers in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "pk", "started_at", "worker_ids"
    ):
        if (workers and workers[-1] in ids) or (claimed_before and started and started < claimed_before):
            orphaned.append(pk)
    if orphaned:
        DBTaskResult.objects.filter(pk__in=orphaned, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        logger.warning("%s orphaned task(s) put back in the queue", len(orphaned))
    return len(orphaned)
