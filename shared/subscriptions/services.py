"""Writes of subscriptions: subscribe (double opt-in), confirm, unsubscribe, management links.

Every answer to a citizen is the same whether an address was already subscribed or not: the page and the
API say "if … we sent you a mail", so nobody learns through this service whether someone follows a report
or an area. Mails are queued in the outbox in the same transaction (``kernel.notifications.services.mail_queue``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from domains.reports.models import PUBLIC_REPORTS, Category, Report
from kernel.core.errors import NotFound, ValidationFailed
from kernel.notifications.personal_data import mails_to_since
from kernel.notifications.services import email_is_valid, mail_queue
from shared.subscriptions.areas import clean_area, clean_commune
from shared.subscriptions.models import Frequency, Subscription, SubscriptionKind, email_digest, new_nonce
from shared.subscriptions.tokens import confirm_url, manage_url

# A second subscribe for the same pending subscription re-sends the confirmation at most this often, so
# the form cannot be used to flood someone's mailbox.
RESEND_AFTER = dt.timedelta(hours=1)
# The mails a stranger can trigger by typing an address; at most THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS
# of them per address and hour (the per-client throttle does not help against many clients).
REQUEST_MAIL_KINDS = ("subscription.confirm", "subscription.manage")
# First key of the two-int advisory lock that serialises requests for one address ("MS").
_ADDRESS_LOCK_CLASS = 0x4D53
EMAIL_MESSAGE = "Bitte eine gültige E-Mail-Adresse angeben."


@dataclass
class AreaRequest:
    """What the alert form or a client sends: an AGS, or a GeoJSON area in WGS84; category slugs."""

    email: str
    ags: str = ""
    geojson: str = ""
    categories: Sequence[str] = field(default_factory=list)
    frequency: str = Frequency.IMMEDIATE


def _checked_email(email: str) -> str:
    email = (email or "").strip()
    if not email_is_valid(email):
        raise ValidationFailed({"email": [EMAIL_MESSAGE]})
    return email


def _lock_address(email: str) -> None:
    """Serialise the requests for one address until the transaction ends, so two at the same moment
    cannot both find "no pending subscription" or "under the hourly limit"."""
    key = int(email_digest(email)[:7], 16)  # 28 bits: fits PostgreSQL's int4 key
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ADDRESS_LOCK_CLASS, key])


def _mail_allowed(email: str) -> bool:
    """Under the hourly number of request mails to this address (call inside a transaction)."""
    _lock_address(email)
    since = timezone.now() - dt.timedelta(hours=1)
    sent = mails_to_since(email, kinds=REQUEST_MAIL_KINDS, since=since)
    return sent < settings.THROTTLE_SUBSCRIPTION_MAILS_PER_ADDRESS


def _send_confirmation(subscription: Subscription) -> None:
    now = timezone.now()
    if subscription.confirmation_sent and now - subscription.confirmation_sent < RESEND_AFTER:
        return
    if not _mail_allowed(subscription.email):
        return  # silent: the answer is the same; a later request may send it
    subscription.confirmation_sent = now
    subscription.save(update_fields=["confirmation_sent"])
    mail_queue(
        kind="subscription.confirm",
        to=subscription.email,
        template="mail/subscription_confirm.txt",
        context={"subscription": subscription, "confirm_url": confirm_url(subscription)},
        object_type="subscription",
        object_id=str(subscription.pk),
    )


def _restart(subscription: Subscription, email: str) -> None:
    """A cancelled (not yet deleted) subscription subscribed again: a new opt-in with new links."""
    subscription.email = email
    subscription.nonce = new_nonce()
    subscription.confirmed = None
    subscription.unsubscribed = None
    subscription.confirmation_sent = None
    subscription.save()


def report_follow(*, public_id: str, email: str) -> None:
    """Follow a report: a pending subscription and a confirmation mail. Already following: nothing new."""
    email = _checked_email(email)
    with transaction.atomic():
        _lock_address(email)
        report = Report.objects.filter(PUBLIC_REPORTS, public_id=public_id).only("pk", "public_id").first()
        if report is None:
            raise NotFound("Meldung nicht gefunden.")
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            report=report,
            email_digest=email_digest(email),
            defaults={"kind": SubscriptionKind.REPORT, "email": email},
        )
        if subscription.active:
            return
        if subscription.unsubscribed is not None:
            _restart(subscription, email)
        _send_confirmation(subscription)


def _categories(slugs: Sequence[str]) -> list[Category]:
    slugs = sorted({s.strip() for s in slugs if s and s.strip()})
    found = list(Category.objects.filter(slug__in=slugs, active=True))
    unknown = sorted(set(slugs) - {c.slug for c in found})
    if unknown:
        raise ValidationFailed({"categories": [f"Unbekannte Kategorie „{unknown[0][:60]}“."]})
    return found


def area_subscribe(*, request: AreaRequest) -> Subscription:
    """Alerts for new reports in a commune or an area (≤ 100 km²): pending until the link is opened."""
    errors: dict[str, list[str]] = {}
    email = (request.email or "").strip()
    if not email_is_valid(email):
        errors["email"] = [EMAIL_MESSAGE]
    if request.frequency not in Frequency.values:
        errors["frequency"] = ["Bitte „sofort“ oder „einmal täglich“ wählen."]
    target: dict = {}
    try:
        if request.ags.strip() and request.geojson.strip():
            raise ValidationFailed({"area": ["Bitte entweder eine Gemeinde oder ein Gebiet angeben."]})
        if request.ags.strip():
            target = {"kind": SubscriptionKind.COMMUNE, "ags": clean_commune(request.ags)}
        elif request.geojson.strip():
            target = {"kind": SubscriptionKind.AREA, "area": clean_area(request.geojson)}
        else:
            raise ValidationFailed({"area": ["Bitte eine Gemeinde wählen oder ein Gebiet zeichnen."]})
        categories = _categories(request.categories)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        _lock_address(email)
        pending = _pending_for(email, target)
        if pending is not None:
            # At most one pending confirmation per address and target: the first request's choice
            # stands until it is confirmed or expires; its mail is re-sent at most once an hour.
            _send_confirmation(pending)
            return pending
        subscription = Subscription.objects.create(email=email, frequency=request.frequency, **target)
        subscription.categories.set(categories)
        _send_confirmation(subscription)
    return subscription


def _pending_for(email: str, target: dict) -> Subscription | None:
    """The unconfirmed subscription of this address for the same commune or the same area (ST_Equals)."""
    pending = Subscription.objects.select_for_update().filter(
        email_digest=email_digest(email),
        kind=target["kind"],
        confirmed__isnull=True,
        unsubscribed__isnull=True,
    )
    if target["kind"] == SubscriptionKind.COMMUNE:
        pending = pending.filter(ags=target["ags"])
    else:
        pending = pending.filter(area__equals=target["area"])
    return pending.order_by("pk").first()


def subscription_confirm(subscription: Subscription) -> None:
    """Opened the link and pressed the button: mails start. Idempotent."""
    with transaction.atomic():
        row = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if row.confirmed is None and row.unsubscribed is None:
            row.confirmed = timezone.now()
            row.save(update_fields=["confirmed"])


def subscription_cancel(subscription: Subscription) -> None:
    """Unsubscribe (one click, manage page): no mail from now on; the retention run deletes the row."""
    with transaction.atomic():
        row = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if row.unsubscribed is None:
            row.unsubscribed = timezone.now()
            row.save(update_fields=["unsubscribed"])


def manage_link_request(*, email: str) -> None:
    """Mail a management link if the address has subscriptions; the caller's answer is the same either way."""
    email = _checked_email(email)
    digest = email_digest(email)
    with transaction.atomic():
        if not Subscription.objects.filter(email_digest=digest, unsubscribed__isnull=True).exists():
            return
        if not _mail_allowed(email):
            return  # silent, as for an address without subscriptions
        mail_queue(
            kind="subscription.manage",
            to=email,
            template="mail/subscription_manage.txt",
            context={"manage_url": manage_url(digest)},
            object_type="subscription",
        )
