"""IBAN and BIC checks for the bank details printed on fee notices (ISO 13616 check digits, ISO 9362).

A wrong digit in the commune's IBAN would send every citizen's transfer back (or elsewhere), and the
GiroCode copies it into banking apps unchecked, so the details are validated when they are stored.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
BIC_RE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def normalise_iban(value: str) -> str:
    """'de89 3704 0044 0532 0130 00' → 'DE89370400440532013000'."""
    return re.sub(r"\s+", "", value or "").upper()


def iban_is_valid(value: str) -> bool:
    iban = normalise_iban(value)
    if not IBAN_RE.match(iban):
        return False
    if iban.startswith("DE") and len(iban) != 22:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def format_iban(value: str) -> str:
    """Groups of four for print: 'DE89 3704 0044 0532 0130 00'."""
    iban = normalise_iban(value)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def validate_iban(value: str) -> None:
    if value and not iban_is_valid(value):
        raise ValidationError("Bitte eine gültige IBAN angeben (Prüfziffer stimmt nicht).", code="iban")


def validate_bic(value: str) -> None:
    if value and not BIC_RE.match(value.strip().upper()):
        raise ValidationError("Bitte eine gültige BIC angeben (8 oder 11 Zeichen).", code="bic")
