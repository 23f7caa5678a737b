"""The reporter's link to stop their status mails: signed, one click (RFC 8058), no account needed.

The token is a signature of the report's public id under ``SECRET_KEY`` with its own salt (so neither a
tracking token nor a subscription token opens it, and ``SECRET_KEY_FALLBACKS`` keep sent links working
after a key rotation). Derived rather than stored: nothing secret in the database. It stays valid as long
as the report exists; using it again only repeats the answer. The page is served by ``web``; the URL is
built from its name (a string: no import of the interfaces above).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from domains.reports.models import Report

_SALT = "reports.reporter_status_mails"


def status_mails_token(public_id: str) -> str:
    """The signature part only: the public id is already in the path."""
    return signing.Signer(salt=_SALT).sign(public_id).rpartition(signing.Signer().sep)[2]


def status_mails_token_matches(public_id: str, token: str) -> bool:
    """True if ``token`` was made for ``public_id`` under the current key or a fallback."""
    try:
        return signing.Signer(salt=_SALT).unsign(f"{public_id}{signing.Signer().sep}{token}") == public_id
    except signing.BadSignature:
        return False


def status_mails_stop_url(report: Report) -> str:
    """Absolute URL of the stop page, for the status mail's body and its ``List-Unsubscribe`` header."""
    token = status_mails_token(report.public_id)
    return settings.SITE_URL + reverse("web:report-status-mails-stop", args=[report.public_id, token])
