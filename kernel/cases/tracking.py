"""The creator's private tracking link of a case: an HMAC of the public id under ``SECRET_KEY``.

Derived rather than stored, so the e-mails sent on every status change can carry the link and a database
dump reveals nothing. Rotating ``SECRET_KEY`` (the old key moved to ``SECRET_KEY_FALLBACKS``) keeps every
link that was already sent working, for every case type.

Each case type names its namespace (``tracking_namespace``) and its page (``tracking_url_name``, a URL
name that ``django.urls.reverse`` resolves: a string, so this kernel imports no interface) on the model,
so one case type's token never opens another type's page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.urls import reverse


def _token(secret: str, namespace: str, public_id: str) -> str:
    digest = hmac.new(secret.encode(), f"{namespace}:{public_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def tracking_token(case_type: type[Any], public_id: str) -> str:
    """The token for a case of ``case_type`` under the current ``SECRET_KEY`` (what new mails carry)."""
    return _token(settings.SECRET_KEY, case_type.tracking_namespace, public_id)


def tracking_token_matches(case_type: type[Any], public_id: str, token: str) -> bool:
    """True if ``token`` was made for this case under the current key or one of the fallbacks.

    Takes the public id rather than a loaded case, so a page can refuse a wrong link before it asks the
    database whether such a case exists.
    """
    # Tokens are URL-safe base64; hmac.compare_digest raises TypeError for non-ASCII text (e.g. "ä" typed
    # into the link), and such a token can never match anyway.
    if not token.isascii():
        return False
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        hmac.compare_digest(_token(key, case_type.tracking_namespace, public_id), token) for key in keys
    )


def tracking_path_of(case_type: type[Any], public_id: str) -> str:
    """The creator's private page of the case ``public_id`` of ``case_type`` (path with the token)."""
    token = tracking_token(case_type, public_id)
    return reverse(case_type.tracking_url_name, args=[public_id, token])


def tracking_path(case: Any) -> str:
    """The creator's private page of ``case`` (path with the token), e.g. for the signed-in account."""
    return tracking_path_of(type(case), case.public_id)


def tracking_url(case: Any) -> str:
    """Absolute URL of the creator's page, for mails (``SITE_URL`` + :func:`tracking_path`)."""
    return f"{settings.SITE_URL}{tracking_path(case)}"
