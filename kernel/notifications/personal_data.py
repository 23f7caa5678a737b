"""Personal data in the outbox: finding and erasing mails of one person, redacting tracking links.

Each function changes the outbox only; the audit entries are written by the caller (``privacy``), which
sits above ``organisations`` and its audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet

from kernel.notifications.models import OutgoingMail
from kernel.notifications.services import TRACKING_TOKEN, redact_stored_links

ERASED_BODY = "(Inhalt auf Anfrage gelöscht.)\n"
ERASED_BODY_RETENTION = "(Inhalt nach Ablauf der Aufbewahrungsfrist gelöscht.)\n"


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


def mails_to_since(email: str, *, kinds: Iterable[str], since: dt.datetime) -> int:
    """How many mails of these kinds were queued for ``email`` (any case) since ``since``."""
    return OutgoingMail.objects.filter(
        to__iexact=email.strip(), kind__in=list(kinds), created__gte=since
    ).count()


def mails_about(*, object_type: str, object_id: str) -> QuerySet[OutgoingMail]:
    """Every mail about one object, whoever it went to."""
    return OutgoingMail.objects.filter(object_type=object_type, object_id=object_id).order_by("created", "pk")


def mail_erase(*, mail_id: int, reason: str = "request") -> None:
    """Art. 17 DSGVO or the end of a retention period: remove recipient, body (with the salutation),
    stored headers (the unsubscribe link) and the references to attached files (their names carry the
    case number and the notices' kind); an unsent mail is never sent (marked failed). The subject stays:
    no template puts personal data there, and it says what the mail was about."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().get(pk=mail_id)
        mail.to = ""
        mail.body = ERASED_BODY if reason == "request" else ERASED_BODY_RETENTION
        mail.headers = {}
        mail.attachments = []
        if mail.sent is None and not mail.failed:
            mail.failed = True
            mail.last_error = (
                "Auf Anfrage gelöscht" if reason == "request" else "Aufbewahrungsfrist abgelaufen"
            )
        mail.save(update_fields=["to", "body", "headers", "attachments", "failed", "last_error"])


def mails_about_erase(
    *,
    object_type: str,
    object_id: str,
    to: Iterable[str],
    kinds: Iterable[str] | None = None,
    reason: str = "retention",
) -> int:
    """Erase the mails about one object (``object_type``/``object_id``, as ``mail_queue`` stored them)
    that went to one of the addresses ``to`` — optionally only of these ``kinds``. Every eraser of
    personal data calls this for its object, so the outbox never keeps the name and address a case lost
    (mails to the organisation name no person and stay). Returns how many mails were erased."""
    match = Q()
    for address in {a.strip().lower() for a in to if a and a.strip()}:
        match |= Q(to__iexact=address)
    if not match:
        return 0
    mails = OutgoingMail.objects.filter(match, object_type=object_type, object_id=object_id)
    if kinds is not None:
        mails = mails.filter(kind__in=list(kinds))
    ids = list(mails.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        mail_erase(mail_id=pk, reason=reason)
    return len(ids)
