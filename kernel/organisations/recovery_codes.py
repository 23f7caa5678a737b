"""Recovery codes: ten one-time codes that stand in for the authenticator app when the device is lost.

Shown once, right after they are made; stored as salted SHA-256 only (``RecoveryCode.code_hash``). Not a
password hasher (PBKDF2 with Django's ~1 million rounds): the slow hash protects guessable passwords, and
these codes are 16 characters drawn by ``secrets`` from 32 symbols, 80 bits, which no offline search
over a stolen table gets through (2^80 SHA-256 ≈ 400,000 years at 10^11 per second). A slow hash would
instead cost ~0.5 s per stored code on every sign-in attempt (up to 10 codes: a cheap way to load the
two-core server). The random salt per code keeps precomputed tables useless all the same.

Not django-otp's ``otp_static`` either: it stores its tokens in plain text.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from kernel.organisations.models import RecoveryCode
from kernel.organisations.second_factor import audit_second_factor, confirmed_device

CODE_COUNT = 10
CODE_LENGTH = 16  # × 5 bits = 80 bits
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U to misread
MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


class NoDevice(Exception):
    """Recovery codes belong to a confirmed TOTP device: without one there is no second factor to recover."""


def _normalised(text: str) -> str | None:
    code = (text or "").strip().upper().translate(MISREAD)
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}${code}".encode()).hexdigest()


def _hashed(code: str) -> str:
    salt = secrets.token_hex(8)
    return f"sha256${salt}${_digest(code, salt)}"


def _matches(code: str, stored: str) -> bool:
    algorithm, _, rest = stored.partition("$")
    salt, _, digest = rest.partition("$")
    return algorithm == "sha256" and hmac.compare_digest(_digest(code, salt), digest)


def shown(code: str) -> str:
    """In groups of four, as printed for the person: ``7K2M-…``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(user=user, used__isnull=True).count()


def recovery_codes_generate(*, user: Any) -> list[str]:
    """Ten new codes (returned once, formatted for printing); every earlier code of ``user`` stops working.
    The caller has checked a fresh TOTP code (``interfaces.staff.recovery_codes``)."""
    device = confirmed_device(user)
    if device is None:
        raise NoDevice
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(CODE_COUNT)]
    with transaction.atomic():
        list(RecoveryCode.objects.select_for_update().filter(user=user))  # one generation at a time
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hashed(c)) for c in codes)
        audit_second_factor(
            user=user,
            action="second_factor.recovery_codes",
            obj=device,
            summary=f"{CODE_COUNT} neue Wiederherstellungscodes für {user.username} (alte ungültig)",
        )
    return [shown(c) for c in codes]


def recovery_code_use(*, user: Any, code: str) -> bool:
    """True once per code: the matching unused code of ``user`` is marked used (and audited)."""
    normalised = _normalised(code)
    if normalised is None:
        return False
    with transaction.atomic():
        for row in RecoveryCode.objects.select_for_update().filter(user=user, used__isnull=True):
            if _matches(normalised, row.code_hash):
                row.used = timezone.now()
                row.save(update_fields=["used"])
                audit_second_factor(
                    user=user,
                    action="second_factor.recovery_used",
                    obj=row,
                    summary=f"Anmeldung von {user.username} mit einem Wiederherstellungscode",
                    left=recovery_codes_left(user),
                )
                return True
    return False
