"""The keys of the parking card (domains.permits.parking_card), read from the environment, independent of SECRET_KEY.

Settings (config/settings/parking_cards.py):

``PARKING_SIGNING_KEY`` + ``PARKING_SIGNING_KEY_ID``
    The current Ed25519 private key (32 random bytes, base64url) and its key id (kid, letters, digits,
    ``.``, ``_``, ``-``; at most 32). Every card signed from now on carries the kid (payload field ``k``).
``PARKING_VERIFY_KEYS``
    Earlier public keys still accepted, comma-separated ``kid:publickey`` pairs. Cards stay valid up to a
    year on the street, so after a rotation the old public key stays here until its last card expired.
    Cards issued before key ids existed carry none; they are checked against the key(s) listed with the kid
    ``legacy`` (``python -m config.parking_keys legacy`` prints that entry from the old SECRET_KEY).
``PARKING_PLATE_SECRET``
    The secret under which each commune's plate-hash key is derived. Every card carries the hash of its
    plate under that key, so this value must stay **stable** for as long as any card is valid: changing it
    makes every card on the street fail with "Kennzeichen passt nicht" until it is reissued. It is not a
    signing key and does not rotate with one.

Development generates the signing key and the plate secret once into ``.local/`` (as config.env's
``secret_key`` does), so ``make run`` needs no environment; production requires all of them explicitly.
Nothing here depends on SECRET_KEY any more: rotating it leaves every card valid.

Run ``python -m config.parking_keys new`` for a fresh key pair (no Django settings needed, so it works
before the production settings can load).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from config.env import Env
from config.features import derived_secret
from kernel.core.key_ids import KID_RE, LEGACY_KID

GENERATE = "python -m config.parking_keys new"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def key_bytes(name: str, text: str) -> bytes:
    """The 32 bytes of a base64url key, or a start-up error naming the setting."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{name} muss ein Schlüssel aus 32 Bytes sein, base64url-kodiert ({GENERATE})."
        )
    return raw


def checked_kid(name: str, kid: str) -> str:
    if not KID_RE.fullmatch(kid):
        raise ImproperlyConfigured(
            f"{name}: {kid!r} ist keine Schlüssel-ID (Buchstaben, Ziffern, . _ -, höchstens 32 Zeichen)."
        )
    return kid


def public_of(private_b64: str) -> str:
    """The raw public key (base64url) of a private key seed (base64url)."""
    key = Ed25519PrivateKey.from_private_bytes(key_bytes("PARKING_SIGNING_KEY", private_b64))
    return b64(key.public_key().public_bytes_raw())


def verify_keys(env: Env) -> tuple[tuple[str, str], ...]:
    """``PARKING_VERIFY_KEYS`` as ``(kid, public key)`` pairs. A bare key (the format before key ids) is
    refused rather than guessed: it would be the key of cards without a kid, so the message says to write
    ``legacy:`` in front of it."""
    pairs: list[tuple[str, str]] = []
    for entry in env.list("PARKING_VERIFY_KEYS", default=[]):
        kid, sep, public = entry.partition(":")
        if not sep:
            raise ImproperlyConfigured(
                f"PARKING_VERIFY_KEYS: Eintrag {entry[:12]}… hat keine Schlüssel-ID. Schreiben Sie kid:schlüssel, "
                f"für Ausweise aus der Zeit vor den Schlüssel-IDs {LEGACY_KID}:schlüssel."
            )
        key_bytes("PARKING_VERIFY_KEYS", public.strip())
        pairs.append((checked_kid("PARKING_VERIFY_KEYS", kid.strip()), public.strip()))
    kids = [kid for kid, _ in pairs if kid != LEGACY_KID]
    if len(kids) != len(set(kids)):
        raise ImproperlyConfigured("PARKING_VERIFY_KEYS nennt eine Schlüssel-ID zweimal.")
    return tuple(pairs)


