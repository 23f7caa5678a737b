"""Issuing, revoking and checking Open311 API keys.

These are the key model's services and its one selector; they live beside the model in ``api`` because
keys belong to the interface, not to reports.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from interfaces.api.models import ApiKey
from kernel.core.errors import ValidationFailed

KEY_PREFIX = "mm311_"
NAME_MAX = 100


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str  # shown once; only its hash is stored


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, name: str) -> IssuedKey:
    """A new active key for the client application ``name``."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": ["Bitte geben Sie den Namen der Anwendung an."]})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": [f"Der Name darf höchstens {NAME_MAX} Zeichen lang sein."]})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(name=name, prefix=key[: len(KEY_PREFIX) + 4], key_hash=hash_key(key))
    return IssuedKey(api_key=api_key, key=key)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke ``api_key`` (idempotent: a second revocation keeps the first date)."""
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked is None:
            locked.revoked = timezone.now()
            locked.save(update_fields=["revoked"])
    return locked


def active_api_key(key: str) -> ApiKey | None:
    """The active key matching ``key``, else None (unknown and revoked keys look the same to callers)."""
    if not key or len(key) > 200:
        return None
    return ApiKey.objects.filter(key_hash=hash_key(key), revoked__isnull=True).first()
