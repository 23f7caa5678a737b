"""Personal data in the outbox: finding and erasing mails of one person, redacting tracking links.

Each function changes the outbox only; the audit entries are written by the caller (``privacy``), which
sits above ``organisations`` and its audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet

from notifications.models import OutgoingMail
from notifications.services import TRACKING_TOKEN, redact_stored_links

ERASED_BODY = "(Inhalt auf Anfrage gelöscht.)\n"


def mails_with_tracking_links() -> QuerySet[OutgoingMail]:
    """Delivered (or finally failed) mails whose body still holds a working tracking link — sent before
    links were redacted at delivery, or left by a crash between sending and saving."""
    done = Q(sent__isnull=False) | Q(failed=True)
    return OutgoingMail.objects.filter(done, body__regex=TRACKING_TOKEN.pattern).order_by("pk")


def mail_redact_links(*, mail_id: int) -> bool:
    """Redact the tracking links of one delivered mail; False if there was nothing (left) to redact."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or (mail.sent is None and not mail.failed):
            return False
        changed = redact_stored_links(mail)
        if not changed:
            return False
        mail.save(update_fields=changed)
    return True


def mails_to(email: str, *, object_ids: Iterable[str] | None = None) -> QuerySet[OutgoingMail]:
    """Mails sent (or to be sent) to ``email``; with ``object_ids`` only those about these cases."""
    mails = OutgoingMail.objects.filter(to__iexact=email.strip()).order_by("created", "pk")
    if object_ids is not None:
        mails = mails.filter(object_id__in=list(object_ids))
    return mails


def mail_erase(*, mail_id: int) -> None:
    """Art. 17 DSGVO: remove recipient and body; an unsent mail is never sent (marked failed)."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().get(pk=mail_id)
        mail.to = ""
        mail.body = ERASED_BODY
        mail.headers = {}
        if mail.sent is None:
            mail.failed = True
            mail.last_error = "Auf Anfrage gelöscht"
        mail.save(update_fields=["to", "body", "headers", "failed", "last_error"])