def _stored(path: Path, make: str) -> str:
    """The value kept in ``path``, written there first (mode 0600) if missing — development only.

    Created with a hard link from a finished temporary file, so processes starting together (test
    workers, ``make run`` and a task worker) all end up with the one value that won, never a half-written
    or a second key."""
    if path.is_file() and (stored := path.read_text(encoding="utf-8").strip()):
        return stored
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    temporary.write_text(make + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


def signing_key(env: Env, local_dir: Path) -> tuple[str, str]:
    """(kid, private key): from the environment, else generated once into ``local_dir`` as ``kid:key``."""
    private = env.str("PARKING_SIGNING_KEY", default="").strip()
    kid = env.str("PARKING_SIGNING_KEY_ID", default="").strip()
    if private and not kid:
        raise ImproperlyConfigured("PARKING_SIGNING_KEY ist gesetzt, PARKING_SIGNING_KEY_ID fehlt.")
    if not private:
        fresh = f"dev-{dt.date.today():%Y%m%d}:{b64(secrets.token_bytes(32))}"
        kid, _, private = _stored(local_dir / "parking_signing_key", fresh).partition(":")
    key_bytes("PARKING_SIGNING_KEY", private)
    return checked_kid("PARKING_SIGNING_KEY_ID", kid), private


def checked_against_current(kid: str, private: str, pairs: tuple[tuple[str, str], ...]) -> None:
    """An earlier key may not carry the current kid with another key: a card naming that kid would then
    pass under either key, and the published list would be ambiguous (listing the current key itself, as
    in step 1 of a rotation left in place, is harmless)."""
    current = public_of(private)
    if any(other == kid and key != current for other, key in pairs):
        raise ImproperlyConfigured(
            f"PARKING_VERIFY_KEYS nennt die Schlüssel-ID {kid!r} des aktuellen Schlüssels mit einem anderen "
            "Schlüssel. Jede Schlüssel-ID gehört zu genau einem Schlüssel: neue ID wählen."
        )


def plate_secret(env: Env, local_dir: Path) -> str:
    return env.str("PARKING_PLATE_SECRET", default="").strip() or _stored(
        local_dir / "parking_plate_secret", b64(secrets.token_bytes(32))
    )


def require_explicit(env: Env) -> None:
    """Production: no generated key. Cards are checked on other devices for a year; a key that exists
    only in one node's ``.local/`` would make half of them fail behind a load balancer."""
    missing = [
        name
        for name in ("PARKING_SIGNING_KEY", "PARKING_SIGNING_KEY_ID", "PARKING_PLATE_SECRET")
        if not env.str(name, default="").strip()
    ]
    if missing:
        raise ImproperlyConfigured(
            f"{', '.join(missing)} muss in Produktion gesetzt sein (Parkausweis-Schlüssel, nicht mehr aus "
            f"SECRET_KEY abgeleitet). Neuer Schlüssel: {GENERATE}. Beim Umstieg von einer Version ohne "
            "Schlüssel-IDs: python -m config.parking_keys legacy (mit dem bisherigen SECRET_KEY) nennt "
            "PARKING_PLATE_SECRET und den legacy-Eintrag für PARKING_VERIFY_KEYS (docs/operations.md)."
        )


def _main(argv: list[str]) -> int:
    """``new [KID]``: a fresh key pair as environment lines. ``legacy``: what the keys derived from
    ``SECRET_KEY`` (in the environment) were before key ids, so cards already on the street stay valid."""
    command = argv[0] if argv else ""
    if command == "new":
        kid = checked_kid("KID", argv[1] if len(argv) > 1 else f"{dt.date.today():%Y-%m}")
        private = b64(secrets.token_bytes(32))
        print(f"PARKING_SIGNING_KEY={private}\nPARKING_SIGNING_KEY_ID={kid}")  # noqa: T201
        print(f"# öffentlicher Schlüssel, später für PARKING_VERIFY_KEYS: {kid}:{public_of(private)}")  # noqa: T201
        return 0
    if command == "legacy":
        secret = os.environ.get("SECRET_KEY", "")
        if not secret:
            print("SECRET_KEY (der bisherige) muss in der Umgebung stehen.", file=sys.stderr)  # noqa: T201
            return 2
        old = os.environ.get("PARKING_SIGNING_KEY") or derived_secret(secret, "parking-signing-key")
        plate = os.environ.get("PARKING_PLATE_SECRET") or derived_secret(secret, "parking-plate-hash")
        print(f"PARKING_PLATE_SECRET={plate}")  # noqa: T201
        print(f"# in PARKING_VERIFY_KEYS aufnehmen: {LEGACY_KID}:{public_of(old)}")  # noqa: T201
        return 0
    print(f"Aufruf: python -m config.parking_keys new [KID] | legacy\n\n{_main.__doc__}", file=sys.stderr)  # noqa: T201
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
