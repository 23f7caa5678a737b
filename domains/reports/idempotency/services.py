"""Idempotency keys for ``report_create`` (cf. the IETF httpapi draft "The Idempotency-Key HTTP Header
Field"): the same key with the same content answers with the report already created; the same key with
other content is refused with 409 and stores nothing.

Why here and not in each interface: the web form (a hidden field generated per page and kept by the offline
draft), the REST API (``Idempotency-Key`` header) and Open311 (the same header) share one rule and one
German message. Scope: the web form's keys are the server's own random UUIDs, so they need no scope beyond
the channel; API clients choose their keys, so a key counts only for the same client (account or API key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from domains.reports.idempotency.models import ReportIdempotencyKey
from kernel.core.errors import Conflict, ValidationFailed

KEY_RETENTION = dt.timedelta(hours=24)
KEY_MAX = 255
# Printable ASCII without blanks and quotes: what a UUID, a ULID or a base64 token consists of.
_KEY_RE = re.compile(r"^[\x21\x23-\x7e]{8,%d}$" % KEY_MAX)  # noqa: UP031 – a regex quantifier
_CHUNK = 1 << 16

CONFLICT_MESSAGE = (
    "Mit diesem Idempotenzschlüssel wurde bereits eine Meldung mit anderen Angaben gesendet; es wurde "
    "nichts gespeichert. Bitte senden Sie eine neue Meldung mit einem neuen Schlüssel."
)


@dataclass(frozen=True)
class IdempotencyClaim:
    """A request's key (hashed with its scope) and the fingerprint of its content."""

    key_hash: str
    fingerprint: str


def key_clean(raw: Any, *, field: str = "Idempotency-Key") -> str:
    """The key from a header or form field; "" if none. A Structured Field string (``"abc…"``, as the
    draft writes it) and a bare token are both accepted. Anything else is a 400 with a German message."""
    if raw in (None, ""):
        return ""
    value = str(raw).strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not _KEY_RE.match(value):
        raise ValidationFailed(
            {
                field: [
                    f"{field}: 8 bis {KEY_MAX} druckbare Zeichen ohne Leerzeichen erwartet, z. B. eine UUID."
                ]
            }
        )
    return value


def new_idempotency_key() -> str:
    """A fresh key for a form the server shows (122 random bits: nobody guesses another's)."""
    return str(uuid.uuid4())


def form_key(raw: Any) -> str:
    """The key a web form sent back, or a fresh one if it sent none or a broken one (then the form is
    simply not protected against a resend; no person could fix a hidden field)."""
    try:
        return key_clean(raw) or new_idempotency_key()
    except ValidationFailed:
        return new_idempotency_key()


def _photo_digest(upload: Any) -> str:
    file = upload.file
    start = file.tell() if hasattr(file, "tell") else 0
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(_CHUNK), b""):
        digest.update(chunk)
    file.seek(start)
    return digest.hexdigest()


def draft_fingerprint(draft: Any, fields: tuple[str, ...]) -> str:
    """SHA-256 over the draft's fields, its attributes and each photo's bytes (in order): what "the same
    request" means, independent of the multipart boundary or the order of the form fields."""
    content = {name: _plain(getattr(draft, name, None)) for name in fields}
    content["attributes"] = _plain(dict(draft.attributes or {}))
    content["photos"] = [_photo_digest(photo) for photo in draft.photos]
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _plain(value: Any) -> Any:
    slug = getattr(value, "slug", None)  # a Category object (staff intake) counts by its slug
    return slug if slug is not None else value


def claim_for(*, key: str, scope: str, draft: Any, fields: tuple[str, ...]) -> IdempotencyClaim:
    key_hash = hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
    return IdempotencyClaim(key_hash=key_hash, fingerprint=draft_fingerprint(draft, fields))


def claimed_report_id(claim: IdempotencyClaim, *, lock: bool = False) -> int | None:
    """The report already created with this key, or None; :class:`Conflict` if the key came with other
    content. ``lock`` (inside the creating transaction) serialises two requests with the same key, so the
    second waits for the first and then replays it instead of creating a twin."""
    if lock:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 31))", [claim.key_hash])
    row = (
        ReportIdempotencyKey.objects.filter(key_hash=claim.key_hash)
        .values("fingerprint", "report_id")
        .first()
    )
    if row is None:
        return None
    if row["fingerprint"] != claim.fingerprint:
        raise Conflict(CONFLICT_MESSAGE, code="idempotency_key_reused")
    return row["report_id"]


def claim_record(claim: IdempotencyClaim, report_id: int) -> None:
    """Inside the creating transaction: the key is used exactly when the report exists."""
    ReportIdempotencyKey.objects.create(
        key_hash=claim.key_hash, fingerprint=claim.fingerprint, report_id=report_id
    )


def keys_due(*, moment: dt.datetime) -> QuerySet[ReportIdempotencyKey]:
    """Keys no client will retry with any more (older than ``KEY_RETENTION`` at ``moment``)."""
    return ReportIdempotencyKey.objects.filter(created__lt=moment - KEY_RETENTION)


def keys_erase(queryset: QuerySet[ReportIdempotencyKey]) -> int:
    return queryset.delete()[0]
