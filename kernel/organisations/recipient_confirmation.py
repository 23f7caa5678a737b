"""Confirming an organisation's address for new reports (go-live point "Empfangsadresse bestätigt"):
an admin sends a test mail through the outbox; it carries a signed link, and opening it (a button on the
page it leads to, so a mail scanner's GET confirms nothing) records the confirmation for exactly that
address. Changing the address undoes it (``Organisation.email_confirmed`` compares the two).

The link is signed with the organisation and the address (``django.core.signing``, own salt) and is valid
for :data:`LINK_DAYS` days; whoever holds the mailbox may confirm, no sign-in needed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kernel.core.errors import ValidationFailed
from kernel.notifications.services import mail_queue
from kernel.organisations.audit import audit
from kernel.organisations.models import Organisation
from kernel.organisations.scoping import require_admin

SALT = "organisations.recipient-confirmation"
LINK_DAYS = 7
KIND = "organisation.recipient_test"

WRONG_LINK = "Dieser Bestätigungslink ist ungültig. Bitte den Link aus der Testmail vollständig öffnen."
EXPIRED_LINK = (
    f"Dieser Bestätigungslink ist abgelaufen (gültig {LINK_DAYS} Tage). "
    "Bitte in den Einstellungen eine neue Testmail senden."
)
CHANGED_ADDRESS = (
    "Die Adresse für neue Meldungen wurde inzwischen geändert. Bitte eine neue Testmail an die neue "
    "Adresse senden."
)


def confirmation_token(organisation: Organisation) -> str:
    return signing.dumps({"o": organisation.pk, "e": organisation.email.lower()}, salt=SALT)


def recipient_test_send(*, actor: Any, organisation: Organisation) -> None:
    """Queue the test mail to the organisation's current address for new reports."""
    if actor is not None:
        require_admin(actor, organisation.pk)
    if not organisation.email:
        raise ValidationFailed({"email": ["Bitte zuerst eine E-Mail-Adresse für neue Meldungen speichern."]})
    url = settings.SITE_URL + reverse("staff:recipient-confirm", args=[confirmation_token(organisation)])
    with transaction.atomic():
        mail_queue(
            kind=KIND,
            to=organisation.email,
            template="mail/recipient_test.txt",
            context={"organisation": organisation, "confirm_url": url, "days": LINK_DAYS},
            object_type="organisation",
            object_id=str(organisation.pk),
        )
        audit(
            actor=actor,
            action="organisation.recipient_test",
            obj=organisation,
            organisation=organisation,
            summary=f"Testmail an {organisation.email} gesendet",
        )


def organisation_from_token(token: str) -> Organisation:
    """The organisation the link was made for; a German ``ValidationFailed`` for a wrong, expired or
    outdated link (the address changed since the mail went out)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=LINK_DAYS))
    except signing.SignatureExpired as exc:
        raise ValidationFailed({"token": [EXPIRED_LINK]}, message=EXPIRED_LINK) from exc
    except signing.BadSignature as exc:
        raise ValidationFailed({"token": [WRONG_LINK]}, message=WRONG_LINK) from exc
    if not isinstance(data, dict) or not isinstance(data.get("o"), int) or not isinstance(data.get("e"), str):
        raise ValidationFailed({"token": [WRONG_LINK]}, message=WRONG_LINK)
    organisation = Organisation.objects.filter(pk=data["o"], active=True).first()
    if organisation is None:
        raise ValidationFailed({"token": [WRONG_LINK]}, message=WRONG_LINK)
    if organisation.email.lower() != data["e"]:
        raise ValidationFailed({"token": [CHANGED_ADDRESS]}, message=CHANGED_ADDRESS)
    return organisation


def recipient_confirm(*, token: str) -> Organisation:
    """Record that the test mail arrived: the address in the link is now confirmed. Idempotent."""
    organisation = organisation_from_token(token)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.email_confirmed:
            return organisation
        organisation.email_confirmed_for = organisation.email
        organisation.email_confirmed_at = timezone.now()
        organisation.save(update_fields=["email_confirmed_for", "email_confirmed_at"])
        audit(
            actor=None,
            action="organisation.recipient_confirm",
            obj=organisation,
            organisation=organisation,
            summary=f"Empfang an {organisation.email} bestätigt",
        )
    return organisation
