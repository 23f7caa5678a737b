"""Writes for accessibility feedback: submit (opens the operator's case, queues the mails), mark it
answered, and erase the e-mail address when its time is over."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from domains.accessibility.models import DESCRIPTION_MAX, PAGE_URL_MAX, AccessibilityFeedback, FeedbackStatus
from kernel.core.errors import ValidationFailed, reject_nul
from kernel.notifications.personal_data import mails_about_erase
from kernel.notifications.services import email_is_valid, mail_queue
from kernel.organisations.audit import audit

# The address is kept while the operator may still need to write back: 90 days after the answer (as for
# reporters' contact data), and never longer than a year after submission, answered or not.
EMAIL_KEEP_AFTER_ANSWER = dt.timedelta(days=90)
EMAIL_KEEP_MAX = dt.timedelta(days=365)
OBJECT_TYPE = "a11y_feedback"


def one_month_after(moment: dt.datetime) -> dt.datetime:
    """The same day of the next calendar month (31 January → 28/29 February), in local time: "within one
    month" as BITV 2.0 § 7 and § 188 BGB count it, not a fixed 30 days."""
    local = timezone.localtime(moment)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _validated(description: str, page_url: str, email: str) -> tuple[str, str, str]:
    description, page_url, email = (
        (description or "").strip(),
        (page_url or "").strip(),
        (email or "").strip(),
    )
    reject_nul({"description": description, "page_url": page_url, "email": email})
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = ["Bitte beschreiben Sie die Barriere."]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"Die Beschreibung darf höchstens {DESCRIPTION_MAX} Zeichen lang sein."]
    if len(page_url) > PAGE_URL_MAX:
        errors["page_url"] = [f"Die Adresse der Seite darf höchstens {PAGE_URL_MAX} Zeichen lang sein."]
    if email and not email_is_valid(email):
        errors["email"] = ["Bitte eine gültige E-Mail-Adresse angeben oder das Feld leer lassen."]
    if errors:
        raise ValidationFailed(errors)
    return description, page_url, email


def feedback_submit(*, description: str, page_url: str = "", email: str = "") -> AccessibilityFeedback:
    """Open a case for the platform operator, due one month later; tell the operator (if an address is
    configured) and confirm to the person (if they gave one). Mails go through the outbox after commit."""
    description, page_url, email = _validated(description, page_url, email)
    now = timezone.now()
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            created=now, due=one_month_after(now), description=description, page_url=page_url, email=email
        )
        context = {"feedback": feedback}
        mail_queue(
            kind="a11y_feedback_new",
            to=settings.PLATFORM_OPERATOR_EMAIL,
            template="mail/a11y_feedback_new.txt",
            context=context,
            object_type=OBJECT_TYPE,
            object_id=str(feedback.pk),
        )
        mail_queue(
            kind="a11y_feedback_received",
            to=email,
            template="mail/a11y_feedback_received.txt",
            context=context,
            object_type=OBJECT_TYPE,
            object_id=str(feedback.pk),
        )
    return feedback


def feedback_mark_answered(*, feedback_id: int, actor: Any = None, note: str = "") -> bool:
    """Record that the operator answered; False when it already was."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.select_for_update().get(pk=feedback_id)
        if feedback.status == FeedbackStatus.ANSWERED:
            return False
        feedback.status = FeedbackStatus.ANSWERED
        feedback.answered = timezone.now()
        feedback.answer_note = note.strip()
        feedback.save(update_fields=["status", "answered", "answer_note"])
        audit(
            actor=actor,
            action="a11y_feedback.answered",
            obj=feedback,
            summary=f"Rückmeldung zur Barrierefreiheit {feedback.pk} als beantwortet markiert",
        )
    return True


def feedback_email_due(*, moment: dt.datetime) -> QuerySet[AccessibilityFeedback]:
    """Feedback whose e-mail address must go at ``moment``."""
    return AccessibilityFeedback.objects.exclude(email="").filter(
        Q(answered__lte=moment - EMAIL_KEEP_AFTER_ANSWER) | Q(created__lte=moment - EMAIL_KEEP_MAX)
    )


def feedback_erase_email(*, feedback_id: int) -> bool:
    """Blank the address (the description stays: it says what the barrier was, not who saw it)."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.select_for_update().get(pk=feedback_id)
        if not feedback.email:
            return False
        # The confirmation to the person; the operator's mail names no address.
        mails = mails_about_erase(object_type=OBJECT_TYPE, object_id=str(feedback.pk), to=[feedback.email])
        feedback.email = ""
        feedback.email_erased = timezone.now()
        feedback.save(update_fields=["email", "email_erased"])
        audit(
            actor=None,
            action="a11y_feedback.email_erased",
            obj=feedback,
            summary=f"E-Mail-Adresse aus Rückmeldung zur Barrierefreiheit {feedback.pk} gelöscht",
            mails=mails,
        )
    return True


def feedbacks_of_person(email: str) -> QuerySet[AccessibilityFeedback]:
    return AccessibilityFeedback.objects.filter(email__iexact=email.strip())


def feedback_personal_record(feedback: AccessibilityFeedback) -> dict:
    return {
        "id": feedback.pk,
        "created": feedback.created.isoformat(),
        "page_url": feedback.page_url,
        "description": feedback.description,
        "email": feedback.email,
        "status": feedback.status,
    }
