"""Signed links of subscriptions: confirm (double opt-in), unsubscribe (one click, RFC 8058), manage.

Signed with Django's signer under ``SECRET_KEY`` (``SECRET_KEY_FALLBACKS`` keep sent links working after a
key rotation), one salt per purpose so a confirm link never unsubscribes and vice versa. A subscription
token carries the row id and its nonce: a changed or forged token, a deleted row, or a row re-created
since (new nonce) all fail the same way, and the views answer 404. Nothing secret is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from shared.subscriptions.models import Subscription

CONFIRM_MAX_AGE_S = 7 * 24 * 3600  # the unconfirmed row is deleted after 7 days anyway
MANAGE_MAX_AGE_S = 7 * 24 * 3600
_SALT = "subscriptions.{purpose}"


def subscription_token(subscription: Subscription, purpose: str) -> str:
    value = f"{subscription.pk}.{subscription.nonce}"
    if purpose == "confirm":
        return signing.TimestampSigner(salt=_SALT.format(purpose=purpose)).sign(value)
    return signing.Signer(salt=_SALT.format(purpose=purpose)).sign(value)


def subscription_from_token(token: str, purpose: str) -> Subscription | None:
    """The subscription a token was made for, or None (bad signature, expired, deleted, re-created)."""
    try:
        if purpose == "confirm":
            value = signing.TimestampSigner(salt=_SALT.format(purpose=purpose)).unsign(
                token, max_age=CONFIRM_MAX_AGE_S
            )
        else:
            value = signing.Signer(salt=_SALT.format(purpose=purpose)).unsign(token)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    pk, _, nonce = value.partition(".")
    if not pk.isdigit() or not nonce:
        return None
    return Subscription.objects.filter(pk=int(pk), nonce=nonce).first()


def manage_token(digest: str) -> str:
    return signing.TimestampSigner(salt=_SALT.format(purpose="manage")).sign(digest)


def digest_from_manage_token(token: str) -> str | None:
    try:
        digest = signing.TimestampSigner(salt=_SALT.format(purpose="manage")).unsign(
            token, max_age=MANAGE_MAX_AGE_S
        )
    except signing.BadSignature:
        return None
    return digest if len(digest) == 64 else None


# The pages behind the links are served by ``web``; built from their URL names (strings: no import of
# the interfaces, which sit above this layer).


def confirm_url(subscription: Subscription) -> str:
    token = subscription_token(subscription, "confirm")
    return settings.SITE_URL + reverse("web:subscription-confirm", args=[token])


def unsubscribe_url(subscription: Subscription) -> str:
    token = subscription_token(subscription, "unsubscribe")
    return settings.SITE_URL + reverse("web:subscription-unsubscribe", args=[token])


def manage_url(digest: str) -> str:
    return settings.SITE_URL + reverse("web:subscription-manage", args=[manage_token(digest)])
