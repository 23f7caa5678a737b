"""The parking permit as a signed code that enforcement staff check on the street, also offline.

A valid parking permit carries a QR code with a short text: ``PA1.<payload>.<signature>`` (both base64url
without padding). The payload is compact JSON::

    {"k": key id, "n": permit number, "a": AGS, "z": zone code, "f": valid from, "u": valid until,
     "h": plate hash}

signed with Ed25519 (``PARKING_SIGNING_KEY``). ``k`` names the key (``PARKING_SIGNING_KEY_ID``), so keys
can rotate: a checker takes the public key with that kid, the current one or an earlier one still listed in
``PARKING_VERIFY_KEYS``, and refuses a kid it does not know with its own message. The kid sits inside the
signed payload rather than in a new prefix: the format stays ``PA1``, so scanners and verifiers that try
every published key keep working. Cards issued before key ids carry no ``k``; they are checked against the
key(s) listed with kid ``legacy`` (the key then derived from SECRET_KEY, which config.parking_keys can
name), because they were printed and mailed and stay valid for up to a year. ``h`` is a keyed hash of the normalised licence plate —
never the plate itself: HMAC-SHA256 under a key per commune (derived from ``PARKING_PLATE_SECRET`` and the
AGS), first 16 bytes. A plate has too few possibilities for a plain hash (anyone scanning the code could
try them all); with the key only that commune's enforcement staff, whose check page carries it, can test
a plate. The check page verifies in the browser (WebCrypto), so it works without network once loaded; the
server does the same check for the form without JavaScript. Withdrawn permits are on a revocation list
(``/api/v1/parking-permits/revoked/``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from kernel.core.key_ids import KID_RE, LEGACY_KID

PREFIX = "PA1"
HASH_BYTES = 16
MAX_CODE_LENGTH = 600


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(unb64(settings.PARKING_SIGNING_KEY))


def public_key_b64() -> str:
    """The raw 32-byte public key, base64url: what the check page and other verifiers need."""
    raw = signing_key().public_key().public_bytes_raw()
    return b64(raw)


def verification_keys() -> list[dict[str, str]]:
    """``{"kid", "key"}`` of the current public key (first) and the earlier ones still accepted
    (``PARKING_VERIFY_KEYS``, after a rotation)."""
    current = {"kid": settings.PARKING_SIGNING_KEY_ID, "key": public_key_b64()}
    return [current, *({"kid": kid, "key": key} for kid, key in settings.PARKING_VERIFY_KEYS)]


def keys_for(kid: str) -> list[str]:
    """The public keys a card with ``kid`` may be signed with (several only for ``legacy``)."""
    return [entry["key"] for entry in verification_keys() if entry["kid"] == kid]


def plate_key(ags: str) -> bytes:
    """The commune's key for plate hashes (handed only to that commune's enforcement staff)."""
    return hmac.new(settings.PARKING_PLATE_SECRET.encode(), f"plate:{ags}".encode(), hashlib.sha256).digest()


def plate_hash(ags: str, normalised_plate: str) -> str:
    digest = hmac.new(plate_key(ags), normalised_plate.encode(), hashlib.sha256).digest()
    return b64(digest[:HASH_BYTES])


def card_code(
    *, number: str, ags: str, zone: str, valid_from: dt.date, valid_until: dt.date, plate: str
) -> str:
    """The signed text of a permit; ``plate`` already normalised (``DD-AB 123``)."""
    payload = {
        "k": settings.PARKING_SIGNING_KEY_ID,
        "n": number,
        "a": ags,
        "z": zone,
        "f": valid_from.isoformat(),
        "u": valid_until.isoformat(),
        "h": plate_hash(ags, plate),
    }
    body = b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    signature = signing_key().sign(f"{PREFIX}.{body}".encode())
    return f"{PREFIX}.{body}.{b64(signature)}"


@dataclass
class CardCheck:
    """The outcome of a check: valid only without problems; the payload when the signature held."""

    problems: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.payload)


NOT_A_CARD = "Kein gültiger Parkausweis-Code: Signatur falsch, Code verändert oder unvollständig."


def _unknown_key(kid: str) -> str:
    if kid == LEGACY_KID:
        return (
            "Der Ausweis stammt aus der Zeit vor dem Schlüsselwechsel; sein Schlüssel wird nicht mehr "
            "angenommen. Der Ausweis ist ungültig; die Inhaberin oder der Inhaber erhält einen neuen."
        )
    return (
        f"Der Ausweis ist mit einem unbekannten Schlüssel signiert (Schlüssel-ID „{kid}“). Bitte die Seite "
        "neu laden; bleibt die Meldung, ist der Schlüssel zurückgezogen und der Ausweis ungültig."
    )


def _signed_payload(code: str) -> tuple[dict[str, Any] | None, str]:
    """(payload, "") if ``code`` is a well-formed card signed by the key its kid names, else (None, why)."""
    parts = code.strip().split(".")
    if len(code) > MAX_CODE_LENGTH or len(parts) != 3 or parts[0] != PREFIX:
        return None, NOT_A_CARD
    try:
        signature = unb64(parts[2])
        payload = json.loads(unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None, NOT_A_CARD
    kid = payload.get("k", LEGACY_KID) if isinstance(payload, dict) else None
    if not isinstance(kid, str) or not KID_RE.fullmatch(kid):
        return None, NOT_A_CARD
    keys = keys_for(kid)
    if not keys:
        return None, _unknown_key(kid)
    for key in keys:
        try:
            Ed25519PublicKey.from_public_bytes(unb64(key)).verify(
                signature, f"{parts[0]}.{parts[1]}".encode()
            )
        except (InvalidSignature, ValueError):
            continue
        return payload, ""
    return None, NOT_A_CARD


def check_card(
    code: str,
    *,
    plate: str,
    ags: str,
    zone: str = "",
    on: dt.date,
    revoked: set[str] | frozenset[str] = frozenset(),
) -> CardCheck:
    """Check a scanned or typed code against the plate on the car, the zone where it stands and the day."""
    payload, problem = _signed_payload(code)
    if payload is None:
        return CardCheck(problems=[problem])
    check = CardCheck(payload=payload)
    try:
        valid_from, valid_until = dt.date.fromisoformat(payload["f"]), dt.date.fromisoformat(payload["u"])
    except (KeyError, TypeError, ValueError):
        return CardCheck(problems=["Der Code enthält keine lesbare Gültigkeit."])
    if payload.get("a") != ags:
        check.problems.append("Der Ausweis wurde von einer anderen Gemeinde ausgestellt.")
    if on < valid_from:
        check.problems.append(f"Der Ausweis gilt erst ab {valid_from:%d.%m.%Y}.")
    if on > valid_until:
        check.problems.append(
            f"Der Ausweis ist seit {valid_until + dt.timedelta(days=1):%d.%m.%Y} abgelaufen."
        )
    if zone and payload.get("z") != zone:
        check.problems.append(f"Der Ausweis gilt für Zone {payload.get('z')}, nicht für Zone {zone}.")
    if not hmac.compare_digest(str(payload.get("h", "")), plate_hash(ags, plate)):
        check.problems.append("Das Kennzeichen passt nicht zum Ausweis.")
    if payload.get("n") in revoked:
        check.problems.append("Der Ausweis wurde widerrufen.")
    return check


def card_for_permit(permit: Any, *, today: dt.date) -> str | None:
    """The signed code of an approved parking permit that is valid today or later, else None."""
    if permit.status != "approved" or not permit.permit_number or not permit.valid_until:
        return None
    if permit.valid_until < today:
        return None
    return card_code(
        number=permit.permit_number,
        ags=permit.zone.ags,
        zone=permit.zone.code,
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        plate=permit.licence_plate,
    )


def qr_svg(code: str) -> str:
    """The code as an inline SVG QR code (error correction M, scales with CSS)."""
    return segno.make(code, error="m").svg_inline(scale=4, border=4, omitsize=True)


def qr_data_uri(code: str) -> str:
    """The code as a QR image data URI (SVG), for the printed Parkausweis (PDF renderer takes data: only)."""
    return segno.make(code, error="m").svg_data_uri(scale=4, border=4)
